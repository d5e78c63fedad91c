/** The subscriptions table's rows and how they read as `Subscription`s (SqliteState, its archive). */
import type { Subscription, SubscriptionTarget } from './subscriptions.js';

export interface SubscriptionRow {
  id: number;
  team: string | null;
  channel: string;
  target: string;
  created_by: string;
  created_at: string;
  paused_reason: string | null;
  paused_at: string | null;
}

export interface CursorRow {
  newest_start: string | null;
  newest_ms: number | null;
  ids_at_newest: string;
}

export const SUBSCRIPTION_COLUMNS =
  'id, team, channel, target, created_by, created_at, paused_reason, paused_at';

export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    team: row.team ?? undefined,
    channel: row.channel,
    target: readTarget(row.target),
    createdBy: row.created_by,
    createdAt: row.created_at,
    paused: row.paused_reason === null ? undefined : { reason: row.paused_reason, at: row.paused_at ?? '' },
  };
}

/**
 * A stored target as written, or `{ kind: 'unreadable' }` when it is not JSON: one bad row must
 * not make every read of the table throw (the poller skips it, the list shows it unreadable).
 */
export function readTarget(text: string | undefined): SubscriptionTarget {
  try {
    const target: unknown = JSON.parse(text ?? 'null');
    if (target && typeof target === 'object') return target as SubscriptionTarget;
  } catch {
    // fall through
  }
  return { kind: 'unreadable' } as unknown as SubscriptionTarget;
}
