/**
 * A subscription as every backend stores it: the key of its target, its fields as strings (the
 * target as JSON), how long delivered ids are kept, and how a stored one reads back.
 */
import type { SubscriptionRecord } from './snapshot.js';
import type { Cursor, NewSubscription, Subscription, SubscriptionTarget, Tuning } from './subscriptions.js';

/**
 * Delivered ids are kept while their recording started no earlier than the cursor minus this;
 * older ones go when the cursor moves. The poller's look-back window must not be longer, or a
 * pruned recording could count as news.
 */
export const DELIVERED_RETENTION_MS = 7 * 86_400_000;

/** The key that makes two subscriptions of one channel the same: the number, or the person id. */
export function targetKey(target: SubscriptionTarget): string {
  return target.kind === 'phone' ? `phone:${target.phone}` : `person:${target.personId}`;
}

/** A recording's start in ms since the epoch; a TypeError when it is not a date. */
export function startMs(start: string): number {
  const ms = Date.parse(start);
  if (!Number.isFinite(ms)) throw new TypeError(`recording start ${JSON.stringify(start)} is not a date`);
  return ms;
}

/** The cursor of a subscription not polled yet. */
export function noCursor(): Cursor {
  return { newestStart: undefined, idsAtNewest: [] };
}

/** A new subscription as a record to store: no id yet (0), not polled yet. */
export function newRecord(sub: NewSubscription, now: Date): SubscriptionRecord {
  const subscription = { ...sub, id: 0, createdAt: now.toISOString(), paused: undefined };
  return { subscription, cursor: noCursor(), delivered: [] };
}

/** A stored subscription: a SQLite row (columns named as here), or a Redis hash's fields. */
export interface StoredSubscription {
  id: number | string;
  workspace?: string | null;
  team?: string | null;
  channel?: string;
  target?: string;
  createdBy?: string;
  createdAt?: string;
  pausedReason?: string | null;
  pausedAt?: string | null;
  /** JSON of its filters; absent (a row from before filters): none. */
  filters?: string | null;
  format?: string | null;
}

export function toSubscription(row: StoredSubscription): Subscription {
  return {
    id: Number(row.id),
    // Only when set: a single-workspace subscription reads as it always has.
    ...(row.workspace != null && row.workspace !== '' && { workspace: row.workspace }),
    team: row.team ?? undefined,
    channel: row.channel ?? '',
    target: readTarget(row.target),
    createdBy: row.createdBy ?? '',
    createdAt: row.createdAt ?? '',
    paused: row.pausedReason == null ? undefined : { reason: row.pausedReason, at: row.pausedAt ?? '' },
    ...(row.filters != null && row.filters !== '' && { filters: readJson(row.filters) }),
    ...(row.format === 'compact' && { format: 'compact' as const }),
  };
}

/** Filters and format as stored: JSON (nothing when there is no filter), and `compact` or nothing. */
export function storedTuning({ filters, format }: Tuning): { filters: string | null; format: string | null } {
  return {
    filters: filters && Object.keys(filters).length > 0 ? JSON.stringify(filters) : null,
    format: format === 'compact' ? format : null,
  };
}

/**
 * A stored target as written, or `{ kind: 'unreadable' }` when it is not JSON: one bad row must
 * not make every read of the store throw (the poller skips it, the list shows it unreadable).
 */
function readTarget(text: string | undefined): SubscriptionTarget {
  return readJson(text ?? 'null');
}

/** A stored JSON object as written (the poller checks its shape), or `{ kind: 'unreadable' }`. */
function readJson<T>(text: string): T {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object') return value as T;
  } catch {
    // fall through
  }
  return { kind: 'unreadable' } as unknown as T;
}
