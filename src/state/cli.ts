/**
 * `npm run -s state -- export|import`: moves subscriptions (with their cursors and delivered ids)
 * between stores, so a team that outgrows one replica keeps them.
 *
 *   npm run -s state -- export > subscriptions.json     the configured store -> JSON on stdout
 *   npm run -s state -- import < subscriptions.json     JSON on stdin -> the configured store
 *
 * The configured store is Redis when `REDIS_URL` is set (keys under `REDIS_KEY_PREFIX`, default
 * `focus:`), else the SQLite file at `STATE_PATH` (default `./data/focus-for-slack.sqlite`).
 * Importing twice adds nothing the second time (see snapshot.ts). Exit 0 when done, 2 when the
 * store or the input cannot be used (the message says why; never the Redis password).
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { StateError } from './errors.js';
import { openRedisState } from './redis.js';
import { fromSnapshot, SnapshotError, type SubscriptionArchive, toSnapshot } from './snapshot.js';
import { openSqliteState } from './sqlite.js';

export const DEFAULT_STATE_PATH = './data/focus-for-slack.sqlite';

const USAGE = `usage: npm run -s state -- export > subscriptions.json
       npm run -s state -- import < subscriptions.json

The store is Redis when REDIS_URL is set (REDIS_KEY_PREFIX, default focus:), else the SQLite
file at STATE_PATH (default ${DEFAULT_STATE_PATH}).
`;

export interface CliIo {
  env: Record<string, string | undefined>;
  /** All of standard input, read when importing. */
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs the command; returns the exit code. */
export async function runStateCli(args: readonly string[], io: CliIo): Promise<number> {
  const command = args[0];
  if (command === '--help' || command === '-h') {
    io.stdout(USAGE);
    return 0;
  }
  if ((command !== 'export' && command !== 'import') || args.length > 1) {
    io.stderr(USAGE);
    return 2;
  }
  let store: (SubscriptionArchive & { close(): Promise<void> }) | undefined;
  try {
    const opened = await openStore(io.env, command);
    store = opened.store;
    if (command === 'export') {
      const records = await store.dumpSubscriptions();
      io.stdout(`${JSON.stringify(toSnapshot(records), null, 2)}\n`);
      io.stderr(`exported ${records.length} subscription(s) from ${opened.where}\n`);
      return 0;
    }
    const text = withoutNpmBanner(await io.readStdin());
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      io.stderr(
        'state import: standard input is not JSON (pipe in what `npm run -s state -- export` wrote)\n',
      );
      return 2;
    }
    const records = fromSnapshot(json);
    let added = 0;
    for (const record of records) if ((await store.restoreSubscription(record)).added) added++;
    io.stderr(
      `imported ${records.length} subscription(s) into ${opened.where}: ${added} added, ` +
        `${records.length - added} already there (cursor and delivered ids merged)\n`,
    );
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`state ${command}: ${message}\n`);
    return error instanceof StateError || error instanceof SnapshotError ? 2 : 1;
  } finally {
    await store?.close();
  }
}

async function openStore(
  env: CliIo['env'],
  command: 'export' | 'import',
): Promise<{ store: SubscriptionArchive & { close(): Promise<void> }; where: string }> {
  const url = env.REDIS_URL?.trim();
  if (url) {
    const prefix = env.REDIS_KEY_PREFIX || 'focus:';
    const store = await openRedisState(url, { prefix });
    return { store, where: `${store.info.where} (prefix ${prefix})` };
  }
  const path = env.STATE_PATH?.trim() || DEFAULT_STATE_PATH;
  if (command === 'export' && !existsSync(path)) {
    throw new StateError(
      'state_failed',
      path,
      `STATE_PATH ${path} does not exist: nothing to export (set STATE_PATH to the state file, or REDIS_URL)`,
    );
  }
  return { store: openSqliteState(path), where: `STATE_PATH ${path}` };
}

/**
 * The input without the lines `npm run` (without `-s`) writes to stdout before the JSON
 * (`> focus-for-slack@0.1.0 state`, `> tsx src/state/cli.ts export`), so an export saved that way
 * still imports.
 */
export function withoutNpmBanner(text: string): string {
  const start = text.indexOf('{');
  if (start <= 0) return text;
  const before = text.slice(0, start).split('\n');
  return before.every((line) => line.trim() === '' || line.startsWith('> ')) ? text.slice(start) : text;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runStateCli(process.argv.slice(2), {
    env: process.env,
    readStdin: () => readAll(process.stdin),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
