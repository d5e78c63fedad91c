/**
 * A bench-local fake of the Slack Web API (answers `auth.test` and anything else with ok:true)
 * that also receives response_url posts and notes when each one arrived. Unlike the test
 * helper it keeps nothing but pending waiters, so it stays small over 50,000 lookups.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchSlack {
  apiUrl: string;
  /** A fresh response_url and a promise of the time (performance.now) its post arrives. */
  responseUrl(timeoutMs: number): { url: string; arrived: Promise<number> };
  /** response_url posts received so far. */
  readonly received: number;
  close(): Promise<void>;
}

const AUTH_TEST = JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'focus' });

export async function startBenchSlack(): Promise<BenchSlack> {
  const waiting = new Map<string, { resolve: (t: number) => void; timer: NodeJS.Timeout }>();
  let counter = 0;
  let received = 0;
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    req.resume();
    req.on('end', () => {
      const at = performance.now();
      res.setHeader('content-type', 'application/json');
      if (path.startsWith('/response/')) {
        received++;
        const waiter = waiting.get(path);
        if (waiter) {
          waiting.delete(path);
          clearTimeout(waiter.timer);
          waiter.resolve(at);
        }
        res.end('{"ok":true}');
        return;
      }
      res.end(path.startsWith('/api/auth.test') ? AUTH_TEST : '{"ok":true}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 4096, resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    responseUrl(timeoutMs) {
      const path = `/response/${++counter}`;
      const arrived = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(path);
          reject(new Error(`no card within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(path, { resolve, timer });
      });
      arrived.catch(() => {}); // a caller that only times the ack may never await it
      return { url: `${base}${path}`, arrived };
    },
    get received() {
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const w of waiting.values()) clearTimeout(w.timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
