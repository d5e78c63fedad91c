/**
 * `npm run -s state -- export|import` (see `USAGE`): moves a store's contents between stores, so a
 * team that outgrows one replica keeps them: subscriptions with their cursors and delivered ids,
 * and in distribution mode each workspace's installation and Focus connection (sealed, verbatim:
 * exporting needs no key) and its uninstall mark. The configuration is the app's (`loadConfig`,
 * the same variables and rules).
 *
 * `npm run -s state -- forget <team or enterprise id>`: deletes at once everything the store keeps
 * for that workspace (workspace-data.ts), as the retention window would after an uninstall: a
 * workspace's request for deletion. Nothing sealed is opened, so it needs no encryption key.
 *
 * `npm run -s state -- reseal`: every installation and connection written again with the current
 * key of STATE_ENCRYPTION_KEY (reseal.ts), so an old key can be dropped.
 *
 * Import streams standard input (one record in memory at a time) and checks each one
 * (`parseRecord`, `parseSealedRecord`, `parseUninstall`, and the limits per channel and
 * workspace): the good ones are imported; each bad one is reported on stderr with its list, index
 * and line, and skipped. Exit 0 when every record was imported (or reseal opened every record); 3
 * when some were skipped (or not opened); 2 when the store, the configuration or the input cannot
 * be used at all (the message says why; never the Redis password); 1 for anything else.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../config.js';
import { IMPORT_LIMITS } from '../domain/subscription-limits.js';
import type { EncryptionKeys } from '../domain/tenant.js';
import { open, SealError } from './crypto.js';
import { StateError } from './errors.js';
import { openRedisState } from './redis.js';
import { type ResealReport, resealTable } from './reseal.js';
import {
  parseRecord,
  parseSealedRecord,
  parseUninstall,
  type SealedRecord,
  type SnapshotSection,
  type SubscriptionArchive,
  toSnapshot,
  type WorkspaceArchive,
} from './snapshot.js';
import { readSnapshot, SnapshotError } from './snapshot-reader.js';
import { openSqliteState } from './sqlite.js';
import { checkLimits } from './subscription-limits.js';
import type { WorkspaceSubscriptions } from './subscriptions.js';
import { recordKey, type SealedKind, type SealedTable } from './tenant-stores.js';
import { isWorkspaceKey, type WorkspaceData } from './workspace-data.js';

const USAGE = `usage: npm run -s state -- export > state.json
       npm run -s state -- import < state.json
       npm run -s state -- reseal
       npm run -s state -- forget <team or enterprise id>

The store is the app's: Redis when REDIS_URL is set (keys under REDIS_KEY_PREFIX), else the
SQLite file at STATE_PATH. Export writes the subscriptions and, in distribution mode, each
workspace's installation and Focus connection (still encrypted: no key needed) and uninstall
mark. Import skips (and lists) the records it cannot take, imports the rest, and exits 3 when it
skipped any; the installations and connections open with the same STATE_ENCRYPTION_KEY. Reseal
writes every installation and connection again with the first key of STATE_ENCRYPTION_KEY, so an
older key can then be removed; it exits 3 when a record does not open. Forget deletes everything
kept for that workspace (its installation and tokens, its Focus connection, its choices and other
keys, its subscriptions), at once; a running app's memory forgets the rest within 24 hours.
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
  Pick<WorkspaceData, 'forget' | 'markUninstalled' | 'uninstalls'> & {
    sealedTable(kind: SealedKind): SealedTable;
    close(): Promise<void>;
  };

const KINDS = ['installations', 'connections'] as const;
const ONE = { installations: 'installation', connections: 'connection' } as const;

/** Runs the command; returns the exit code. */
export async function runStateCli(args: readonly string[], io: CliIo): Promise<number> {
  const command = args[0];
  if (command === '--help' || command === '-h') {
    io.stdout(USAGE);
    return 0;
  }
  const forgetting = command === 'forget' ? args[1] : undefined;
  const valid =
    ((command === 'export' || command === 'import' || command === 'reseal') && args.length === 1) ||
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
  const keys = loaded.config.state.encryptionKeys;
  if (command === 'reseal' && !keys) {
    io.stderr(
      'state reseal: STATE_ENCRYPTION_KEY is not set: reseal opens every installation and Focus connection ' +
        'with its keys and writes it again with the first one (put the new key first, the old ones after it)\n',
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
      const workspaces = await dumpWorkspaces(store);
      io.stdout(`${JSON.stringify(toSnapshot(records, workspaces), null, 2)}\n`);
      const sealed =
        workspaces.installations.length + workspaces.connections.length + workspaces.uninstalls.length;
      io.stderr(
        `exported ${
          sealed > 0
            ? `${workspaces.installations.length} installation(s), ${workspaces.connections.length} connection(s) ` +
              `(encrypted, as stored), ${workspaces.uninstalls.length} uninstall mark(s) and `
            : ''
        }${records.length} subscription(s) from ${opened.where}\n`,
      );
      return 0;
    }
    if (command === 'reseal') return await reseal(io, store, keys as EncryptionKeys, opened.where);
    return await importFrom(io, store, keys, opened.where);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`state ${command}: ${message}\n`);
    return error instanceof StateError || error instanceof SnapshotError ? 2 : 1;
  } finally {
    await store?.close();
  }
}

/** Every installation and connection as stored (never opened), and every uninstall mark. */
async function dumpWorkspaces(store: CliStore): Promise<WorkspaceArchive> {
  const dump = async (kind: SealedKind): Promise<SealedRecord[]> => {
    const table = store.sealedTable(kind);
    const records: SealedRecord[] = [];
    for (const key of await table.keys()) {
      const sealed = await table.get(key);
      // Deleted since the keys were listed (an uninstall meanwhile): not exported.
      if (sealed !== undefined) records.push({ key, sealed });
    }
    return records;
  };
  return {
    installations: await dump('installations'),
    connections: await dump('connections'),
    uninstalls: [...(await store.uninstalls())].map(([key, atMs]) => ({ key, atMs })),
  };
}

/** Counts of one list of the import. */
interface Tally {
  seen: boolean;
  imported: number;
  added: number;
  /** Sealed records: the store held another value under the key, and kept it. */
  differs: number;
}

/** Streams the export in: each good record imported as it is read, each bad one reported. */
async function importFrom(
  io: CliIo,
  store: CliStore,
  keys: EncryptionKeys | undefined,
  where: string,
): Promise<number> {
  const nowMs = (io.now?.() ?? new Date()).getTime();
  const tally = {} as Record<SnapshotSection, Tally>;
  for (const section of ['installations', 'connections', 'uninstalls', 'subscriptions'] as const)
    tally[section] = { seen: false, imported: 0, added: 0, differs: 0 };
  let skipped = 0;
  /** Installation keys this archive carries (for its uninstall marks). */
  const archived = new Set<string>();
  let marks: Map<string, number> | undefined;
  const skip = (item: { section: SnapshotSection; index: number; line: number }, why: string) => {
    skipped++;
    io.stderr(`skipped ${item.section}[${item.index}] (line ${item.line}): ${why}\n`);
  };
  const note = (item: { section: SnapshotSection; index: number; line: number }, what: string) =>
    io.stderr(`note ${item.section}[${item.index}] (line ${item.line}): ${what}\n`);
  const total = () => Object.values(tally).reduce((n, t) => n + t.imported, 0);
  try {
    for await (const item of readSnapshot(io.stdin())) {
      const counts = tally[item.section];
      if (!counts.seen && item.section !== 'subscriptions' && item.section !== 'uninstalls' && !keys)
        io.stderr(
          `${item.section}: not opened here (STATE_ENCRYPTION_KEY is not set): written as they are, ` +
            'checked for shape only; they open with the key they were sealed with\n',
        );
      counts.seen = true;
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
      if (item.section === 'installations' || item.section === 'connections') {
        const parsed = parseSealedRecord(json);
        if (!parsed.ok) {
          skip(item, parsed.problems.join('; '));
          continue;
        }
        const { key, sealed } = parsed.record;
        if (keys) {
          // Opened only to check it, never kept: a record moved under another key is refused here.
          try {
            open(keys, recordKey(ONE[item.section], key), sealed);
          } catch (error) {
            if (!(error instanceof SealError)) throw error;
            skip(item, error.message);
            continue;
          }
        }
        if (item.section === 'installations') archived.add(key);
        const table = store.sealedTable(item.section);
        if (await table.add(key, sealed)) counts.added++;
        else if ((await table.get(key)) !== sealed) {
          counts.differs++;
          note(item, `${key} already has another ${ONE[item.section]} in this store: that one is kept`);
        }
        counts.imported++;
        continue;
      }
      if (item.section === 'uninstalls') {
        const parsed = parseUninstall(json, nowMs);
        if (!parsed.ok) {
          skip(item, parsed.problems.join('; '));
          continue;
        }
        // A workspace installed here (not by this archive) is live: its mark would delete its data.
        if (
          !archived.has(parsed.key) &&
          (await store.sealedTable('installations').get(parsed.key)) !== undefined
        ) {
          skip(
            item,
            `${parsed.key} is installed in this store: its uninstall mark is not imported (it would delete the workspace's data after the window)`,
          );
          continue;
        }
        marks ??= await store.uninstalls();
        if (!marks.has(parsed.key)) counts.added++;
        // An earlier mark in this store stands (markUninstalled keeps the first).
        await store.markUninstalled(parsed.key, parsed.atMs);
        counts.imported++;
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
      for (const text of parsed.notes) note(item, text);
      if ((await store.restoreSubscription(parsed.record)).added) counts.added++;
      counts.imported++;
    }
  } catch (error) {
    if (error instanceof SnapshotError && total() + skipped > 0)
      error.message += ` (${total()} record(s) before it were imported)`;
    throw error;
  }
  for (const kind of KINDS) {
    const t = tally[kind];
    if (!t.seen) continue;
    io.stderr(
      `imported ${t.imported} ${ONE[kind]}(s) into ${where}: ${t.added} added, ` +
        `${t.imported - t.added - t.differs} already there` +
        (t.differs > 0 ? `, ${t.differs} kept as this store has it (listed above)` : '') +
        '\n',
    );
  }
  const u = tally.uninstalls;
  if (u.seen)
    io.stderr(
      `imported ${u.imported} uninstall mark(s) into ${where}: ${u.added} added, ` +
        `${u.imported - u.added} already there (the earlier time kept)\n`,
    );
  const s = tally.subscriptions;
  // An archive of subscriptions alone reads as before: the skipped ones on the same line.
  const only = !KINDS.some((kind) => tally[kind].seen) && !u.seen;
  io.stderr(
    `imported ${s.imported} subscription(s) into ${where}: ${s.added} added, ` +
      `${s.imported - s.added} already there (cursor and delivered ids merged)` +
      (skipped > 0 && only ? `; ${skipped} skipped (listed above)` : '') +
      '\n' +
      (skipped > 0 && !only ? `${skipped} record(s) skipped (listed above)\n` : ''),
  );
  return skipped > 0 ? 3 : 0;
}

const NOT_OPENED: Record<string, string> = {
  sealed_unknown_key: 'sealed with a key STATE_ENCRYPTION_KEY does not hold (add it back after the first)',
  sealed_rejected: 'does not open with its key: altered, or moved from another record',
  sealed_malformed: 'not a sealed value',
  changing: 'changed under every attempt (the app kept writing it): run reseal again',
};

/** Every installation and connection written again with the current key; a JSON report on stdout. */
async function reseal(io: CliIo, store: CliStore, keys: EncryptionKeys, where: string): Promise<number> {
  const reports = {} as Record<SealedKind, ResealReport>;
  for (const kind of KINDS) reports[kind] = await resealTable(store.sealedTable(kind), kind, keys);
  io.stdout(`${JSON.stringify({ key: keys.current.id, ...reports })}\n`);
  let failed = 0;
  for (const kind of KINDS) {
    const r = reports[kind];
    for (const f of r.failed) {
      failed++;
      io.stderr(
        `not resealed: ${ONE[kind]} ${f.key} (key id ${f.keyId ?? 'none'}): ${NOT_OPENED[f.reason] ?? f.reason}; left as it is\n`,
      );
    }
    const moved = Object.entries(r.resealed);
    io.stderr(
      `${kind} in ${where}: ${moved.reduce((n, [, c]) => n + c, 0)} resealed with key ${keys.current.id}` +
        (moved.length > 0 ? ` (${moved.map(([id, c]) => `${c} from ${id}`).join(', ')})` : '') +
        `, ${r.current} already with it` +
        (r.gone > 0 ? `, ${r.gone} deleted meanwhile` : '') +
        (r.failed.length > 0 ? `, ${r.failed.length} not opened (listed above)` : '') +
        '\n',
    );
  }
  return failed > 0 ? 3 : 0;
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
