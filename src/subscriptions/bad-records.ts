/**
 * Records the poller cannot use: a recording Focus sent without a usable start, one that starts
 * in the future, a stored subscription whose fields are not what this app writes, a cursor ahead
 * of the clock. Each is skipped (or, for a cursor, read as now) so it never stops another
 * subscription, and is logged and counted once per record per process, not at every poll.
 */
import { filtersProblem } from '../domain/filters.js';
import type { Logger } from '../domain/logger.js';
import type { BadRecordKind } from '../domain/subscription.js';
import { CLOCK_SKEW_MS } from '../domain/subscription-limits.js';
import type { Subscription } from '../state/subscriptions.js';

/** Keys remembered at most; past this, the oldest are forgotten (and may be logged again). */
const REMEMBERED = 10_000;

export class BadRecords {
  private readonly seen = new Set<string>();

  constructor(
    private readonly logger: Logger,
    private readonly onBad: (kind: BadRecordKind) => void = () => {},
  ) {}

  /** Logs and counts this record unless it was already this process; returns whether it was new. */
  report(kind: BadRecordKind, key: string, fields: Record<string, unknown>): boolean {
    const id = `${kind}\u0000${key}`;
    if (this.seen.has(id)) return false;
    if (this.seen.size >= REMEMBERED) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.seen.add(id);
    this.onBad(kind);
    this.logger.warn('subscriptions.bad_record', { kind, ...fields, effect: EFFECT[kind] });
    return true;
  }
}

const EFFECT: Record<BadRecordKind, string> = {
  recording_invalid: 'skipped',
  recording_in_future: 'skipped until its start is no longer in the future',
  subscription_invalid: 'not polled; the other subscriptions are',
  cursor_in_future: 'read as now',
};

/** Latest trusted instant: now plus the allowed clock skew. */
export function latestTrusted(nowMs: number): number {
  return nowMs + CLOCK_SKEW_MS;
}

/** Why a stored subscription cannot be polled, or undefined when it can. */
export function unusableSubscription(sub: Subscription, nowMs: number): string | undefined {
  if (!Number.isSafeInteger(sub.id) || sub.id <= 0) return 'id is not a positive integer';
  if (typeof sub.channel !== 'string' || sub.channel === '') return 'channel is missing';
  const created = typeof sub.createdAt === 'string' ? Date.parse(sub.createdAt) : Number.NaN;
  if (!Number.isFinite(created)) return 'createdAt is not a date';
  if (created > latestTrusted(nowMs)) return 'createdAt is in the future';
  const target = sub.target as Partial<Record<string, unknown>> | null | undefined;
  if (!target || typeof target !== 'object') return 'target is unreadable';
  if (target.kind === 'phone') {
    if (typeof target.phone !== 'string' || !/^\d{1,20}$/.test(target.phone))
      return 'target phone is not digits';
  } else if (target.kind === 'person') {
    if (!Number.isSafeInteger(target.personId) || (target.personId as number) <= 0)
      return 'target personId is not a positive integer';
  } else return 'target is neither a phone nor a person';
  return filtersProblem(sub.filters);
}
