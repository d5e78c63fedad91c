/**
 * `npm run -s state -- export|import` (see `USAGE`): moves subscriptions, with their cursors and
 * delivered ids, between stores, so a team that outgrows one replica keeps them. The
 * configuration is the app's (`loadConfig`, the same variables and rules).
 *
 * `npm run -s state -- forget <team or enterprise id>`: deletes at once everything the store keeps
 * for that workspace (workspace-data.ts), as the retention window would after an uninstall: a
 * workspace's request for deletion. Nothing sealed is opened, so it needs no encryption key.
 *
 * Import streams standard input (one subscription in memory at a time) and checks each one
 * (`parseRecord`, and the limits per channel and workspace): the good ones are imported; each bad
 * one is reported on stderr with its index and line, and skipped. Exit 0 when every subscription
 * was imported; 3 when some were skipped; 2 when the store, the configuration or the input cannot
 * be used at all (the message says why; never the Redis password); 1 for anything else.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config.js';
import { IMPORT_LIMITS } from '../domain/subscription-limits.js';
import { StateError } from './errors.js';
import { openRedisState } from './redis.js';
import { parseRecord, type SubscriptionArchive, toSnapshot } from './snapshot.js';
import { readSnapshot, SnapshotError } from './snapshot-reader.js';
import { openSqliteState } from './sqlite.js';
import { checkLimits } from './subscription-limits.js';
import type { WorkspaceSubscriptions } from './subscriptions.js';
import { isWorkspaceKey, type WorkspaceData } from './workspace-data.js';

const USAGE = `usage: npm run -s state -- export > subscriptions.json
       npm run -s state -- import < subscriptions.json
       npm run -s state -- forget <team or enterprise id>

The store is the app's: Redis when REDIS_URL is set (keys under REDIS_KEY_PREFIX), else the
SQLite file at STATE_PATH. Import skips (and lists) the subscriptions it cannot take, imports the
rest, and exits 3 when it skipped any. Forget deletes everything kept for that workspace (its
installation and tokens, its Focus connection, its choices and other keys, its subscriptions),
at once; a running app's memory forgets the rest within 24 hours.
`;

export interface CliIo {
  env: Record<string, string | undefined>;
  /** Standard input as it arrives, read when importing. */
  stdin(): AsyncIterable<string | Uint8Array>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Default: the clock. */
  now?: () => Date;
}

type CliStore = SubscriptionArchive &
  Pick<WorkspaceSubscriptions, 'subscriptionsOf'> &
  Pick<WorkspaceData, 'forget'> & { close(): Promise<void> };

/** Runs the command; returns the exit code. */
export async function runStateCli(args: readonly string[], io: CliIo): Promise<number> {
  const command = args[0];
  if (command === '--help' || command === '-h') {
    io.stdout(USAGE);
    return 0;
  }
  const forgetting = command === 'forget' ? args[1] : undefined;
  const valid =
    ((command === 'export' || command === 'import') && args.length === 1) ||
    (command === 'forget' && args.length === 2);
  if (!valid) {
    io.stderr(USAGE);
    return 2;
  }
  if (forgetting !== undefined && !isWorkspaceKey(forgetting)) {
    io.stderr(`state forget: "${forgetting.slice(0, 60)}" is not a Slack team or enterprise id (T…, E…)\n`);
    return 2;
  }
  const loaded = loadConfig(io.env);
  if (!loaded.ok) {
    io.stderr(
      `state ${command}: the configuration is not valid:\n${loaded.problems.map((p) => `  ${p}\n`).join('')}`,
    );
    return 2;
  }
  let store: CliStore | undefined;
  try {
    const opened = await openStore(loaded.config.state, command);
    store = opened.store;
    if (forgetting !== undefined) {
      const gone = await store.forget(forgetting);
      io.stdout(`${JSON.stringify({ forgotten: forgetting, ...gone })}\n`);
      io.stderr(
        `forgot ${forgetting} in ${opened.where}: installation ${gone.installation ? 'deleted' : 'none'}, ` +
          `Focus connection ${gone.connection ? 'deleted' : 'none'}, ${gone.keys} key(s), ` +
          `${gone.subscriptions} subscription(s)\n`,
      );
      return 0;
    }
    if (command === 'export') {
      const records = await store.dumpSubscriptions();
      io.stdout(`${JSON.stringify(toSnapshot(records), null, 2)}\n`);
      io.stderr(`exported ${records.length} subscription(s) from ${opened.where}\n`);
      return 0;
    }
    return await importFrom(io, store, opened.where);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`state ${command}: ${message}\n`);
    return error instanceof StateError || error instanceof SnapshotError ? 2 : 1;
  } finally {
    await store?.close();
  }
}

/** Streams the export in: each good subscription imported as it is read, each bad one reported. */
async function importFrom(io: CliIo, store: CliStore, where: string): Promise<number> {
  const nowMs = (io.now?.() ?? new Date()).getTime();
  let imported = 0;
  let added = 0;
  let skipped = 0;
  const skip = (item: { index: number; line: number }, why: string) => {
    skipped++;
    io.stderr(`skipped subscriptions[${item.index}] (line ${item.line}): ${why}\n`);
  };
  try {
    for await (const item of readSnapshot(io.stdin())) {
      if (item.kind === 'oversized') {
        skip(item, `longer than ${IMPORT_LIMITS.maxRecordChars} characters: not read`);
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(item.text);
      } catch {
        skip(item, 'not JSON');
        continue;
      }
      const parsed = parseRecord(json, nowMs);
      if (!parsed.ok) {
        skip(item, parsed.problems.join('; '));
        continue;
      }
      const sub = parsed.record.subscription;
      // The limits of the subscription's own workspace (distribution mode), or single-workspace mode's.
      const refused = await checkLimits(store.subscriptionsOf(sub.workspace), sub);
      if (refused) {
        skip(
          item,
          refused.limit === 'per_channel'
            ? `channel ${sub.channel} already has ${refused.holds} subscriptions, the most one channel can`
            : `workspace ${sub.team ?? '(none)'} already has ${refused.holds} subscriptions, the most one workspace can`,
        );
        continue;
      }
      for (const note of parsed.notes)
        io.stderr(`note subscriptions[${item.index}] (line ${item.line}): ${note}\n`);
      if ((await store.restoreSubscription(parsed.record)).added) added++;
      imported++;
    }
  } catch (error) {
    if (error instanceof SnapshotError && imported + skipped > 0)
      error.message += ` (${imported} subscription(s) before it were imported)`;
    throw error;
  }
  io.stderr(
    `imported ${imported} subscription(s) into ${where}: ${added} added, ` +
      `${imported - added} already there (cursor and delivered ids merged)` +
      (skipped > 0 ? `; ${skipped} skipped (listed above)` : '') +
      '\n',
  );
  return skipped > 0 ? 3 : 0;
}

async function openStore(
  state: { path: string; redisUrl: string | undefined; redisPrefix: string },
  command: string,
): Promise<{ store: CliStore; where: string }> {
  if (state.redisUrl) {
    const store = await openRedisState(state.redisUrl, { prefix: state.redisPrefix });
    return { store, where: `${store.where} (prefix ${state.redisPrefix})` };
  }
  const path = state.path;
  if (command !== 'import' && !existsSync(path)) {
    throw new StateError(
      'state_failed',
      path,
      `STATE_PATH ${path} does not exist: nothing to ${command} (set STATE_PATH to the state file, or REDIS_URL)`,
    );
  }
  return { store: openSqliteState(path), where: `STATE_PATH ${path}` };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await runStateCli(process.argv.slice(2), {
    env: process.env,
    stdin: () => process.stdin,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
