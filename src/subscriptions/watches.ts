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
  const unresolved: unknown[] = [];
  const watches = await Promise.all(
    (await store.active()).map(async (subscription): Promise<Watch[]> => {
      const problem = unusableSubscription(subscription, nowMs);
      if (problem) {
        bad.report('subscription_invalid', String(subscription.id), {
          subscription: subscription.id,
          channel: subscription.channel,
          problem,
        });
        return [];
      }
      const [cursor, resolved] = await Promise.all([
        store.cursor(subscription.id),
        resolver.resolve(subscription.target, counter).catch((error: unknown) => {
          unresolved.push(error);
          return undefined;
        }),
      ]);
      if (!resolved) return [];
      const { numbers, endpointIds } = resolved;
      return [
        { subscription, cursor: trustedCursor(bad, subscription, cursor, nowMs), numbers, endpointIds },
      ];
    }),
  );
  if (unresolved.length > 0)
    logger.warn('subscriptions.endpoints_failed', {
      subscriptions: unresolved.length,
      effect: 'these wait for the next poll',
      error: unresolved[0],
    });
  return watches.flat();
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
