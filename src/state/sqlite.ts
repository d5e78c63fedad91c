/**
 * The embedded state backend: one SQLite file (better-sqlite3) holding both the key-value store
 * and the subscriptions. For ONE process: two processes on one file would each poll and post.
 *
 * - WAL journal, `synchronous=NORMAL` (default): every commit survives the process being killed
 *   (SIGKILL included: the commit is in the WAL before the call returns); only a power cut or
 *   an OS crash can roll back the last commits, and then the cursor rolls back together with the
 *   delivered ids, so a recording is posted again, never lost. FULL adds an fsync per commit
 *   (every event dedupe and unfurl claim) to close that gap too.
 * - Claims are one statement: insert, or take over a row whose time is up, else nothing.
 * - Expired keys are purged lazily, at most `purgeBatch` rows per write and at most once per
 *   `purgeEveryMs`, so no write pays for a large backlog.
 * - Delivered ids are kept while their recording started no earlier than the cursor minus
 *   `deliveredRetentionMs` (default 7 days); older ones are dropped when the cursor moves. The
 *   poller's look-back window must not be longer, or a pruned recording could count as news.
 *
 * better-sqlite3 is synchronous; every method here is one short statement or transaction.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import { StateError } from './errors.js';
import { migrate } from './migrations.js';
import type { SubscriptionArchive, SubscriptionRecord } from './snapshot.js';
import { dumpSubscriptions, restoreSubscription } from './sqlite-archive.js';
import { type CursorRow, SUBSCRIPTION_COLUMNS, type SubscriptionRow, toSubscription } from './sqlite-rows.js';
import type { StateStore } from './store.js';
import { startMs, targetKey } from './subscription-keys.js';
import type { Cursor, NewSubscription, Subscription, SubscriptionStore } from './subscriptions.js';

const DAY_MS = 86_400_000;

export interface SqliteStateOptions {
  /** Milliseconds since the epoch, for key expiry (default `Date.now`). */
  now?: () => number;
  /** NORMAL (default) or FULL; see the module comment. */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a statement waits for a lock another connection holds (default 5000). */
  busyTimeoutMs?: number;
  /** Delivered ids kept behind the cursor (default 7 days). */
  deliveredRetentionMs?: number;
  /** Expired keys are purged at most this often (default 60 000)... */
  purgeEveryMs?: number;
  /** ...and at most this many per purge (default 1000). */
  purgeBatch?: number;
}

/** What the open found, for the start-up log line. */
export interface SqliteStateInfo {
  path: string;
  /** Schema version before and after the migrations run at open. */
  schema: { from: number; to: number };
  journalMode: string;
  synchronous: 'NORMAL' | 'FULL';
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
    const journalMode = String(db.pragma('journal_mode = WAL', { simple: true }));
    const synchronous = options.synchronous ?? 'NORMAL';
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('foreign_keys = ON');
    const check = db.pragma('quick_check(1)', { simple: true });
    if (check !== 'ok') throw new StateError('state_corrupt', path, corruptMessage(path));
    const schema = migrate(db, path);
    return new SqliteState(db, { path, schema, journalMode, synchronous }, options);
  } catch (error) {
    db?.close();
    throw classify(error, path);
  }
}

export class SqliteState implements StateStore, SubscriptionStore, SubscriptionArchive {
  private readonly now: () => number;
  private readonly retentionMs: number;
  private readonly purgeEveryMs: number;
  private lastPurge = Number.NEGATIVE_INFINITY;
  private readonly s: Statements;
  private readonly tx: ReturnType<typeof transactions>;

  /** Use `openSqliteState`: it checks and migrates the file first. */
  constructor(
    private readonly db: Database,
    readonly info: SqliteStateInfo,
    options: SqliteStateOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.retentionMs = options.deliveredRetentionMs ?? 7 * DAY_MS;
    this.purgeEveryMs = options.purgeEveryMs ?? 60_000;
    this.s = prepare(db, Math.max(1, Math.floor(options.purgeBatch ?? 1_000)));
    this.tx = transactions(db, this.s, this.retentionMs);
  }

  // ---- StateStore -------------------------------------------------------------------------

  async claim(key: string, ttlMs: number, value = '1'): Promise<boolean> {
    const now = this.now();
    this.purge(now);
    return this.s.claim.run({ key, value, expiresAt: expiresAt(now, ttlMs), now }).changes === 1;
  }

  async get(key: string): Promise<string | undefined> {
    return this.s.get.get(key, this.now())?.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const now = this.now();
    this.purge(now);
    this.s.set.run(key, value, expiresAt(now, ttlMs));
  }

  async release(key: string): Promise<void> {
    this.s.release.run(key);
  }

  /** Closes the file (idempotent); SQLite checkpoints the WAL into it. */
  async close(): Promise<void> {
    if (!this.db.open) return;
    this.db.pragma('optimize');
    this.db.close();
  }

  /** Deletes up to one batch of expired keys when the last purge is old enough; returns how many. */
  purge(now = this.now()): number {
    if (now - this.lastPurge < this.purgeEveryMs) return 0;
    const { changes } = this.s.purge.run(now);
    // A full batch means more may be waiting: the next write purges again.
    if (changes < this.s.purgeBatch) this.lastPurge = now;
    return changes;
  }

  // ---- SubscriptionStore ------------------------------------------------------------------

  async add(
    sub: NewSubscription,
    now: Date,
  ): Promise<{ added: true; subscription: Subscription } | { added: false; subscription: Subscription }> {
    return this.tx.add(sub, now);
  }

  async list(channel: string): Promise<Subscription[]> {
    return this.s.list.all(channel).map(toSubscription);
  }

  async createdBy(user: string): Promise<Subscription[]> {
    return this.s.createdBy.all(user).map(toSubscription);
  }

  async active(): Promise<Subscription[]> {
    return this.s.active.all().map(toSubscription);
  }

  async countTeam(team: string | undefined): Promise<number> {
    return this.s.countTeam.get(team ?? null)?.n ?? 0;
  }

  async remove(channel: string, ids: readonly number[]): Promise<Subscription[]> {
    return this.tx.remove(channel, ids);
  }

  async pause(id: number, reason: string, now: Date): Promise<void> {
    this.s.pause.run(reason, now.toISOString(), id);
  }

  async resume(id: number): Promise<void> {
    this.s.resume.run(id);
  }

  async pauseChannel(channel: string, reason: string, now: Date): Promise<Subscription[]> {
    return this.tx.pauseChannel(channel, reason, now);
  }

  async removeChannel(channel: string): Promise<Subscription[]> {
    return this.tx.removeChannel(channel);
  }

  async cursor(id: number): Promise<Cursor> {
    const row = this.s.cursor.get(id);
    if (!row || row.newest_start === null) return { newestStart: undefined, idsAtNewest: [] };
    return { newestStart: row.newest_start, idsAtNewest: JSON.parse(row.ids_at_newest) as number[] };
  }

  async startAt(id: number, cursor: Cursor): Promise<void> {
    const ms = cursor.newestStart === undefined ? null : startMs(cursor.newestStart);
    this.s.startAt.run({
      id,
      start: ms === null ? null : (cursor.newestStart ?? null),
      ms,
      ids: JSON.stringify([...new Set(cursor.idsAtNewest)]),
    });
  }

  async delivered(id: number, recordingId: number): Promise<boolean> {
    return this.s.delivered.get(id, recordingId) !== undefined;
  }

  async markDelivered(id: number, recording: { id: number; start: string }, now: Date): Promise<void> {
    this.tx.markDelivered(id, recording, now);
  }

  /** Delivered ids held for a subscription (tests, metrics). */
  deliveredCount(id: number): number {
    return this.s.deliveredCount.get(id)?.n ?? 0;
  }

  // ---- SubscriptionArchive ----------------------------------------------------------------

  async dumpSubscriptions(): Promise<SubscriptionRecord[]> {
    return dumpSubscriptions(this.db);
  }

  async restoreSubscription(record: SubscriptionRecord): Promise<{ added: boolean; id: number }> {
    return restoreSubscription(this.db, record, this.now());
  }
}

/** The multi-statement steps, each one transaction. */
function transactions(db: Database, s: Statements, retentionMs: number) {
  return {
    add: db.transaction((sub: NewSubscription, now: Date) => {
      const key = targetKey(sub.target);
      const row = s.insert.get(
        sub.team ?? null,
        sub.channel,
        key,
        JSON.stringify(sub.target),
        sub.createdBy,
        now.toISOString(),
      );
      if (row) return { added: true as const, subscription: toSubscription(row) };
      const existing = s.byTarget.get(sub.channel, key);
      if (!existing) throw new Error(`subscription ${key} in ${sub.channel} neither added nor found`);
      return { added: false as const, subscription: toSubscription(existing) };
    }),

    remove: db.transaction((channel: string, ids: readonly number[]) => {
      const removed: Subscription[] = [];
      for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
        const row = s.inChannel.get(id, channel);
        if (!row) continue;
        s.delete.run(id);
        removed.push(toSubscription(row));
      }
      return removed;
    }),

    pauseChannel: db.transaction((channel: string, reason: string, now: Date) => {
      const at = now.toISOString();
      const paused: Subscription[] = [];
      for (const row of s.list.all(channel)) {
        if (row.paused_reason !== null) continue;
        s.pause.run(reason, at, row.id);
        paused.push(toSubscription({ ...row, paused_reason: reason, paused_at: at }));
      }
      return paused;
    }),

    removeChannel: db.transaction((channel: string) => {
      const removed = s.list.all(channel).map(toSubscription);
      // Cursors and delivered ids go with their subscription (ON DELETE CASCADE).
      for (const sub of removed) s.delete.run(sub.id);
      return removed;
    }),

    markDelivered: db.transaction((id: number, recording: { id: number; start: string }, now: Date) => {
      // A subscription removed while its post was on the way: nothing left to record.
      if (!s.exists.get(id)) return;
      const ms = startMs(recording.start);
      s.deliver.run(id, recording.id, ms, now.getTime());
      const cursor = s.cursor.get(id);
      if (!cursor || cursor.newest_ms === null || ms > cursor.newest_ms) {
        s.setCursor.run(id, recording.start, ms, JSON.stringify([recording.id]));
        s.prune.run(id, ms - retentionMs);
      } else if (ms === cursor.newest_ms) {
        const ids = JSON.parse(cursor.ids_at_newest) as number[];
        if (!ids.includes(recording.id)) {
          s.setCursor.run(id, cursor.newest_start, ms, JSON.stringify([...ids, recording.id]));
        }
      }
    }),
  };
}

type Statements = ReturnType<typeof prepare>;

/** Every statement, prepared once. */
function prepare(db: Database, purgeBatch: number) {
  const sub = (sql: string) => db.prepare<unknown[], SubscriptionRow>(sql);
  return {
    purgeBatch,
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
      `DELETE FROM kv WHERE key IN (SELECT key FROM kv WHERE expires_at <= ? LIMIT ${purgeBatch})`,
    ),

    insert: db.prepare<[string | null, string, string, string, string, string], SubscriptionRow>(
      `INSERT INTO subscriptions (team, channel, target_key, target, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (channel, target_key) DO NOTHING
       RETURNING ${SUBSCRIPTION_COLUMNS}`,
    ) as Statement<unknown[], SubscriptionRow>,
    byTarget: sub(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE channel = ? AND target_key = ?`),
    inChannel: sub(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE id = ? AND channel = ?`),
    list: sub(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE channel = ? ORDER BY id`),
    active: sub(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE paused_reason IS NULL ORDER BY id`),
    // No index: a workspace holds at most 1,000 subscriptions, and only the Home tab asks.
    createdBy: sub(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE created_by = ? ORDER BY id`),
    countTeam: db.prepare<[string | null], { n: number }>(
      'SELECT count(*) AS n FROM subscriptions WHERE team IS ?',
    ),
    exists: db.prepare<[number], { id: number }>('SELECT id FROM subscriptions WHERE id = ?'),
    delete: db.prepare<[number]>('DELETE FROM subscriptions WHERE id = ?'),
    pause: db.prepare<[string, string, number]>(
      'UPDATE subscriptions SET paused_reason = ?, paused_at = ? WHERE id = ?',
    ),
    resume: db.prepare<[number]>(
      'UPDATE subscriptions SET paused_reason = NULL, paused_at = NULL WHERE id = ?',
    ),

    cursor: db.prepare<[number], CursorRow>(
      'SELECT newest_start, newest_ms, ids_at_newest FROM cursors WHERE subscription_id = ?',
    ),
    // Only for a subscription that exists, and only while its cursor has no start yet.
    startAt: db.prepare<{ id: number; start: string | null; ms: number | null; ids: string }>(
      `INSERT INTO cursors (subscription_id, newest_start, newest_ms, ids_at_newest)
       SELECT id, @start, @ms, @ids FROM subscriptions WHERE id = @id
       ON CONFLICT (subscription_id) DO UPDATE SET
         newest_start = excluded.newest_start, newest_ms = excluded.newest_ms,
         ids_at_newest = excluded.ids_at_newest
       WHERE cursors.newest_ms IS NULL`,
    ),
    setCursor: db.prepare<[number, string | null, number, string]>(
      `INSERT INTO cursors (subscription_id, newest_start, newest_ms, ids_at_newest) VALUES (?, ?, ?, ?)
       ON CONFLICT (subscription_id) DO UPDATE SET
         newest_start = excluded.newest_start, newest_ms = excluded.newest_ms,
         ids_at_newest = excluded.ids_at_newest`,
    ),
    deliver: db.prepare<[number, number, number, number]>(
      `INSERT INTO delivered (subscription_id, recording_id, start_ms, delivered_at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    ),
    delivered: db.prepare<[number, number], { one: number }>(
      'SELECT 1 AS one FROM delivered WHERE subscription_id = ? AND recording_id = ?',
    ),
    prune: db.prepare<[number, number]>('DELETE FROM delivered WHERE subscription_id = ? AND start_ms < ?'),
    deliveredCount: db.prepare<[number], { n: number }>(
      'SELECT count(*) AS n FROM delivered WHERE subscription_id = ?',
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
