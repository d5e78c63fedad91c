/**
 * Subscriptions as a portable JSON document, so a team can move them between stores (the SQLite
 * file and Redis, either way) with `npm run state -- export|import`. A record carries everything
 * that makes delivery exactly-once: the subscription, its cursor and its delivered ids.
 *
 * Importing is idempotent: a subscription whose channel already follows the same target is not
 * added again; its cursor takes the newer of the two and its delivered ids the union.
 */
import { z } from 'zod';
import type { Cursor, Subscription, SubscriptionTarget } from './subscriptions.js';

/** One subscription with where its delivery has got to. */
export interface SubscriptionRecord {
  subscription: Subscription;
  cursor: Cursor;
  /** Recording ids delivered (kept within the retention behind the cursor), by start then id. */
  delivered: Array<{ id: number; startMs: number }>;
}

/** A store that can list every record and take one in (both backends). */
export interface SubscriptionArchive {
  /** Every subscription, oldest first, with its cursor and delivered ids. */
  dumpSubscriptions(): Promise<SubscriptionRecord[]>;
  /**
   * Adds the record's subscription unless its channel already follows the target (then merges
   * the cursor and delivered ids into the existing one). The exported id is kept when it is above
   * every id the store has issued; otherwise the store gives a new one.
   */
  restoreSubscription(record: SubscriptionRecord): Promise<{ added: boolean; id: number }>;
}

export const SNAPSHOT_FORMAT = 'focus-for-slack/subscriptions';
export const SNAPSHOT_VERSION = 1;

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const instant = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'not a date');

const target = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('phone'), phone: z.string().min(1), display: z.string() }),
  z.object({ kind: z.literal('person'), personId: id, name: z.string() }),
]);

const record = z.object({
  id,
  team: z.string().nullable(),
  channel: z.string().min(1),
  target,
  createdBy: z.string(),
  createdAt: z.string(),
  paused: z.object({ reason: z.string(), at: z.string() }).nullable(),
  cursor: z.object({ newestStart: instant.nullable(), idsAtNewest: z.array(id) }),
  delivered: z.array(z.object({ id, startMs: z.number().int() })),
});

const snapshot = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.literal(SNAPSHOT_VERSION),
  subscriptions: z.array(record),
});

export type SnapshotJson = z.infer<typeof snapshot>;

/** The document for these records (stable: the same state gives the same text). */
export function toSnapshot(records: readonly SubscriptionRecord[]): SnapshotJson {
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    subscriptions: records.map(({ subscription: s, cursor, delivered }) => ({
      id: s.id,
      team: s.team ?? null,
      channel: s.channel,
      target: s.target,
      createdBy: s.createdBy,
      createdAt: s.createdAt,
      paused: s.paused ?? null,
      cursor: {
        newestStart: cursor.newestStart ?? null,
        idsAtNewest: cursor.newestStart === undefined ? [] : cursor.idsAtNewest,
      },
      delivered: sortDelivered(delivered),
    })),
  };
}

/** A document that is not a subscriptions export; the message names the first field that is wrong. */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

/** Reads a document; throws a `SnapshotError` naming the first field that is wrong. */
export function fromSnapshot(json: unknown): SubscriptionRecord[] {
  const parsed = snapshot.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(document)';
    throw new SnapshotError(
      `not a subscriptions export (${SNAPSHOT_FORMAT} v${SNAPSHOT_VERSION}): ${where}: ${issue?.message}`,
    );
  }
  return parsed.data.subscriptions.map((r) => ({
    subscription: {
      id: r.id,
      team: r.team ?? undefined,
      channel: r.channel,
      target: r.target as SubscriptionTarget,
      createdBy: r.createdBy,
      createdAt: r.createdAt,
      paused: r.paused ?? undefined,
    },
    cursor: { newestStart: r.cursor.newestStart ?? undefined, idsAtNewest: r.cursor.idsAtNewest },
    delivered: r.delivered,
  }));
}

/** By start, then id. */
export function sortDelivered<T extends { id: number; startMs: number }>(delivered: readonly T[]): T[] {
  return [...delivered].sort((a, b) => a.startMs - b.startMs || a.id - b.id);
}
