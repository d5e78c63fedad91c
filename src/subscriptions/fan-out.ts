/**
 * One poll's answers shared out to the subscriptions they match: each (channel, subscriber) passes
 * the gate once per poll, and each recording is posted at most once in a channel, however many of
 * the channel's subscriptions it is news for.
 *
 * One post per recording per channel, exactly once:
 * - What is news is gathered per (channel, recording) (`news.ts` `channelNews`): the subscriptions
 *   that may post this poll (active, their gate passed) it is news for (candidates: matching,
 *   filters passed, in the horizon); the oldest of them leads. Filters that differ do not matter:
 *   a recording any of them lets through is posted, naming each it is news for, and the full card
 *   is used unless every one of them is `compact`.
 * - It is not news in the channel when it is queued or held here for the channel, or when any
 *   subscription of the channel following it (whatever its gate or filters) has it marked: then
 *   it was posted there, and the subscriptions it is news for that lack the mark are marked now,
 *   without a post (a process that died between the marks of one post, or a subscription whose
 *   gate failed the poll it was posted in). Another replica's intent on it for any of them holds
 *   it back for the grace (`domain/post-fence.ts`).
 * - The post goes on the lead's delivery chain (`delivery.ts`); the fence records its intent for
 *   each subscription it is for, and once Slack took it, it is marked for each.
 */
import type { Recording } from '../domain/focus.js';
import type { Logger } from '../domain/logger.js';
import type { PostFence } from '../domain/post-fence.js';
import type { Gate, GateResult } from '../domain/subscription.js';
import type { SubscriptionStore } from '../state/subscriptions.js';
import { type ChannelNews, channelNews, type Post, postOf, type Watch } from './news.js';

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
  now?: () => Date;
}

export type Refusal = Extract<GateResult, { ok: false }>;

/** A watch's share of a poll: the posts it leads, or the gate's refusal. */
export type Share = { watch: Watch; posts: Post[] } | { watch: Watch; refused: Refusal };

export class FanOut {
  /** Another replica's intents on recordings (`channel:recording` -> when first seen here). */
  private readonly othersIntents = new Map<string, number>();

  constructor(private readonly options: FanOutOptions & { lookbackMs: number }) {}

  /**
   * Each watch's share of these recordings (none when it leads no post, or its gate threw);
   * `pending`: what this process already queued for a channel, or posted with its mark held back.
   */
  async share(
    watches: readonly Watch[],
    recordings: ReadonlyMap<number, Recording>,
    pending: (channel: string) => ReadonlySet<number>,
  ): Promise<Share[]> {
    const verdicts = await this.gateAll(watches);
    const refused: Share[] = [];
    for (const [watch, verdict] of verdicts)
      if (verdict && !verdict.ok) refused.push({ watch, refused: verdict });
    const news = channelNews(
      watches,
      (w) => verdicts.get(w)?.ok === true,
      recordings.values(),
      this.options.lookbackMs,
      pending,
    );
    const led = new Map<Watch, Post[]>();
    for (const item of await this.stillNews(news)) {
      const lead = item.posting[0] as Watch;
      const posts = led.get(lead);
      if (posts) posts.push(postOf(item));
      else led.set(lead, [postOf(item)]);
    }
    return [...refused, ...[...led].map(([watch, posts]) => ({ watch, posts }))];
  }

  /** The gate's answer for each watch, asked once per channel and subscriber; undefined: it threw. */
  private async gateAll(watches: readonly Watch[]): Promise<Map<Watch, GateResult | undefined>> {
    const { gate, logger } = this.options;
    const asked = new Map<string, Promise<GateResult | undefined>>();
    const answers = await Promise.all(
      watches.map((watch) => {
        const sub = watch.subscription;
        if (!gate) return { ok: true as const };
        const key = `${sub.channel}\u0000${sub.createdBy}`;
        if (!asked.has(key))
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
        return asked.get(key);
      }),
    );
    return new Map(watches.map((w, i) => [w, answers[i]]));
  }

  /**
   * What is still news: marked for none of the channel's subscriptions following it (those it is
   * news for are marked when another has it), and not being posted by another replica (its
   * intent, for `graceMs` from when first seen here).
   */
  private async stillNews(news: ChannelNews[]): Promise<ChannelNews[]> {
    const { store, fence } = this.options;
    const marks = await Promise.all(
      news.map((n) =>
        Promise.all(n.following.map((w) => store.delivered(w.subscription.id, n.recording.id))),
      ),
    );
    const fresh: ChannelNews[] = [];
    const settled: Array<Promise<void>> = [];
    news.forEach((n, i) => {
      const marked = marks[i] as boolean[];
      if (!marked.some(Boolean)) fresh.push(n);
      else settled.push(this.settle(n, new Set(n.following.filter((_, j) => marked[j]))));
    });
    await Promise.all(settled);
    if (!fence || fresh.length === 0) return fresh;
    const others = await this.othersSending(fence, fresh);
    const now = Date.now();
    return fresh.filter((n) => {
      const key = `${n.channel}:${n.recording.id}`;
      const held = n.following.find((w) => others.get(w.subscription.id)?.has(n.recording.id));
      if (!held) {
        this.othersIntents.delete(key);
        return true;
      }
      const first = this.othersIntents.get(key) ?? now;
      this.othersIntents.set(key, first);
      if (now - first < fence.graceMs) return false;
      this.othersIntents.delete(key);
      this.options.logger.warn('subscriptions.intent_abandoned', {
        subscription: held.subscription.id,
        recording: n.recording.id,
        effect: 'another replica began this post and never marked it: posted again',
      });
      return true;
    });
  }

  /** Of these posts' recordings, those another replica is posting, by subscription following them. */
  private async othersSending(fence: PostFence, news: ChannelNews[]): Promise<Map<number, Set<number>>> {
    const asked = new Map<number, number[]>();
    for (const n of news)
      for (const w of n.following) {
        const ids = asked.get(w.subscription.id);
        if (ids) ids.push(n.recording.id);
        else asked.set(w.subscription.id, [n.recording.id]);
      }
    const answers = await Promise.all([...asked].map(([sub, ids]) => fence.othersSending(sub, ids)));
    return new Map([...asked.keys()].map((sub, i) => [sub, answers[i] as Set<number>]));
  }

  /**
   * Posted in the channel already (marked for another of its subscriptions): marked for those it
   * is news for that lack the mark, with no post. A mark the store cannot take now is tried again
   * next poll (it is still news for them, and still marked for the other).
   */
  private async settle(news: ChannelNews, marked: ReadonlySet<Watch>): Promise<void> {
    const { store, logger, now = () => new Date() } = this.options;
    const unmarked = news.posting.filter((w) => !marked.has(w));
    if (unmarked.length === 0) return;
    try {
      for (const w of unmarked) await store.markDelivered(w.subscription.id, news.recording, now());
      logger.info('subscriptions.settled', {
        channel: news.channel,
        recording: news.recording.id,
        subscriptions: unmarked.map((w) => w.subscription.id),
        effect: 'already posted in the channel for another subscription: marked, not posted again',
      });
    } catch (error) {
      logger.warn('subscriptions.settle_failed', {
        channel: news.channel,
        recording: news.recording.id,
        error,
      });
    }
  }
}
