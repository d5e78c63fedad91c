/**
 * A full garbage collection in a child process that runs without `--expose-gc` (the image's node
 * arguments do not have it): its inspector is opened as `kill -USR1` opens it (Node's default
 * SIGUSR1 handler) on the port its NODE_OPTIONS `--inspect-port` named (inert until then), and
 * asked over the DevTools protocol for `HeapProfiler.collectGarbage`. Opening the inspector costs
 * the process a little memory of its own, so a bench that compares two processes opens it in both.
 */
import { WebSocket } from 'undici';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** NODE_OPTIONS for a child whose garbage the bench will collect. */
export function inspectPortOption(port: number): string {
  return `--inspect-port=127.0.0.1:${port}`;
}

/** The DevTools socket of the child's inspector, opening it first when it is not open. */
async function debuggerUrl(pid: number, port: number): Promise<string> {
  const list = () =>
    fetch(`http://127.0.0.1:${port}/json/list`).then(
      async (r) => ((await r.json()) as Array<{ webSocketDebuggerUrl?: string }>)[0]?.webSocketDebuggerUrl,
      () => undefined,
    );
  const open = await list();
  if (open) return open;
  process.kill(pid, 'SIGUSR1');
  for (let i = 0; i < 50; i++) {
    await pause(100);
    const url = await list();
    if (url) return url;
  }
  throw new Error(`the inspector of ${pid} did not open on port ${port}`);
}

/** One full collection in the child; resolves once it has run. */
export async function collectGarbage(pid: number, port: number): Promise<void> {
  const ws = new WebSocket(await debuggerUrl(pid, port));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to HeapProfiler.collectGarbage')), 30_000);
      ws.addEventListener('open', () =>
        ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })),
      );
      ws.addEventListener('message', (event) => {
        if ((JSON.parse(String(event.data)) as { id?: number }).id !== 1) return;
        clearTimeout(timer);
        resolve();
      });
      ws.addEventListener('error', () => {
        clearTimeout(timer);
        reject(new Error('the inspector socket failed'));
      });
    });
  } finally {
    ws.close();
  }
}
