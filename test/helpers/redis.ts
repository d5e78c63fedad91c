/**
 * Real `redis-server` processes for the tests (never a mock): each on a free port of 127.0.0.1,
 * in a temporary directory, persisting nothing. One is shared by every test file of a run (the
 * vitest global setup starts it and hands its URL over with `inject('redisUrl')`); a test that
 * kills or pauses Redis starts its own. Each test file keeps to its own key prefix.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { inject } from 'vitest';
import { freePort } from './ports.js';

export interface RedisServer {
  /** `redis://[:password@]127.0.0.1:<port>/0`. */
  url: string;
  port: number;
  /** Stops it (SIGTERM) and removes its directory. */
  stop(): Promise<void>;
  /** SIGKILL: gone at once, as a crashed host. */
  kill(): Promise<void>;
  /**
   * SIGSTOP: its connections stay open but nothing is answered, as a hung host, until `thaw()`
   * (SIGCONT); then it answers everything sent meanwhile, in order.
   */
  freeze(): void;
  thaw(): void;
  /** Starts it again on the same port (empty: nothing is persisted). */
  restart(): Promise<void>;
}

export const REDIS_MISSING =
  'redis-server is not installed, and the Redis tests need a real one: ' +
  'apt-get update && apt-get install -y redis-server (.ci/run does this when it is missing)';

export function redisServerInstalled(): boolean {
  const probe = spawnSync('redis-server', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/**
 * The URL of the run's shared redis-server, or undefined outside CI when none is installed
 * (after a loud warning; the caller skips). In CI a missing redis-server fails the file.
 */
export function sharedRedisUrl(): string | undefined {
  const url = inject('redisUrl');
  if (url) return url;
  if (process.env.CI) throw new Error(REDIS_MISSING);
  console.warn(`\n!!!!!!!! SKIPPING REDIS TESTS: ${REDIS_MISSING} !!!!!!!!\n`);
  return undefined;
}

/** A prefix no other test (file, run) uses: `test:<name>:<random>:`. */
export function uniquePrefix(name: string): string {
  return `test:${name}:${process.pid}-${Math.random().toString(36).slice(2, 10)}:`;
}

/** Deletes every key under `prefix` (SCAN + UNLINK), on a connection of its own. */
export async function deletePrefix(url: string, prefix: string): Promise<number> {
  const client = createClient({ url, RESP: 2 });
  client.on('error', () => {});
  await client.connect();
  try {
    let deleted = 0;
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) deleted += await client.unlink(keys);
    }
    return deleted;
  } finally {
    client.destroy();
  }
}

/** Runs one command on a connection of its own (admin steps: CLIENT PAUSE, DBSIZE, KEYS). */
export async function redisCommand(url: string, args: string[]): Promise<unknown> {
  const client = createClient({ url, RESP: 2 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await client.sendCommand(args);
  } finally {
    client.destroy();
  }
}

/**
 * A redis-server of the test's own. `persist`: with an append-only file synced on every write,
 * as production runs it, so a killed and restarted server keeps its data.
 */
export async function startRedisServer(
  options: { password?: string; persist?: boolean } = {},
): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'focus-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;
  let lastError: unknown;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    try {
      child = await spawnServer(port, dir, options.password, options.persist);
    } catch (error) {
      lastError = error; // the port was taken between the probe and the start: another one
    }
  }
  if (!child) {
    rmSync(dir, { recursive: true, force: true });
    throw lastError;
  }
  let current: ChildProcess = child;
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    url: `redis://${auth}127.0.0.1:${port}/0`,
    port,
    async stop() {
      current.kill('SIGCONT'); // a frozen server would not act on the SIGTERM
      await stopChild(current, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      await stopChild(current, 'SIGKILL');
    },
    freeze() {
      current.kill('SIGSTOP');
    },
    thaw() {
      current.kill('SIGCONT');
    },
    async restart() {
      current = await spawnServer(port, dir, options.password, options.persist);
    },
  };
}

function spawnServer(
  port: number,
  dir: string,
  password: string | undefined,
  persist = false,
): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    persist ? 'yes' : 'no',
    ...(persist ? ['--appendfsync', 'always'] : []),
    '--bind',
    '127.0.0.1',
  ];
  if (password) args.push('--requirepass', password);
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`redis-server on port ${port} not ready in 10 s:\n${output}`)),
      10_000,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('error', (error) => fail(error));
    child.once('exit', (code, signal) =>
      fail(new Error(`redis-server exited (${code ?? signal}):\n${output}`)),
    );
  });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared redis-server of this run; empty when none is installed. */
    redisUrl: string;
  }
}

/**
 * The state backends an end-to-end case that touches subscriptions runs on: the SQLite file, and
 * the run's Redis under a prefix of its own (when there is one); `env` for the harness, `cleanup`
 * after the case.
 */
export function stateBackends(name: string) {
  const url = sharedRedisUrl();
  const prefix = uniquePrefix(name);
  return [
    { name: 'SQLite', env: (): Record<string, string> => ({}), cleanup: async () => {} },
    ...(url
      ? [
          {
            name: 'Redis',
            env: (): Record<string, string> => ({ REDIS_URL: url, REDIS_KEY_PREFIX: prefix }),
            cleanup: async () => {
              await deletePrefix(url, prefix);
            },
          },
        ]
      : []),
  ];
}
