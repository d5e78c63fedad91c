/**
 * A bench-local fake of the Slack Web API (answers `auth.test` and anything else with ok:true)
 * that also receives response_url posts and notes when each one arrived. Unlike the test
 * helper it keeps nothing but pending waiters, so it stays small over 50,000 lookups.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchSlack {
  apiUrl: string;
  /**
   * A fresh response_url, a promise of the time (performance.now) its post arrives, and one of
   * the post's body (with `keepAnswers`: for a bench that checks what was answered, not only when;
   * otherwise it resolves empty).
   */
  responseUrl(timeoutMs: number): { url: string; arrived: Promise<number>; body: Promise<string> };
  /** response_url posts received so far. */
  readonly received: number;
  close(): Promise<void>;
}

export interface BenchSlackOptions {
  /**
   * The email on a user's profile, for `users.info` (a bench whose askers must be linked Focus
   * users); without it `users.info` answers ok with no user, as every other method does.
   */
  emailOf?: (userId: string) => string | undefined;
  /** Keep each response_url post's body for `responseUrl().body` (otherwise it is dropped unread). */
  keepAnswers?: boolean;
}

const AUTH_TEST = JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'focus' });
/** The most of a response_url post's body kept (a card is a few KB). */
const MAX_BODY = 64 * 1024;

export async function startBenchSlack(options: BenchSlackOptions = {}): Promise<BenchSlack> {
  const waiting = new Map<
    string,
    { resolve: (t: number) => void; resolveBody: (body: string) => void; timer: NodeJS.Timeout }
  >();
  let counter = 0;
  let received = 0;
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    const read =
      (options.keepAnswers && path.startsWith('/response/')) ||
      (options.emailOf !== undefined && path.startsWith('/api/users.info'));
    let body = '';
    if (read) {
      req.on('data', (chunk: Buffer) => {
        if (body.length < MAX_BODY) body += chunk;
      });
    } else req.resume();
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
          waiter.resolveBody(body);
        }
        res.end('{"ok":true}');
        return;
      }
      if (path.startsWith('/api/users.info') && options.emailOf) {
        const id = new URLSearchParams(body).get('user') ?? '';
        const email = options.emailOf(id);
        res.end(JSON.stringify({ ok: true, user: { id, profile: email ? { email } : {} } }));
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
      let resolveBody: (body: string) => void = () => {};
      const body = new Promise<string>((resolve) => {
        resolveBody = resolve;
      });
      const arrived = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(path);
          reject(new Error(`no card within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(path, { resolve, resolveBody, timer });
      });
      arrived.catch(() => {}); // a caller that only times the ack may never await it
      return { url: `${base}${path}`, arrived, body };
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
