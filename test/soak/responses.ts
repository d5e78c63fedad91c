/**
 * A fake Slack for the soak: answers the Web API (auth.test and anything else ok:true) and
 * counts response_url posts per URL, so a test can wait for each request's card and check
 * that none got two.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SoakSlack {
  apiUrl: string;
  responseUrl(): string;
  /** Resolves on the first post to `url` (rejects after `timeoutMs`). */
  card(url: string, timeoutMs: number): Promise<void>;
  /** Posts per response_url path. */
  posts: Map<string, number>;
  close(): Promise<void>;
}

export async function startSoakSlack(): Promise<SoakSlack> {
  const posts = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  let counter = 0;
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (path.startsWith('/response/')) {
        posts.set(path, (posts.get(path) ?? 0) + 1);
        waiters.get(path)?.();
        waiters.delete(path);
        res.end('{"ok":true}');
        return;
      }
      res.end(
        path.startsWith('/api/auth.test')
          ? JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'focus' })
          : '{"ok":true}',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    responseUrl: () => `${base}/response/${++counter}`,
    card(url, timeoutMs) {
      const path = new URL(url).pathname;
      if (posts.has(path)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(path);
          reject(new Error(`no card posted to ${path} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(path, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
