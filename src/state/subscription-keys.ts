/** What every backend reads the same way: which target a subscription follows, and when a recording started. */
import type { SubscriptionTarget } from './subscriptions.js';

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
