/**
 * Posting news behind the polls: one chain per subscription (in order), so a channel's pace never
 * delays the next poll. Before each send: not paused, this process may still post, and the fence's
 * check; the first failure ends the batch (the rest stays news). A recording is marked delivered
 * only after Slack took it; a mark the store cannot take is held here and written once it answers.
 * A post is for every subscription of its channel it is news for (`fan-out.ts`): it goes on the
 * chain of the oldest, its intent and its marks are for each of them, and what is queued or held
 * is known per channel, so the next poll does not queue it again for another of them.
 */
import type { Recording } from '../domain/focus.js';
import type { Logger } from '../domain/logger.js';
import type { PostFence } from '../domain/post-fence.js';
import type { Subscription, SubscriptionStore } from '../state/subscriptions.js';
import type { Refusal } from './fan-out.js';
import { capPosts, type Post, type PostFor } from './news.js';
import type { PostResult, Publisher } from './publisher.js';

export interface DeliveryOptions {
  store: SubscriptionStore;
  publisher: Publisher;
  logger: Logger;
  intervalMs: number;
  fence?: PostFence;
  /** How often marks the store could not take are tried again (default 500 ms). */
  markRetryMs?: number;
  onPost?: (result: 'ok' | 'failed' | 'stopped', lagSeconds?: number) => void;
}

export class Delivery {
  private readonly chains = new Map<number, Promise<void>>();
  /** What the chains hold (channel -> recording ids), so a poll does not queue it again. */
  private readonly queued = new Map<string, Set<number>>();
  /** Paused subscriptions (id -> when): what is queued for them is dropped, until resumed. */
  private readonly halted = new Map<number, number>();
  /** Posts Slack took whose mark the store could not write yet, oldest first. */
  private readonly unsaved: Array<{ sub: Subscription; recording: Recording }> = [];
  private markTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;

  /** `mayPost`: whether this process may post now (the app's token, the lease), asked before each send. */
  constructor(private readonly options: DeliveryOptions & { now: () => Date; mayPost: () => boolean }) {}

  /** The channel's recordings queued here, or posted with their mark held back. */
  pending(channel: string): ReadonlySet<number> {
    const ids = new Set(this.queued.get(channel));
    for (const u of this.unsaved) if (u.sub.channel === channel) ids.add(u.recording.id);
    return ids;
  }

  /** Queues posts behind the earlier deliveries of `sub`, the subscription that leads them. */
  enqueue(sub: Subscription, posts: Post[]): void {
    // A halt is forgotten once the store shows the subscription active well after it (resumed).
    for (const s of new Set(posts.flatMap((p) => p.subscriptions))) {
      const halted = this.halted.get(s.id);
      if (halted !== undefined && halted < Date.now() - 2 * this.options.intervalMs) this.halted.delete(s.id);
    }
    const ids = posts.map((p) => p.recording.id);
    const queued = this.queued.get(sub.channel) ?? new Set<number>();
    for (const id of ids) queued.add(id);
    this.queued.set(sub.channel, queued);
    this.after(
      sub.id,
      'subscriptions.delivery_failed',
      () => this.deliver(sub, posts),
      () => {
        for (const id of ids) queued.delete(id);
        if (queued.size === 0 && this.queued.get(sub.channel) === queued) this.queued.delete(sub.channel);
      },
    );
  }

  /** The gate refused: pause, drop what is queued, and say why once (after what is under way). */
  async refused(sub: Subscription, { reason, tellChannel }: Refusal): Promise<void> {
    const told = tellChannel ? 'channel' : 'subscriber';
    await this.pause(sub, reason, { by: 'gate', told });
    this.after(sub.id, 'subscriptions.notice_failed', () =>
      this.options.publisher.stopped(sub, reason, told),
    );
  }

  /** What is queued for these subscriptions is dropped; a post under way is their last. */
  halt(ids: readonly number[]): void {
    const at = Date.now();
    for (const id of ids) this.halted.set(id, at);
  }

  /** Resolves when every chain has finished and the held marks were written, or could not be once more. */
  async settle(): Promise<void> {
    await Promise.all(this.chains.values());
    clearTimeout(this.markTimer);
    this.markTimer = undefined;
    await this.saveDeferredMarks().catch(() => undefined);
  }

  /** Writes the held marks in order; throws while the store cannot. One run at a time (poll, retry). */
  saveDeferredMarks(): Promise<void> {
    this.saving ??= (async () => {
      while (this.unsaved.length > 0) {
        const next = this.unsaved[0] as { sub: Subscription; recording: Recording };
        await this.options.store.markDelivered(next.sub.id, next.recording, this.options.now());
        this.unsaved.shift();
      }
    })().finally(() => {
      this.saving = undefined;
    });
    return this.saving;
  }

  /** Runs `work` after the subscription's chain (a failure logged as `failure`); then `done`. */
  private after(id: number, failure: string, work: () => Promise<void>, done?: () => void): void {
    const chain: Promise<void> = (this.chains.get(id) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) => this.options.logger.error(failure, { subscription: id, error }))
      .finally(() => {
        done?.();
        if (this.chains.get(id) === chain) this.chains.delete(id);
      });
    this.chains.set(id, chain);
  }

  /** Posts in order (the newest one by one, the older rest in a summary); stops at the first failure. */
  private async deliver(sub: Subscription, posts: Post[]): Promise<void> {
    const { publisher, logger, onPost, fence } = this.options;
    const { post, summarised } = capPosts(posts);
    const batches = post.map((p) => [p]);
    if (summarised.length > 0) batches.push(summarised);
    for (const batch of batches) {
      // Paused meanwhile, the app's token gone, or the lease another replica's: the rest is left.
      if (this.halted.has(sub.id) || !this.options.mayPost()) return;
      // The others it is for, less those paused meanwhile (left out of the post and its marks).
      const others = new Map<number, Subscription>();
      for (const p of batch)
        for (const s of p.subscriptions) if (s.id !== sub.id && !this.halted.has(s.id)) others.set(s.id, s);
      const subs: PostFor = [sub, ...others.values()];
      const ids = batch.map((p) => p.recording.id);
      const also = [...others.keys()];
      const check = fence && (() => fence.enter(sub.id, ids, also));
      const first = batch[0] as Post;
      const summary = batch === summarised;
      const result = await (summary
        ? publisher.summary(subs, batch.length, check)
        : publisher.recording({ ...first, subscriptions: subs }, check));
      if (!result.ok) return this.failed(subs, ids, result);
      for (const p of batch)
        for (const s of subs) if (p.subscriptions.some((x) => x.id === s.id)) await this.mark(s, p.recording);
      // The audit line: who authorised the post (the subscribers, gated this poll), where, and what
      // (a summary shows only a count, so it names no recording).
      logger.info('audit', {
        surface: 'subscription',
        kind: 'subscription_post',
        audience: 'channel',
        authorisedBy: sub.createdBy,
        channel: sub.channel,
        team: sub.team,
        subscription: sub.id,
        ...(others.size > 0 && {
          alsoFor: [...others.values()].map((s) => ({ subscription: s.id, authorisedBy: s.createdBy })),
        }),
        recordingIds: summary ? [] : ids,
      });
      if (summary) logger.info('subscriptions.summarised', { subscription: sub.id, more: batch.length });
      else onPost?.('ok', (this.options.now().getTime() - Date.parse(first.recording.start)) / 1000);
    }
  }

  /**
   * Records a post Slack took. A store that cannot be written just now (Redis down): the mark is
   * kept, counted as posted, and written as soon as the store answers, lease or no lease (it is a
   * fact); meanwhile its intent keeps other replicas from posting it (`domain/post-fence.ts`).
   */
  private async mark(sub: Subscription, recording: Recording): Promise<void> {
    if (this.unsaved.length === 0) {
      try {
        await this.options.store.markDelivered(sub.id, recording, this.options.now());
        return;
      } catch (error) {
        this.options.logger.warn('subscriptions.mark_deferred', { subscription: sub.id, error });
      }
    }
    // Held back (or behind others held back): written in order by the retry.
    this.unsaved.push({ sub, recording });
    this.retryMarks();
  }

  /** Tries the held marks again every `markRetryMs` (lease or no lease) until the store takes them. */
  private retryMarks(): void {
    const { logger, markRetryMs = 500 } = this.options;
    if (this.markTimer || this.unsaved.length === 0) return;
    this.markTimer = setTimeout(async () => {
      const failed = await this.saveDeferredMarks().catch(() => true);
      if (!failed) logger.info('subscriptions.marks_saved', {});
      this.markTimer = undefined;
      this.retryMarks();
    }, markRetryMs);
    this.markTimer.unref();
  }

  private async failed(subs: PostFor, ids: number[], result: Exclude<PostResult, { ok: true }>) {
    const { publisher, logger, fence, onPost } = this.options;
    const [sub, ...others] = subs;
    if ('fenced' in result) {
      // The lease is not (surely) this replica's: the rest is left to whoever holds it.
      logger.info('subscriptions.post_fenced', { subscription: sub.id, recording: ids[0] });
      return;
    }
    // Not posted, or not surely: withdraw the intent, so another replica need not wait for it.
    const also = others.map((s) => s.id);
    if (fence && !('unsure' in result && result.unsure))
      await fence.leave(sub.id, ids, also).catch(() => undefined);
    if ('stop' in result) {
      // The channel takes no more posts: each subscription the post was for stops, and says so.
      onPost?.('stopped');
      for (const s of subs) {
        await this.pause(s, result.stop);
        await publisher.stopped(s, result.stop);
      }
      return;
    }
    onPost?.('failed');
    logger.error('subscriptions.post_failed', {
      subscription: sub.id,
      channel: sub.channel,
      error: result.error,
      ...(result.unsure && {
        unsure: true,
        effect: 'no answer: Slack may have posted it; tried again next poll',
      }),
    });
  }

  /** Pauses the subscription in the store; what is queued for it is dropped. */
  private async pause(sub: Subscription, reason: string, how?: { by: 'gate'; told: string }): Promise<void> {
    const { store, logger, now } = this.options;
    this.halt([sub.id]);
    await store.pause(sub.id, reason, now());
    logger.warn('subscriptions.paused', { subscription: sub.id, channel: sub.channel, reason, ...how });
  }
}
