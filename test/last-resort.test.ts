/** The last-resort handlers, in a real Node process (they change what the process does). */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const SECRET = 'super-secret-signing-value';

/** Runs a script that installs the handlers, then does `body`; resolves with exit code and output. */
async function run(body: string): Promise<{ code: number | null; lines: Array<Record<string, unknown>> }> {
  const dir = mkdtempSync(join(tmpdir(), 'last-resort-'));
  const script = join(dir, 'script.ts');
  writeFileSync(
    script,
    `import { installLastResortHandlers } from ${JSON.stringify(join(root, 'src/last-resort.ts'))};
import { createLogger } from ${JSON.stringify(join(root, 'src/log.ts'))};
installLastResortHandlers({ logger: createLogger({ level: 'info', secrets: [${JSON.stringify(SECRET)}] }) });
${body}
`,
  );
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const code = await new Promise<number | null>((r) => child.on('close', r));
  expect(out).not.toContain(SECRET);
  const lines = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, lines };
}

describe('last-resort handlers', () => {
  it('an unhandled rejection is logged with a reference and the process keeps running', async () => {
    const { code, lines } = await run(`
Promise.reject(new Error('lost promise ${SECRET}'));
setTimeout(() => { console.log(JSON.stringify({ event: 'still_alive' })); process.exit(0); }, 200);
`);
    expect(code).toBe(0);
    const logged = lines.find((l) => l.event === 'process.unhandled_rejection');
    expect(logged?.reference).toMatch(/^[a-z]{10}$/);
    expect(JSON.stringify(logged)).toContain('lost promise [redacted]');
    expect(lines.some((l) => l.event === 'still_alive')).toBe(true);
  });

  it('an uncaught exception is logged with a reference, then the process exits 1', async () => {
    const { code, lines } = await run(`
setTimeout(() => { throw new TypeError('broken ${SECRET}'); }, 10);
setTimeout(() => { console.log(JSON.stringify({ event: 'still_alive' })); }, 500);
`);
    expect(code).toBe(1);
    const logged = lines.find((l) => l.event === 'process.uncaught_exception');
    expect(logged?.reference).toMatch(/^[a-z]{10}$/);
    expect(logged?.error).toMatchObject({ name: 'TypeError', message: 'broken [redacted]' });
    expect(lines.some((l) => l.event === 'still_alive')).toBe(false);
  });
});
