/**
 * The embedded state backend: one SQLite file (better-sqlite3) holding both the key-value store
 * and the subscriptions. For ONE process: two processes on one file would each poll and post.
 *
 * - WAL journal, `synchronous=NORMAL`: every commit survives the process being killed (SIGKILL
 *   included: the commit is in the WAL before the call returns); only a power cut or an OS crash
 *   can roll back the last commits, and then the cursor rolls back together with the delivered
 *   ids, so a recording is posted again, never lost. FULL would close that gap with an fsync per
 *   commit (every event dedupe and unfurl claim).
 * - Claims are one statement: insert, or take over a row whose time is up, else nothing.
 * - Expired keys are purged lazily, at most `PURGE_BATCH` rows per write and at most once per
 *   `PURGE_EVERY_MS`, so no write pays for a large backlog.
 * - Delivered ids are pruned when the cursor moves (`DELIVERED_RETENTION_MS`).
 *
 * better-sqlite3 is synchronous; every method here is one short statement or transaction.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { StateError } from './errors.js';
import { migrate } from './migrations.js';
import type { SubscriptionArchive, SubscriptionRecord } from './snapshot.js';
import { SqliteSealedTable } from './sqlite-sealed.js';
import type { StateStore } from './store.js';
import {
  DELIVERED_RETENTION_MS,
  newRecord,
  noCursor,
  type StoredSubscription,
  startMs,
  storedTuning,
  targetKey,
  toSubscription,
} from './subscription-rows.js';
import type { Cursor, NewSubscription, Subscription, SubscriptionStore, Tuning } from './subscriptions.js';
import type { SealedKind } from './tenant-stores.js';
import {
  checkWorkspaceKey,
  type Forgotten,
  type WorkspaceData,
  workspaceKeyPrefixes,
} from './workspace-data.js';

const PURGE_EVERY_MS = 60_000;
const PURGE_BATCH = 1_000;

export interface SqliteStateOptions {
  /** Milliseconds since the epoch, for key expiry (default `Date.now`). */
  now?: () => number;
  /** How long a statement waits for a lock another connection holds (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating it and its directory when missing) the state file at `path`, checks it, and
 * brings its schema up to date. Throws a `StateError` naming the path and what to do when the
 * file is not a SQLite database or is damaged, cannot be created or written, was written by a
 * newer version of the app, or is locked by another process.
 */
export function openSqliteState(path: string, options: SqliteStateOptions = {}): SqliteState {
  let db: Database | undefined;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new BetterSqlite3(path, { timeout: options.busyTimeoutMs ?? 5_000 });
    // The first statement reads the header: a file that is not a database fails here.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check(1)', { simple: true });
    if (check !== 'ok') throw new StateError('state_corrupt', path, corruptMessage(path));
    migrate(db, path);
    return new SqliteState(db, options.now ?? Date.now);
  } catch (error) {
    db?.close();
    throw classify(error, path);
  }
}

export class SqliteState implements StateStore, SubscriptionStore, SubscriptionArchive, WorkspaceData {
  private lastPurge = Number.NEGATIVE_INFINITY;
  private readonly s: Statements;
  private readonly tx: ReturnType<typeof transactions>;
  /** The workspace whose subscriptions this sees (null: single-workspace mode's, stored without one). */
  private readonly scope: string | null;
  private readonly views = new Map<string, SqliteState>();

  /** Use `openSqliteState`: it checks and migrates the file first. */
  constructor(
    private readonly db: Database,
    private readonly now: () => number,
    view?: { scope: string; of: SqliteState },
  ) {
    this.scope = view?.scope ?? null;
    this.s = view ? view.of.s : prepare(db);
    this.tx = view ? view.of.tx : transactions(db, this.s);
  }

  /**
   * One workspace's subscriptions (distribution mode): every list, count, pause and removal sees
   * only those stored with its installation key, and what it adds is stored with it. Undefined:
   * this store itself (single-workspace mode's, stored without one). Closed with this store.
   */
  subscriptionsOf(workspace: string | undefined): SubscriptionStore {
    if (workspace === undefined || this.scope !== null) return this;
    let view = this.views.get(workspace);
    if (!view) {
      view = new SqliteState(this.db, this.now, { scope: workspace, of: this });
      this.views.set(workspace, view);
    }
    return view;
  }

  /** The workspaces (installation keys) with at least one subscription not paused. */
  async subscribedWorkspaces(): Promise<string[]> {
    return this.s.workspaces.all().map((row) => row.workspace);
  }

  // ---- StateStore -------------------------------------------------------------------------

  async claim(key: string, ttlMs: number, value = '1'): Promise<boolean> {
    const now = this.purge();
    return this.s.claim.run({ key, value, expiresAt: expiresAt(now, ttlMs), now }).changes === 1;
  }

  async get(key: string): Promise<string | undefined> {
    return this.s.get.get(key, this.now())?.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.s.set.run(key, value, expiresAt(this.purge(), ttlMs));
  }

  async release(key: string): Promise<void> {
    this.s.release.run(key);
  }

  /** Installations or Focus connections, sealed, in this file (tenant-stores.ts seals them). */
  sealedTable(kind: SealedKind): SqliteSealedTable {
    return new SqliteSealedTable(this.db, kind);
  }

  // ---- WorkspaceData (workspace-data.ts) ---------------------------------------------------

  async markUninstalled(key: string, atMs: number): Promise<void> {
    this.s.markUninstalled.run(key, atMs);
  }

  async cancelUninstalled(key: string): Promise<boolean> {
    return this.s.cancelUninstalled.run(key).changes > 0;
  }

  async uninstalls(): Promise<Map<string, number>> {
    return new Map(this.s.uninstalls.all().map((row) => [row.key, row.at]));
  }

  /** One transaction: the mark checked, then everything of the workspace deleted, or nothing. */
  async forget(key: string, ifUninstalledAt?: number): Promise<Forgotten> {
    checkWorkspaceKey(key);
    return this.tx.forget.immediate(key, ifUninstalledAt);
  }

  /** Closes the file (idempotent); SQLite checkpoints the WAL into it. A workspace's view closes nothing. */
  async close(): Promise<void> {
    if (this.scope !== null || !this.db.open) return;
    this.db.pragma('optimize');
    this.db.close();
  }

  /** Before a write: up to one batch of expired keys goes, when the last purge is old enough. */
  private purge(): number {
    const now = this.now();
    if (now - this.lastPurge < PURGE_EVERY_MS) return now;
    // A full batch means more may be waiting: the next write purges again.
    if (this.s.purge.run(now).changes < PURGE_BATCH) this.lastPurge = now;
    return now;
  }

  // ---- SubscriptionStore ------------------------------------------------------------------

  async add(sub: NewSubscription, now: Date): Promise<{ added: boolean; subscription: Subscription }> {
    const record = newRecord({ ...sub, workspace: this.scope ?? undefined }, now);
    const { added, row } = this.tx.put.immediate(record, 0);
    return { added, subscription: toSubscription(row) };
  }

  async list(channel: string): Promise<Subscription[]> {
    return this.s.list.all(channel, this.scope).map(toSubscription);
  }

  async createdBy(user: string): Promise<Subscription[]> {
    return this.s.createdBy.all(user, this.scope).map(toSubscription);
  }

  async active(): Promise<Subscription[]> {
    return this.s.active.all(this.scope).map(toSubscription);
  }

  async countTeam(team: string | undefined): Promise<number> {
    return this.s.countTeam.get(team ?? null, this.scope)?.n ?? 0;
  }

  async remove(channel: string, ids: readonly number[]): Promise<Subscription[]> {
    return byId(this.s.remove.all(channel, this.scope, JSON.stringify(ids)));
  }

  async pause(id: number, reason: string, now: Date): Promise<void> {
    this.s.pause.run(reason, now.toISOString(), id, this.scope);
  }

  async resume(id: number): Promise<void> {
    this.s.resume.run(id, this.scope);
  }

  async tune(id: number, tuning: Tuning): Promise<void> {
    this.s.tune.run({ id, scope: this.scope, ...storedTuning(tuning) });
  }

  async pauseChannel(channel: string, reason: string, now: Date): Promise<Subscription[]> {
    return byId(this.s.pauseChannel.all(reason, now.toISOString(), channel, this.scope));
  }

  async removeChannel(channel: string): Promise<Subscription[]> {
    // Cursors and delivered ids go with their subscription (ON DELETE CASCADE).
    return byId(this.s.removeChannel.all(channel, this.scope));
  }

  async cursor(id: number): Promise<Cursor> {
    return readCursor(this.s.cursor.get(id));
  }

  async startAt(id: number, cursor: Cursor): Promise<void> {
    if (cursor.newestStart === undefined) return;
    const ids = JSON.stringify([...new Set(cursor.idsAtNewest)]);
    this.s.startAt.run({ id, start: cursor.newestStart, ms: startMs(cursor.newestStart), ids });
  }

  async delivered(id: number, recordingId: number): Promise<boolean> {
    return this.s.delivered.get(id, recordingId) !== undefined;
  }

  async markDelivered(id: number, recording: { id: number; start: string }, now: Date): Promise<void> {
    this.tx.markDelivered(id, recording, now.getTime());
  }

  // ---- SubscriptionArchive ----------------------------------------------------------------

  async dumpSubscriptions(): Promise<SubscriptionRecord[]> {
    return this.tx.dump();
  }

  async restoreSubscription(record: SubscriptionRecord): Promise<{ added: boolean; id: number }> {
    const { added, row } = this.tx.put.immediate(record, this.now());
    return { added, id: row.id };
  }
}

/** RETURNING gives rows in no set order. */
function byId(rows: Row[]): Subscription[] {
  return rows.map(toSubscription).sort((a, b) => a.id - b.id);
}

function readCursor(row: CursorRow | undefined): Cursor {
  if (!row || row.newestStart === null) return noCursor();
  return { newestStart: row.newestStart, idsAtNewest: JSON.parse(row.idsAtNewest) as number[] };
}

/** The multi-statement steps, each one transaction. */
function transactions(db: Database, s: Statements) {
  /** The newer cursor wins; at the same instant the ids join its ties. True when it moved forward. */
  const moveCursor = (id: number, start: string, ids: readonly number[]): boolean => {
    const ms = startMs(start);
    const current = s.cursor.get(id);
    if (!current || current.newestMs === null || ms > current.newestMs) {
      s.setCursor.run(id, start, ms, JSON.stringify([...new Set(ids)]));
      return true;
    }
    if (ms === current.newestMs) {
      const ties = new Set([...(JSON.parse(current.idsAtNewest) as number[]), ...ids]);
      s.setCursor.run(id, current.newestStart, ms, JSON.stringify([...ties]));
    }
    return false;
  };

  return {
    /**
     * Adds the record's subscription unless the channel follows its target already (an add, or
     * an import), then merges in its cursor and delivered ids.
     */
    put: db.transaction(({ subscription: sub, cursor, delivered }: SubscriptionRecord, nowMs: number) => {
      const key = targetKey(sub.target);
      const existing = s.byTarget.get(sub.channel, key, sub.workspace ?? null);
      const { filters, format } = storedTuning(sub);
      const row =
        existing ??
        s.insert.get(
          // An exported id is kept only above every id issued here: ids are never reused.
          sub.id > (s.issued.get()?.n ?? 0) ? sub.id : null,
          sub.workspace ?? null,
          sub.team ?? null,
          sub.channel,
          key,
          JSON.stringify(sub.target),
          sub.createdBy,
          sub.createdAt,
          sub.paused?.reason ?? null,
          sub.paused?.at ?? null,
          filters,
          format,
        );
      if (!row) throw new Error(`subscription ${key} in ${sub.channel} neither added nor found`);
      if (cursor.newestStart !== undefined) moveCursor(row.id, cursor.newestStart, cursor.idsAtNewest);
      for (const d of delivered) s.deliver.run(row.id, d.id, d.startMs, nowMs);
      return { added: existing === undefined, row };
    }),

    markDelivered: db.transaction((id: number, recording: { id: number; start: string }, nowMs: number) => {
      // A subscription removed while its post was on the way: nothing left to record.
      if (!s.exists.get(id)) return;
      const ms = startMs(recording.start);
      s.deliver.run(id, recording.id, ms, nowMs);
      if (moveCursor(id, recording.start, [recording.id])) s.prune.run(id, ms - DELIVERED_RETENTION_MS);
    }),

    forget: db.transaction((key: string, ifUninstalledAt: number | undefined): Forgotten => {
      if (ifUninstalledAt !== undefined && s.uninstalledAt.get(key)?.at !== ifUninstalledAt)
        return { done: false, installation: false, connection: false, keys: 0, subscriptions: 0 };
      let keys = 0;
      // Each prefix ends in ':'; every key under it sorts below the same text ending in ';'.
      for (const prefix of workspaceKeyPrefixes(key))
        keys += s.deleteKeyRange.run(prefix, `${prefix.slice(0, -1)};`).changes;
      const forgotten: Forgotten = {
        done: true,
        installation: s.deleteInstallation.run(key).changes > 0,
        connection: s.deleteConnection.run(key).changes > 0,
        keys,
        // Cursors and delivered ids go with their subscription (ON DELETE CASCADE).
        subscriptions: s.deleteWorkspaceSubscriptions.run(key, key).changes,
      };
      s.cancelUninstalled.run(key);
      return forgotten;
    }),

    dump: db.transaction(() =>
      s.all.all().map((row) => ({
        subscription: toSubscription(row),
        cursor: readCursor(s.cursor.get(row.id)),
        delivered: s.deliveredOf.all(row.id),
      })),
    ),
  };
}

type Row = StoredSubscription & { id: number };

interface CursorRow {
  newestStart: string | null;
  newestMs: number | null;
  idsAtNewest: string;
}

type Statements = ReturnType<typeof prepare>;

const COLUMNS =
  'id, workspace, team, channel, target, created_by AS createdBy, created_at AS createdAt, ' +
  'paused_reason AS pausedReason, paused_at AS pausedAt, filters, format';

const CURSOR_UPSERT = `ON CONFLICT (subscription_id) DO UPDATE SET newest_start = excluded.newest_start,
  newest_ms = excluded.newest_ms, ids_at_newest = excluded.ids_at_newest`;

/** Every statement, prepared once. */
function prepare(db: Database) {
  const rows = (rest: string) => db.prepare<unknown[], Row>(`SELECT ${COLUMNS} FROM subscriptions ${rest}`);
  return {
    claim: db.prepare<{ key: string; value: string; expiresAt: number; now: number }>(
      `INSERT INTO kv (key, value, expires_at) VALUES (@key, @value, @expiresAt)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
       WHERE kv.expires_at <= @now`,
    ),
    get: db.prepare<[string, number], { value: string }>(
      'SELECT value FROM kv WHERE key = ? AND expires_at > ?',
    ),
    set: db.prepare<[string, string, number]>(
      `INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    ),
    release: db.prepare<[string]>('DELETE FROM kv WHERE key = ?'),
    purge: db.prepare<[number]>(
      `DELETE FROM kv WHERE key IN (SELECT key FROM kv WHERE expires_at <= ? LIMIT ${PURGE_BATCH})`,
    ),

    insert: db.prepare<unknown[], Row>(
      `INSERT INTO subscriptions (id, workspace, team, channel, target_key, target, created_by, created_at,
                                  paused_reason, paused_at, filters, format)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${COLUMNS}`,
    ),
    issued: db.prepare<[], { n: number }>(
      `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'subscriptions'), 0),
                  coalesce((SELECT max(id) FROM subscriptions), 0)) AS n`,
    ),
    // Every read and change of a workspace's subscriptions names its workspace (`IS`: NULL, the
    // single-workspace mode's, matches NULL).
    byTarget: rows('WHERE channel = ? AND target_key = ? AND workspace IS ?'),
    list: rows('WHERE channel = ? AND workspace IS ? ORDER BY id'),
    active: rows('WHERE paused_reason IS NULL AND workspace IS ? ORDER BY id'),
    all: rows('ORDER BY id'),
    // No index: a workspace holds at most 1,000 subscriptions, and only the Home tab asks.
    createdBy: rows('WHERE created_by = ? AND workspace IS ? ORDER BY id'),
    countTeam: db.prepare<[string | null, string | null], { n: number }>(
      'SELECT count(*) AS n FROM subscriptions WHERE team IS ? AND workspace IS ?',
    ),
    workspaces: db.prepare<[], { workspace: string }>(
      `SELECT DISTINCT workspace FROM subscriptions WHERE paused_reason IS NULL AND workspace IS NOT NULL
       ORDER BY workspace`,
    ),
    exists: db.prepare<[number], { id: number }>('SELECT id FROM subscriptions WHERE id = ?'),
    remove: db.prepare<[string, string | null, string], Row>(
      `DELETE FROM subscriptions WHERE channel = ? AND workspace IS ? AND id IN (SELECT value FROM json_each(?))
       RETURNING ${COLUMNS}`,
    ),
    removeChannel: db.prepare<[string, string | null], Row>(
      `DELETE FROM subscriptions WHERE channel = ? AND workspace IS ? RETURNING ${COLUMNS}`,
    ),
    pause: db.prepare<[string, string, number, string | null]>(
      'UPDATE subscriptions SET paused_reason = ?, paused_at = ? WHERE id = ? AND workspace IS ?',
    ),
    pauseChannel: db.prepare<[string, string, string, string | null], Row>(
      `UPDATE subscriptions SET paused_reason = ?, paused_at = ?
       WHERE channel = ? AND workspace IS ? AND paused_reason IS NULL
       RETURNING ${COLUMNS}`,
    ),
    resume: db.prepare<[number, string | null]>(
      'UPDATE subscriptions SET paused_reason = NULL, paused_at = NULL WHERE id = ? AND workspace IS ?',
    ),
    tune: db.prepare<{ id: number; scope: string | null; filters: string | null; format: string | null }>(
      'UPDATE subscriptions SET filters = @filters, format = @format WHERE id = @id AND workspace IS @scope',
    ),

    cursor: db.prepare<[number], CursorRow>(
      `SELECT newest_start AS newestStart, newest_ms AS newestMs, ids_at_newest AS idsAtNewest
       FROM cursors WHERE subscription_id = ?`,
    ),
    // Only for a subscription that exists, and only while its cursor has no start yet.
    startAt: db.prepare<{ id: number; start: string; ms: number; ids: string }>(
      `INSERT INTO cursors (subscription_id, newest_start, newest_ms, ids_at_newest)
       SELECT id, @start, @ms, @ids FROM subscriptions WHERE id = @id
       ${CURSOR_UPSERT} WHERE cursors.newest_ms IS NULL`,
    ),
    setCursor: db.prepare<[number, string | null, number, string]>(
      `INSERT INTO cursors (subscription_id, newest_start, newest_ms, ids_at_newest) VALUES (?, ?, ?, ?)
       ${CURSOR_UPSERT}`,
    ),
    deliver: db.prepare<[number, number, number, number]>(
      `INSERT INTO delivered (subscription_id, recording_id, start_ms, delivered_at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    delivered: db.prepare<[number, number], { one: number }>(
      'SELECT 1 AS one FROM delivered WHERE subscription_id = ? AND recording_id = ?',
    ),
    deliveredOf: db.prepare<[number], { id: number; startMs: number }>(
      `SELECT recording_id AS id, start_ms AS startMs FROM delivered WHERE subscription_id = ?
       ORDER BY start_ms, recording_id`,
    ),
    prune: db.prepare<[number, number]>('DELETE FROM delivered WHERE subscription_id = ? AND start_ms < ?'),

    markUninstalled: db.prepare<[string, number]>(
      'INSERT INTO uninstalls (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING',
    ),
    cancelUninstalled: db.prepare<[string]>('DELETE FROM uninstalls WHERE key = ?'),
    uninstalls: db.prepare<[], { key: string; at: number }>('SELECT key, at FROM uninstalls'),
    uninstalledAt: db.prepare<[string], { at: number }>('SELECT at FROM uninstalls WHERE key = ?'),
    deleteKeyRange: db.prepare<[string, string]>('DELETE FROM kv WHERE key >= ? AND key < ?'),
    deleteInstallation: db.prepare<[string]>('DELETE FROM installations WHERE key = ?'),
    deleteConnection: db.prepare<[string]>('DELETE FROM connections WHERE key = ?'),
    // A workspace's own (distribution mode), and those its team made in single-workspace mode.
    // The workspace's own (distribution mode), and those its team made in single-workspace mode
    // (no workspace); never another installation's made in its channels (an org-wide install's).
    deleteWorkspaceSubscriptions: db.prepare<[string, string]>(
      'DELETE FROM subscriptions WHERE workspace = ? OR (workspace IS NULL AND team = ?)',
    ),
  };
}

/** `now + ttlMs`, capped so an enormous TTL stays an integer SQLite compares correctly. */
function expiresAt(now: number, ttlMs: number): number {
  return ttlMs > 0 ? Math.min(now + ttlMs, Number.MAX_SAFE_INTEGER) : now;
}

// ---- open errors --------------------------------------------------------------------------

function corruptMessage(path: string): string {
  return (
    `STATE_PATH ${path} is not a SQLite database (or is damaged): move it away (a new one is ` +
    'created at the next start, and every subscription is lost) or restore a backup'
  );
}

const UNWRITABLE_REASONS: Record<string, string> = {
  ENOTDIR: 'a parent of it is a file, not a directory',
  EEXIST: 'a parent of it is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  EISDIR: 'it is a directory',
  ENOSPC: 'the disk is full',
  SQLITE_FULL: 'the disk is full',
  SQLITE_PERM: 'permission denied',
  SQLITE_AUTH: 'permission denied',
};

/** Turns whatever the open threw into a StateError whose message says what to do. */
function classify(error: unknown, path: string): StateError {
  if (error instanceof StateError) return error;
  const raw = (error as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' ? raw : '';
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StateError('state_corrupt', path, corruptMessage(path), { cause: error });
  }
  const reason =
    UNWRITABLE_REASONS[code] ??
    (code.startsWith('SQLITE_CANTOPEN')
      ? 'the file cannot be opened or created: is it a directory, or is its directory not writable?'
      : code.startsWith('SQLITE_READONLY')
        ? 'the file or its directory is read-only'
        : undefined);
  if (reason) {
    return new StateError(
      'state_unwritable',
      path,
      `STATE_PATH ${path} cannot be created or written (${reason}): point STATE_PATH at a file ` +
        'in a directory the app can write (the Docker image has the volume /app/data for it)',
      { cause: error },
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StateError(
      'state_locked',
      path,
      `STATE_PATH ${path} is locked by another process (is another instance of the app running ` +
        'on the same file?): stop it, or give each instance its own STATE_PATH',
      { cause: error },
    );
  }
  return new StateError(
    'state_failed',
    path,
    `STATE_PATH ${path} could not be opened (${code || (error instanceof Error ? error.name : 'error')}): ` +
      'check the file and its directory, or restore a backup',
    { cause: error },
  );
}
