/**
 * `SubscriptionArchive` for the SQLite file: every subscription with its cursor and delivered
 * ids, and the idempotent import of one (see snapshot.ts). Each is one transaction.
 */
import type { Database } from 'better-sqlite3';
import type { SubscriptionRecord } from './snapshot.js';
import { sortDelivered } from './snapshot.js';
import { type CursorRow, SUBSCRIPTION_COLUMNS, type SubscriptionRow, toSubscription } from './sqlite-rows.js';
import { startMs, targetKey } from './subscription-keys.js';

export function dumpSubscriptions(db: Database): SubscriptionRecord[] {
  return db.transaction(() => {
    const subs = db
      .prepare<[], SubscriptionRow>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions ORDER BY id`)
      .all();
    const cursor = db.prepare<[number], CursorRow>(
      'SELECT newest_start, newest_ms, ids_at_newest FROM cursors WHERE subscription_id = ?',
    );
    const delivered = db.prepare<[number], { id: number; startMs: number }>(
      'SELECT recording_id AS id, start_ms AS startMs FROM delivered WHERE subscription_id = ?',
    );
    return subs.map((row) => {
      const c = cursor.get(row.id);
      return {
        subscription: toSubscription(row),
        cursor:
          c && c.newest_start !== null
            ? { newestStart: c.newest_start, idsAtNewest: JSON.parse(c.ids_at_newest) as number[] }
            : { newestStart: undefined, idsAtNewest: [] },
        delivered: sortDelivered(delivered.all(row.id)),
      };
    });
  })();
}

export function restoreSubscription(
  db: Database,
  record: SubscriptionRecord,
  nowMs: number,
): { added: boolean; id: number } {
  const { subscription: s, cursor, delivered } = record;
  const key = targetKey(s.target);
  return db.transaction(() => {
    const existing = db
      .prepare<[string, string], { id: number }>(
        'SELECT id FROM subscriptions WHERE channel = ? AND target_key = ?',
      )
      .get(s.channel, key);
    let id = existing?.id;
    if (id === undefined) {
      // Keep the exported id only above every id issued here: ids are never reused.
      const issued = db
        .prepare<[], { n: number }>(
          `SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'subscriptions'), 0),
                      coalesce((SELECT max(id) FROM subscriptions), 0)) AS n`,
        )
        .get()?.n;
      const row = db
        .prepare<unknown[], { id: number }>(
          `INSERT INTO subscriptions (id, team, channel, target_key, target, created_by, created_at,
                                      paused_reason, paused_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        )
        .get(
          s.id > (issued ?? 0) ? s.id : null,
          s.team ?? null,
          s.channel,
          key,
          JSON.stringify(s.target),
          s.createdBy,
          s.createdAt,
          s.paused?.reason ?? null,
          s.paused?.at ?? null,
        );
      if (!row) throw new Error(`subscription ${key} in ${s.channel} was not inserted`);
      id = row.id;
    }
    if (cursor.newestStart !== undefined) mergeCursor(db, id, cursor.newestStart, cursor.idsAtNewest);
    const deliver = db.prepare<[number, number, number, number]>(
      `INSERT INTO delivered (subscription_id, recording_id, start_ms, delivered_at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    for (const d of delivered) deliver.run(id, d.id, d.startMs, nowMs);
    return { added: existing === undefined, id };
  })();
}

/** The newer cursor wins; at the same instant the tie lists are merged. */
function mergeCursor(db: Database, id: number, start: string, ids: readonly number[]): void {
  const ms = startMs(start);
  const current = db
    .prepare<[number], CursorRow>(
      'SELECT newest_start, newest_ms, ids_at_newest FROM cursors WHERE subscription_id = ?',
    )
    .get(id);
  const set = db.prepare<[number, string | null, number, string]>(
    `INSERT INTO cursors (subscription_id, newest_start, newest_ms, ids_at_newest) VALUES (?, ?, ?, ?)
     ON CONFLICT (subscription_id) DO UPDATE SET
       newest_start = excluded.newest_start, newest_ms = excluded.newest_ms,
       ids_at_newest = excluded.ids_at_newest`,
  );
  if (!current || current.newest_ms === null || ms > current.newest_ms) {
    set.run(id, start, ms, JSON.stringify([...new Set(ids)]));
  } else if (ms === current.newest_ms) {
    const merged = [...new Set([...(JSON.parse(current.ids_at_newest) as number[]), ...ids])];
    set.run(id, current.newest_start, ms, JSON.stringify(merged));
  }
}
