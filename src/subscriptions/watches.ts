/**
 * What a poll works on: each active subscription with the cursor it can trust and the phone
 * endpoints it follows. A stored row that cannot be polled is skipped (reported once); a cursor
 * ahead of the clock is read as now; a target whose endpoints cannot be resolved waits for the
 * next poll. None of these stops another subscription; a store that does not answer fails the poll.
 */
import type { Logger } from '../domain/logger.js';
import type { Cursor, Subscription, SubscriptionStore } from '../state/subscriptions.js';
import { type BadRecords, latestTrusted, unusableSubscription } from './bad-records.js';
import type { CallCounter, EndpointResolver } from './endpoints.js';
import type { Watch } from './news.js';

export interface WatchSources {
  store: SubscriptionStore;
  resolver: EndpointResolver;
  bad: BadRecords;
  logger: Logger;
  now: () => Date;
}

/** The active subscriptions as watches; endpoint searches are counted on `counter`. */
export async function activeWatches(sources: WatchSources, counter: CallCounter): Promise<Watch[]> {
  const { store, resolver, bad, logger } = sources;
  const nowMs = sources.now().getTime();
  const unresolved: Array<{ subscription: number; error: unknown }> = [];
  const watches = await Promise.all(
    (await store.active()).map(async (subscription): Promise<Watch | undefined> => {
      const problem = unusableSubscription(subscription, nowMs);
      if (problem) {
        bad.report('subscription_invalid', String(subscription.id), {
          subscription: subscription.id,
          channel: subscription.channel,
          problem,
        });
        return undefined;
      }
      const [cursor, resolved] = await Promise.all([
        store.cursor(subscription.id),
        resolver.resolve(subscription.target, counter).catch((error: unknown) => {
          unresolved.push({ subscription: subscription.id, error });
          return undefined;
        }),
      ]);
      if (!resolved) return undefined;
      return {
        subscription,
        cursor: trustedCursor(bad, subscription, cursor, nowMs),
        numbers: resolved.numbers,
        endpointIds: resolved.endpointIds,
      };
    }),
  );
  const first = unresolved[0];
  if (first)
    logger.warn('subscriptions.endpoints_failed', {
      subscriptions: unresolved.length,
      effect: 'these wait for the next poll',
      error: first.error,
    });
  return watches.filter((w): w is Watch => w !== undefined);
}

/** The cursor as stored, unless it is ahead of the clock or not a date (older data): then now. */
function trustedCursor(bad: BadRecords, sub: Subscription, cursor: Cursor, nowMs: number): Cursor {
  if (cursor.newestStart === undefined) return cursor;
  const at = Date.parse(cursor.newestStart);
  if (Number.isFinite(at) && at <= latestTrusted(nowMs)) return cursor;
  bad.report('cursor_in_future', String(sub.id), {
    subscription: sub.id,
    channel: sub.channel,
    cursor: cursor.newestStart,
  });
  return { newestStart: new Date(nowMs).toISOString(), idsAtNewest: [] };
}
