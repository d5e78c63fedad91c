/**
 * The SQLite schema, as numbered steps. The file's `PRAGMA user_version` is the last step
 * applied; at open the missing ones run, in order, in one transaction (all or none). A step,
 * once released, never changes: a change to the schema is a new step at the end.
 */
import type { Database } from 'better-sqlite3';
import { StateError } from './errors.js';

export interface Migration {
  /** 1, 2, 3, ... with no gap. */
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'key-value with expiry; subscriptions, cursors, delivered recordings',
    sql: `
      CREATE TABLE kv (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        expires_at INTEGER NOT NULL -- ms since the epoch; the key is gone from this instant
      ) WITHOUT ROWID;
      CREATE INDEX kv_expires_at ON kv (expires_at);

      CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, so an old id never names a new one
        team TEXT,
        channel TEXT NOT NULL,
        target_key TEXT NOT NULL, -- 'phone:<digits>' or 'person:<id>'
        target TEXT NOT NULL, -- JSON of SubscriptionTarget
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        paused_reason TEXT,
        paused_at TEXT,
        UNIQUE (channel, target_key)
      );
      CREATE INDEX subscriptions_active ON subscriptions (id) WHERE paused_reason IS NULL;

      CREATE TABLE cursors (
        subscription_id INTEGER PRIMARY KEY REFERENCES subscriptions (id) ON DELETE CASCADE,
        newest_start TEXT, -- as Focus wrote it
        newest_ms INTEGER, -- the same instant, for comparisons
        ids_at_newest TEXT NOT NULL -- JSON array of recording ids
      );

      CREATE TABLE delivered (
        subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
        recording_id INTEGER NOT NULL,
        start_ms INTEGER NOT NULL,
        delivered_at INTEGER NOT NULL,
        PRIMARY KEY (subscription_id, recording_id)
      ) WITHOUT ROWID;
      CREATE INDEX delivered_by_start ON delivered (subscription_id, start_ms);
    `,
  },
  {
    version: 2,
    description: "subscriptions' filters and format (rows without them: no filter, the full card)",
    sql: `
      ALTER TABLE subscriptions ADD COLUMN filters TEXT; -- JSON of SubscriptionFilters; NULL: none
      ALTER TABLE subscriptions ADD COLUMN format TEXT; -- 'compact'; NULL: the full card
    `,
  },
  {
    version: 3,
    description: "workspaces' Slack installations and Focus connections, sealed (AES-256-GCM)",
    sql: `
      CREATE TABLE installations (
        key TEXT PRIMARY KEY, -- the enterprise id of an org-wide install, the team id otherwise
        sealed TEXT NOT NULL -- the installation's JSON, sealed (state/crypto.ts)
      ) WITHOUT ROWID;
      CREATE TABLE connections (
        key TEXT PRIMARY KEY, -- the installation's key
        sealed TEXT NOT NULL -- the FocusConnection's JSON, sealed
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    description:
      'when each uninstalled workspace was uninstalled, while its data waits out the retention window',
    sql: `
      CREATE TABLE uninstalls (
        key TEXT PRIMARY KEY, -- the installation's key
        at INTEGER NOT NULL -- ms since the epoch: the first uninstall event
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    description:
      'subscriptions belong to a workspace (distribution mode; NULL: single-workspace), one per target per workspace and channel',
    // A table's UNIQUE constraint cannot be changed in place: the three subscription tables are
    // built anew and renamed (a rename rewrites the new children's REFERENCES to the final name),
    // the children first dropped, so the parent's drop cascades to nothing. The AUTOINCREMENT
    // counter is carried over, so an id is never reused.
    sql: `
      CREATE TABLE subscriptions_v5 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        workspace TEXT, -- the installation key (T… or E…) in distribution mode; NULL otherwise
        team TEXT,
        channel TEXT NOT NULL,
        target_key TEXT NOT NULL,
        target TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        paused_reason TEXT,
        paused_at TEXT,
        filters TEXT,
        format TEXT
      );
      INSERT INTO sqlite_sequence (name, seq)
        SELECT 'subscriptions_v5', seq FROM sqlite_sequence WHERE name = 'subscriptions';
      INSERT INTO subscriptions_v5 (id, team, channel, target_key, target, created_by, created_at,
                                    paused_reason, paused_at, filters, format)
        SELECT id, team, channel, target_key, target, created_by, created_at,
               paused_reason, paused_at, filters, format FROM subscriptions;
      CREATE TABLE cursors_v5 (
        subscription_id INTEGER PRIMARY KEY REFERENCES subscriptions_v5 (id) ON DELETE CASCADE,
        newest_start TEXT,
        newest_ms INTEGER,
        ids_at_newest TEXT NOT NULL
      );
      INSERT INTO cursors_v5 SELECT subscription_id, newest_start, newest_ms, ids_at_newest FROM cursors;
      CREATE TABLE delivered_v5 (
        subscription_id INTEGER NOT NULL REFERENCES subscriptions_v5 (id) ON DELETE CASCADE,
        recording_id INTEGER NOT NULL,
        start_ms INTEGER NOT NULL,
        delivered_at INTEGER NOT NULL,
        PRIMARY KEY (subscription_id, recording_id)
      ) WITHOUT ROWID;
      INSERT INTO delivered_v5 SELECT subscription_id, recording_id, start_ms, delivered_at FROM delivered;
      DROP TABLE delivered;
      DROP TABLE cursors;
      DROP TABLE subscriptions;
      ALTER TABLE subscriptions_v5 RENAME TO subscriptions;
      ALTER TABLE cursors_v5 RENAME TO cursors;
      ALTER TABLE delivered_v5 RENAME TO delivered;
      -- NULL (single-workspace) compares equal here, so a channel follows a target once per workspace.
      CREATE UNIQUE INDEX subscriptions_target ON subscriptions (coalesce(workspace, ''), channel, target_key);
      CREATE INDEX subscriptions_active ON subscriptions (id) WHERE paused_reason IS NULL;
      CREATE INDEX delivered_by_start ON delivered (subscription_id, start_ms);
    `,
  },
];

/**
 * Brings the file to the newest schema this code knows; returns the versions before and after.
 * A file from a newer version of the app is refused (StateError `state_too_new`), untouched.
 */
export function migrate(
  db: Database,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): { from: number; to: number } {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${i + 1} is numbered ${m.version}`);
  });
  const latest = migrations.at(-1)?.version ?? 0;
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  // IMMEDIATE: a second process opening the same file waits here, then sees the new version.
  return db
    .transaction(() => {
      const from = version();
      if (from > latest) {
        throw new StateError(
          'state_too_new',
          path,
          `STATE_PATH ${path} has schema version ${from}, newer than this version of the app knows ` +
            `(${latest}): run the newer version of the app, or point STATE_PATH at another file`,
        );
      }
      for (const m of migrations.slice(from)) {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      }
      return { from, to: Math.max(from, latest) };
    })
    .immediate();
}
