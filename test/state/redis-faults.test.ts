/**
 * Redis faults, on a redis-server of this file's own (with a password), so killing or pausing it
 * touches no other test: the password never appears in an error or a log line; with Redis killed
 * every call fails fast; restarted, the same store reconnects by itself; frozen (a hung host),
 * calls fail at their deadline and later answers stay matched to their calls.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogFields, Logger } from '../../src/domain/logger.js';
import { StateError } from '../../src/state/errors.js';
import { openRedisState, type RedisState, type RedisStateOptions } from '../../src/state/redis.js';
import { type RedisServer, sharedRedisUrl, startRedisServer, uniquePrefix } from '../helpers/redis.js';

const SECRET = 's3cret-Pa55word-9f1c';
const available = sharedRedisUrl() !== undefined;

/** A logger that keeps every line, as the JSON it would write. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write =
    (level: string) =>
    (event: string, fields: LogFields = {}) => {
      lines.push(JSON.stringify({ level, event, ...fields }));
    };
  const logger = {
    lines,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: () => logger,
  };
  return logger;
}

/** Everything an error could show: message, stack, cause, own fields, inspect output. */
function everything(error: unknown): string {
  return `${inspect(error, { depth: 10 })}\n${JSON.stringify(error)}\n${(error as Error).stack}`;
}

async function openError(url: string, options: Partial<RedisStateOptions> = {}): Promise<StateError> {
  try {
    const store = await openRedisState(url, { prefix: uniquePrefix('faults'), ...options });
    await store.close();
  } catch (error) {
    expect(error).toBeInstanceOf(StateError);
    return error as StateError;
  }
  throw new Error('opened');
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(!available)('Redis faults', () => {
  let server: RedisServer;
  let where: string;
  beforeAll(async () => {
    server = await startRedisServer({ password: SECRET });
    where = `redis://127.0.0.1:${server.port}/0`;
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe('the password never appears in an error', () => {
    it('the right password opens; the URL it reports has none', async () => {
      expect(server.url).toContain(SECRET);
      const store = await openRedisState(server.url, { prefix: uniquePrefix('faults') });
      try {
        expect(store.where).toBe(where);
        expect(await store.claim('k', 1_000)).toBe(true);
      } finally {
        await store.close();
      }
    });

    it('a wrong password: state_auth at once (no retry fixes it), naming the host, not the password', async () => {
      const started = Date.now();
      const error = await openError(`redis://:wrong-${SECRET}@127.0.0.1:${server.port}/0`, {
        connectTimeoutMs: 10_000,
      });
      expect(Date.now() - started).toBeLessThan(5_000); // not retried until the 10 s connect timeout
      expect(error.code).toBe('state_auth');
      expect(error.path).toBe(where);
      expect(error.message).toMatch(
        new RegExp(
          `^Redis at ${where} refused the credentials in REDIS_URL \\(WRONGPASS .*\\): check the password`,
        ),
      );
      expect(everything(error)).not.toContain(SECRET);
    });

    it('no password where one is needed: state_auth saying to put it in REDIS_URL', async () => {
      const error = await openError(where, { connectTimeoutMs: 1_000 });
      expect(error.code).toBe('state_auth');
      expect(error.message).toContain(`Redis at ${where} wants a password`);
      expect(error.message).toContain('put it in REDIS_URL');
    });

    it('nothing listening: state_unreachable within the connect timeout, naming host and port only', async () => {
      const closed = await startRedisServer();
      const port = closed.port;
      await closed.stop();
      const logger = recordingLogger();
      const started = Date.now();
      const error = await openError(`redis://user:${SECRET}@127.0.0.1:${port}/3`, {
        connectTimeoutMs: 400,
        logger,
      });
      // Not the default 5 s, nor retrying for ever.
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(error.code).toBe('state_unreachable');
      expect(error.path).toBe(`redis://127.0.0.1:${port}/3`);
      expect(error.message).toMatch(
        new RegExp(
          `^Redis at redis://127\\.0\\.0\\.1:${port}/3 cannot be reached \\(.*ECONNREFUSED.*no PONG within 400 ms\\)`,
        ),
      );
      expect(everything(error)).not.toContain(SECRET);
      expect(logger.lines.join('\n')).not.toContain(SECRET);
    });

    it('a URL that is not one: state_invalid_url, echoing nothing of it', async () => {
      for (const bad of [
        `redis//:${SECRET}@host:6379`,
        `http://:${SECRET}@host:6379/0`,
        `redis://:${SECRET}@host:6379/x`,
      ]) {
        const error = await openError(bad);
        expect(error.code).toBe('state_invalid_url');
        expect(error.message).toMatch(/^REDIS_URL is not a Redis URL \(.+\): write it as redis:\/\//);
        expect(everything(error)).not.toContain(SECRET);
      }
      // A password the client cannot decode: refused before any connection, still without it.
      const undecodable = await openError(`redis://:${SECRET}%E0%A4%A@127.0.0.1:${server.port}/0`);
      expect(undecodable.code).toBe('state_invalid_url');
      expect(undecodable.message).toBe('REDIS_URL cannot be used (URI malformed)');
      expect(everything(undecodable)).not.toContain(SECRET);
    });
  });

  describe('killed, restarted, paused', () => {
    let store: RedisState;
    const logger = recordingLogger();
    const statuses: string[] = [];
    beforeAll(async () => {
      store = await openRedisState(server.url, {
        prefix: uniquePrefix('faults'),
        commandTimeoutMs: 500,
        reconnectMinMs: 50,
        reconnectMaxMs: 200,
        logger,
        onStatus: (s) => statuses.push(s),
      });
    });
    afterAll(async () => {
      await store?.close();
    });

    it('killed: every call rejects fast as state_unreachable; restarted: the same store works again', async () => {
      await store.set('before', 'v', 60_000);
      await server.kill();
      const started = Date.now();
      const errors = await Promise.all(
        [
          store.get('before'),
          store.claim('event:1', 60_000),
          store.list('C1'),
          store.markDelivered(1, { id: 1, start: '2026-11-28T09:00:00Z' }, new Date()),
        ].map((p) =>
          p.then(
            () => undefined,
            (e: unknown) => e,
          ),
        ),
      );
      // Each at its 500 ms deadline at the latest: Redis stays down until it is restarted below.
      expect(Date.now() - started).toBeLessThan(5_000);
      for (const error of errors) {
        expect(error).toBeInstanceOf(StateError);
        expect((error as StateError).code).toBe('state_unreachable');
        expect((error as StateError).message).toContain(where);
        expect(everything(error)).not.toContain(SECRET);
      }
      // Still down a while later: refused at once as offline (no queue building up), not left
      // to its deadline.
      await new Promise((r) => setTimeout(r, 300));
      const again = await store.get('before').then(
        () => undefined,
        (e: unknown) => e as StateError,
      );
      expect(again).toMatchObject({ code: 'state_unreachable' });
      expect(again?.message).toMatch(/: get: Redis is unreachable \(/);

      await server.restart();
      await until(() => statuses.at(-1) === 'up', 3_000);
      // The restarted server kept nothing (no persistence); the store works as before.
      expect(await store.get('before')).toBeUndefined();
      expect(await store.claim('event:1', 60_000)).toBe(true);
      const { subscription } = await store.add(
        { team: 'T1', channel: 'C1', target: { kind: 'person', personId: 7, name: 'P' }, createdBy: 'U1' },
        new Date(),
      );
      expect((await store.list('C1')).map((s) => s.id)).toEqual([subscription.id]);

      // One line when it went down, one when it came back; each status change told once.
      const events = logger.lines.map((l) => JSON.parse(l) as { event: string; redis?: string });
      expect(events.filter((e) => e.event === 'redis_down')).toHaveLength(1);
      expect(events.filter((e) => e.event === 'redis_up')).toHaveLength(1);
      expect(events.find((e) => e.event === 'redis_down')?.redis).toBe(where);
      expect(statuses).toEqual(['up', 'down', 'up']);
      expect(logger.lines.join('\n')).not.toContain(SECRET);
    });

    it('frozen (a hung host): calls reject at their deadline; answers that come late go to no other call', async () => {
      await store.set('a', 'value-a', 60_000);
      await store.set('b', 'value-b', 60_000);
      // Frozen until the call has given up: it cannot have waited for the answer.
      server.freeze();
      let late: unknown;
      let took = Number.NaN;
      try {
        const started = Date.now();
        late = await store.get('a').then(
          () => undefined,
          (e: unknown) => e,
        );
        took = Date.now() - started;
      } finally {
        server.thaw();
      }
      expect(late).toBeInstanceOf(StateError);
      expect((late as StateError).code).toBe('state_unreachable');
      expect((late as StateError).message).toBe(`Redis at ${where}: get: no answer within 500 ms`);
      expect(took).toBeGreaterThanOrEqual(450);
      // Redis answers again, the abandoned call first: each call gets its own reply.
      expect(await store.get('b')).toBe('value-b');
      expect(await store.get('a')).toBe('value-a');
      expect(await store.claim('event:2', 60_000)).toBe(true);
    });
  });
});
