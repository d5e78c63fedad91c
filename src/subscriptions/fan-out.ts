/**
 * One poll's answers shared out to the subscriptions they match: each (channel, subscriber) passes
 * the gate once per poll, and what is news for a subscription is its candidates (`news.ts`) less
 * what is queued or held here, marked in the store, or being posted by another replica.
 */
import type { Recording } from '../domain/focus.js';
import type { Logger } from '../domain/logger.js';
import type { PostFence } from '../domain/post-fence.js';
import type { Gate, GateResult } from '../domain/subscription.js';
import type { Subscription, SubscriptionStore } from '../state/subscriptions.js';
import { byNumber, candidates, type Watch } from './news.js';

export interface FanOutOptions {
  store: SubscriptionStore;
  logger: Logger;
  /**
   * Whether a subscription may still post (policy, Slack Connect, subscriber still allowed), asked
   * once per channel and subscriber in each poll: a refusal pauses it and says why once; a gate that
   * throws skips their posts for this poll only. Absent: every active subscription may post.
   */
  gate?: Gate;
  /** The check before each send, and other replicas' intents (several replicas); absent: one process. */
  fence?: PostFence;
}

export type Refusal = Extract<GateResult, { ok: false }>;

/** A watch's share of a poll: its news, or the gate's refusal. */
export type Share = { watch: Watch; news: Recording[] } | { watch: Watch; refused: Refusal };

export class FanOut {
  /** Another replica's intents on recordings (`sub:recording` -> when first seen here). */
  private readonly othersIntents = new Map<string, number>();

  constructor(private readonly options: FanOutOptions & { lookbackMs: number }) {}

  /**
   * Each watch's share of these recordings (none when it has no news, or its gate threw);
   * `pending`: what this process already queued, or posted with its mark held back.
   */
  async share(
    watches: readonly Watch[],
    recordings: ReadonlyMap<number, Recording>,
    pending: (subscription: number) => ReadonlySet<number>,
  ): Promise<Share[]> {
    const { gate, logger, lookbackMs } = this.options;
    const asked = new Map<string, Promise<GateResult | undefined>>();
    const recordingsOf = byNumber(recordings.values());
    const shares = await Promise.all(
      watches.map(async (watch): Promise<Share[]> => {
        const sub = watch.subscription;
        const key = `${sub.channel}\u0000${sub.createdBy}`;
        if (gate && !asked.has(key))
          asked.set(
            key,
            gate(sub).catch((error: unknown) => {
              logger.warn('subscriptions.gate_failed', {
                channel: sub.channel,
                subscriber: sub.createdBy,
                effect: 'posts skipped this poll',
                error,
              });
              return undefined;
            }),
          );
        const verdict = gate ? await asked.get(key) : { ok: true as const };
        if (!verdict) return [];
        if (!verdict.ok) return [{ watch, refused: verdict }];
        const mine = pending(sub.id);
        const fresh = candidates(watch, recordingsOf(watch.numbers), lookbackMs).filter(
          (r) => !mine.has(r.id),
        );
        const news = await this.undelivered(sub, fresh);
        return news.length > 0 ? [{ watch, news }] : [];
      }),
    );
    return shares.flat();
  }

  /**
   * What is still news: not marked posted in the store, and not being posted by another replica
   * (its intent, for `graceMs` from when first seen here).
   */
  private async undelivered(sub: Subscription, list: Recording[]): Promise<Recording[]> {
    const { store, fence, logger } = this.options;
    const seen = await Promise.all(list.map((r) => store.delivered(sub.id, r.id)));
    const news = list.filter((_, i) => !seen[i]);
    if (!fence || news.length === 0) return news;
    const others = await fence.othersSending(
      sub.id,
      news.map((r) => r.id),
    );
    const now = Date.now();
    return news.filter((r) => {
      const key = `${sub.id}:${r.id}`;
      if (!others.has(r.id)) {
        this.othersIntents.delete(key);
        return true;
      }
      const first = this.othersIntents.get(key) ?? now;
      this.othersIntents.set(key, first);
      if (now - first < fence.graceMs) return false;
      this.othersIntents.delete(key);
      logger.warn('subscriptions.intent_abandoned', {
        subscription: sub.id,
        recording: r.id,
        effect: 'another replica began this post and never marked it: posted again',
      });
      return true;
    });
  }
}
