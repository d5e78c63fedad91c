/**
 * The subscriptions poller: one per process (per deployment, once replicas share a lease).
 * Each poll gathers the endpoint ids of every active subscription, asks `recording.search`
 * for recent recordings on them in as few calls as the page size allows, fans the answers out
 * to the subscriptions they match, and hands what is news to the publisher. A recording is
 * marked delivered only after Slack took its post, so nothing is lost across a restart; a
 * Focus outage skips the poll, and the backlog comes with the next one (capped per subscription).
 * With several replicas, each post is checked against the poller lease right before it is sent,
 * and leaves an intent that another replica respects (`fence.ts`).
 */
import type { EndpointRef, Recording } from '../domain/focus.js';
import type { Logger } from '../domain/logger.js';
import type { PostFence } from '../domain/post-fence.js';
import type { Gate, GateResult } from '../domain/subscription.js';
import type { FocusClient } from '../focus/client.js';
import type { Subscription, SubscriptionStore } from '../state/subscriptions.js';
import { type BadRecordKind, BadRecords, latestTrusted, unusableSubscription } from './bad-records.js';
import { type CallCounter, EndpointResolver } from './endpoints.js';
import { byNumber, candidates, capPosts, horizonMs, type Watch } from './news.js';
import type { Publisher, SendCheck } from './publisher.js';

export type { Gate, GateResult } from '../domain/subscription.js';

export interface PollerOptions {
  store: SubscriptionStore;
  client: FocusClient;
  /** Phone endpoints of a number (Focus form) and of a person, as Focus lists them. */
  endpoints: {
    ofNumber(phone: string): Promise<EndpointRef[]>;
    ofPerson(personId: number): Promise<EndpointRef[]>;
  };
  /**
   * Resolves and keeps each target's endpoints (shared with `/focus subscribe`); default: one of
   * its own over `endpoints`, keeping each resolution five minutes or a poll interval if longer.
   */
  resolver?: EndpointResolver;
  publisher: Publisher;
  logger: Logger;
  intervalMs: number;
  /** A bad record (recording or stored row) seen for the first time by this process. */
  onBadRecord?: (kind: BadRecordKind) => void;
  /** How long after its start a recording may still appear in Focus and be posted (default 6 h). */
  lookbackMs?: number;
  /** Endpoint ids per `recording.search` (default 100). */
  idsPerSearch?: number;
  pageSize?: number;
  /** Pages read per search at most in one poll (a tenant that neither sorts nor filters). */
  maxPages?: number;
  /**
   * Every this many polls, the whole look-back window is read again (default 10): a recording
   * that appears late (a long call, uploaded when it ends) sorts below ones already seen, and the
   * polls in between stop at the first page with nothing unseen.
   */
  sweepEveryPolls?: number;
  /**
   * Whether this replica may poll and post now (it holds the poller lease, by its own clock).
   * Checked before each poll and each post; absent: always (one replica).
   */
  holdsLease?: () => boolean;
  /**
   * The check right before each send, and the intents of other replicas (several replicas on
   * Redis). Absent: one process, every post may go.
   */
  fence?: PostFence;
  /** How often marks the store could not take are tried again (default 500 ms). */
  markRetryMs?: number;
  /**
   * Whether a subscription may still post (policy, Slack Connect, subscriber still allowed):
   * asked once per channel and subscriber in each poll, before anything of theirs is queued. A
   * refusal pauses the subscription and says why once; a gate that throws skips their posts for
   * this poll only. Absent: every active subscription may post.
   */
  gate?: Gate;
  now?: () => Date;
  onPoll?: (poll: PollReport) => void;
  onPost?: (result: 'ok' | 'failed' | 'stopped', lagSeconds?: number) => void;
}

export interface PollReport {
  ok: boolean;
  subscriptions: number;
  endpoints: number;
  focusCalls: number;
  /** Recordings handed to delivery by this poll. */
  queued: number;
  durationMs: number;
}

export class SubscriptionPoller {
  private timer: NodeJS.Timeout | undefined;
  /** Recordings already read in the look-back window (id -> start ms), so a poll can stop early. */
  private readonly seen = new Map<number, number>();
  private polls = 0;
  /**
   * Deliveries run behind the polls, one chain per subscription (in order), so a channel's
   * pace never delays the next poll; what is queued is not queued again.
   */
  private readonly chains = new Map<number, Promise<void>>();
  private readonly queued = new Map<number, Set<number>>();
  /**
   * Subscriptions paused by a delivery (id -> when): batches already queued for them are dropped.
   * Forgotten once the store shows the subscription active again well after (it was resumed).
   */
  private readonly halted = new Map<number, number>();
  /**
   * Posts Slack took whose mark the store could not write yet: written as soon as it answers
   * (every `markRetryMs`, lease or no lease), and counted as posted meanwhile.
   */
  private readonly unsaved: Array<{ sub: Subscription; recording: Recording }> = [];
  private markTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  /** Another replica's intents on recordings (`sub:recording` -> when first seen here). */
  private readonly othersIntents = new Map<string, number>();
  private running: Promise<PollReport> | undefined;
  private stopped = true;
  /** Slack took the app's token away: nothing is polled or posted again by this process. */
  private suspended = false;
  private readonly now: () => Date;
  private readonly resolver: EndpointResolver;
  private readonly bad: BadRecords;

  constructor(private readonly options: PollerOptions) {
    this.now = options.now ?? (() => new Date());
    this.resolver =
      options.resolver ??
      new EndpointResolver({
        sources: options.endpoints,
        ttlMs: Math.max(5 * 60_000, options.intervalMs),
        logger: options.logger,
      });
    this.bad = new BadRecords(options.logger, options.onBadRecord);
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /**
   * No new poll starts; resolves when the one under way (its posts included) has finished and
   * the marks held back were written, or could not be once more.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    await Promise.all(this.chains.values());
    clearTimeout(this.markTimer);
    this.markTimer = undefined;
    await this.saveDeferredMarks().catch(() => undefined);
  }

  /**
   * These subscriptions were paused elsewhere (a channel archived, the app removed): what is
   * queued for them is dropped, and a post under way is their last.
   */
  halt(ids: readonly number[]): void {
    const at = Date.now();
    for (const id of ids) this.halted.set(id, at);
  }

  /**
   * Slack will not take this app's token any more (uninstalled, revoked): no poll starts again
   * and nothing queued is posted. The subscriptions stay in the store. Lasts for the process.
   */
  suspend(): void {
    this.suspended = true;
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One poll now (tests, and the timer). Never throws. */
  poll(): Promise<PollReport> {
    this.running ??= this.pollOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      // Polls start every intervalMs (or right after a poll that took longer).
      void this.poll().finally(() =>
        this.schedule(Math.max(0, this.options.intervalMs - (Date.now() - started))),
      );
    }, delayMs);
    this.timer.unref();
  }

  private async pollOnce(): Promise<PollReport> {
    if (this.suspended || (this.options.holdsLease && !this.options.holdsLease())) {
      return { ok: true, subscriptions: 0, endpoints: 0, focusCalls: 0, queued: 0, durationMs: 0 };
    }
    const started = performance.now();
    const report: PollReport = {
      ok: true,
      subscriptions: 0,
      endpoints: 0,
      focusCalls: 0,
      queued: 0,
      durationMs: 0,
    };
    const { logger } = this.options;
    try {
      await this.saveDeferredMarks();
      const watches = await this.watches(report);
      report.subscriptions = watches.length;
      const recordings = await this.search(watches, report);
      report.queued = await this.publish(watches, recordings);
    } catch (error) {
      // Focus (or the store) failed: nothing moved, so the next poll picks up from the same place.
      report.ok = false;
      logger.warn('subscriptions.poll_failed', { error });
    }
    report.durationMs = performance.now() - started;
    this.options.onPoll?.(report);
    if (report.ok && report.subscriptions > 0)
      logger.debug('subscriptions.polled', { ...report, durationMs: Math.round(report.durationMs) });
    return report;
  }

  /**
   * Each active subscription with its cursor and the phone endpoints it follows. A stored row
   * that cannot be polled is skipped (logged and counted once); a cursor ahead of the clock is
   * read as now; a target whose endpoints cannot be resolved waits for the next poll. None of
   * these stops another subscription. A store that does not answer fails the poll.
   */
  private async watches(counter: CallCounter): Promise<Watch[]> {
    const { store } = this.options;
    const subs = await store.active();
    const nowMs = this.now().getTime();
    const unresolved: Array<{ subscription: number; error: unknown }> = [];
    const watches = await Promise.all(
      subs.map(async (subscription): Promise<Watch | undefined> => {
        const problem = unusableSubscription(subscription, nowMs);
        if (problem) {
          this.bad.report('subscription_invalid', String(subscription.id), {
            subscription: subscription.id,
            channel: subscription.channel,
            problem,
          });
          return undefined;
        }
        const [cursor, resolved] = await Promise.all([
          store.cursor(subscription.id),
          this.resolver.resolve(subscription.target, counter).catch((error: unknown) => {
            unresolved.push({ subscription: subscription.id, error });
            return undefined;
          }),
        ]);
        if (!resolved) return undefined;
        return {
          subscription,
          cursor: this.trustedCursor(subscription, cursor, nowMs),
          numbers: resolved.numbers,
          endpointIds: resolved.endpointIds,
        };
      }),
    );
    const first = unresolved[0];
    if (first)
      this.options.logger.warn('subscriptions.endpoints_failed', {
        subscriptions: unresolved.length,
        effect: 'these wait for the next poll',
        error: first.error,
      });
    return watches.filter((w): w is Watch => w !== undefined);
  }

  /** The cursor as stored, unless it is ahead of the clock or not a date (older data): then now. */
  private trustedCursor(sub: Subscription, cursor: Watch['cursor'], nowMs: number): Watch['cursor'] {
    if (cursor.newestStart === undefined) return cursor;
    const at = Date.parse(cursor.newestStart);
    if (Number.isFinite(at) && at <= latestTrusted(nowMs)) return cursor;
    this.bad.report('cursor_in_future', String(sub.id), {
      subscription: sub.id,
      channel: sub.channel,
      cursor: cursor.newestStart,
    });
    return { newestStart: new Date(nowMs).toISOString(), idsAtNewest: [] };
  }

  /** Recent recordings on every followed endpoint, by id: ceil(endpoints / ids per search) searches plus their extra pages. */
  private async search(watches: readonly Watch[], report: PollReport): Promise<Map<number, Recording>> {
    const lookback = this.options.lookbackMs ?? 6 * 3_600_000;
    const ids = [...new Set(watches.flatMap((w) => w.endpointIds))].sort((a, b) => a - b);
    report.endpoints = ids.length;
    const found = new Map<number, Recording>();
    if (ids.length === 0) return found;
    let from = Number.POSITIVE_INFINITY;
    for (const w of watches) if (w.endpointIds.length > 0) from = Math.min(from, horizonMs(w, lookback));
    if (!Number.isFinite(from)) return found;
    const sweep = this.polls++ % (this.options.sweepEveryPolls ?? 10) === 0;
    const chunk = this.options.idsPerSearch ?? 100;
    const pageSize = this.options.pageSize ?? 100;
    const maxPages = this.options.maxPages ?? 20;
    const chunks: number[][] = [];
    for (let i = 0; i < ids.length; i += chunk) chunks.push(ids.slice(i, i + chunk));
    await Promise.all(
      chunks.map(async (endpointIds) => {
        for (let page = 1; page <= maxPages; page++) {
          report.focusCalls++;
          const result = await this.options.client.scanRecordings({
            endpointIds,
            from: new Date(from).toISOString(),
            page,
            pageSize,
          });
          for (const bad of result.rejected)
            this.bad.report('recording_invalid', String(bad.id ?? bad.problem), {
              recording: bad.id,
              problem: bad.problem,
            });
          const latest = latestTrusted(this.now().getTime());
          let unseen = 0;
          let oldest = Number.POSITIVE_INFINITY;
          let newestFirst = true;
          let previous = Number.POSITIVE_INFINITY;
          for (const r of result.items) {
            const t = Date.parse(r.start);
            if (t > latest) {
              // Not trusted yet: it cannot move a cursor into the future. Posted once it is due.
              this.bad.report('recording_in_future', String(r.id), { recording: r.id, start: r.start });
              continue;
            }
            if (t > from) {
              found.set(r.id, r);
              if (!this.seen.has(r.id)) unseen++;
            }
            if (t > previous) newestFirst = false;
            previous = t;
            oldest = Math.min(oldest, t);
          }
          // A tenant that filters by date answers only recent pages; one that sorts newest first
          // is past the horizon once a page reaches it; one that does neither is read to maxPages.
          // Between sweeps, reaching what earlier polls read ends the search too.
          const last = result.items.length < pageSize || page * result.pageSize >= result.total;
          const reachedSeen = unseen === 0 || (newestFirst && unseen < result.items.length);
          if (last || (newestFirst && oldest <= from) || (!sweep && reachedSeen)) break;
          if (page === maxPages)
            this.options.logger.warn('subscriptions.page_limit', { endpoints: endpointIds.length });
        }
      }),
    );
    for (const [id, t] of this.seen) if (t <= from) this.seen.delete(id);
    for (const r of found.values()) this.seen.set(r.id, Date.parse(r.start));
    return found;
  }

  /** Queues each subscription's news behind its earlier deliveries; returns how many were queued. */
  private async publish(watches: readonly Watch[], recordings: Map<number, Recording>): Promise<number> {
    const lookback = this.options.lookbackMs ?? 6 * 3_600_000;
    const resumedBefore = Date.now() - 2 * this.options.intervalMs;
    const allowed = this.gateOnce();
    const recordingsOf = byNumber(recordings.values());
    const counts = await Promise.all(
      watches.map(async (watch) => {
        const sub = watch.subscription;
        const halted = this.halted.get(sub.id);
        if (halted !== undefined && halted < resumedBefore) this.halted.delete(sub.id);
        const verdict = await allowed(sub);
        if (verdict === 'skip') return 0;
        if (!verdict.ok) {
          await this.refused(sub, verdict);
          return 0;
        }
        const queued = this.queued.get(sub.id);
        const fresh = candidates(watch, recordingsOf(watch.numbers), lookback).filter(
          (r) => !queued?.has(r.id),
        );
        const news = await this.undelivered(sub, fresh);
        if (news.length > 0) this.enqueue(sub, news, watch.numbers);
        return news.length;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /**
   * The gate for one poll: asked once per (channel, subscriber), its answer shared by their
   * subscriptions. A gate that throws answers `skip` (their posts wait for the next poll).
   */
  private gateOnce(): (sub: Subscription) => Promise<GateResult | 'skip'> {
    const gate = this.options.gate;
    if (!gate) return async () => ({ ok: true });
    const asked = new Map<string, Promise<GateResult | 'skip'>>();
    return (sub) => {
      const key = `${sub.channel}\u0000${sub.createdBy}`;
      let answer = asked.get(key);
      if (!answer) {
        answer = gate(sub).catch((error: unknown) => {
          this.options.logger.warn('subscriptions.gate_failed', {
            channel: sub.channel,
            subscriber: sub.createdBy,
            effect: 'posts skipped this poll',
            error,
          });
          return 'skip' as const;
        });
        asked.set(key, answer);
      }
      return answer;
    };
  }

  /** The gate refused: pause, drop what is queued, and say why once (after what is under way). */
  private async refused(sub: Subscription, verdict: { reason: string; tellChannel: boolean }): Promise<void> {
    const { store, publisher, logger } = this.options;
    this.halt([sub.id]);
    await store.pause(sub.id, verdict.reason, this.now());
    logger.warn('subscriptions.paused', {
      subscription: sub.id,
      channel: sub.channel,
      reason: verdict.reason,
      by: 'gate',
      told: verdict.tellChannel ? 'channel' : 'subscriber',
    });
    const chain: Promise<void> = (this.chains.get(sub.id) ?? Promise.resolve())
      .then(() => publisher.stopped(sub, verdict.reason, verdict.tellChannel ? 'channel' : 'subscriber'))
      .catch((error: unknown) => logger.error('subscriptions.notice_failed', { subscription: sub.id, error }))
      .finally(() => {
        if (this.chains.get(sub.id) === chain) {
          this.chains.delete(sub.id);
          this.queued.delete(sub.id);
        }
      });
    this.chains.set(sub.id, chain);
  }

  private enqueue(sub: Subscription, news: Recording[], followed: ReadonlySet<string>): void {
    const ids = this.queued.get(sub.id) ?? new Set<number>();
    this.queued.set(sub.id, ids);
    for (const r of news) ids.add(r.id);
    const chain: Promise<void> = (this.chains.get(sub.id) ?? Promise.resolve())
      .then(async () => {
        if (!this.halted.has(sub.id) && !this.suspended) await this.deliver(sub, news, followed);
      })
      .catch((error: unknown) =>
        this.options.logger.error('subscriptions.delivery_failed', { subscription: sub.id, error }),
      )
      .finally(() => {
        for (const r of news) ids.delete(r.id);
        if (this.chains.get(sub.id) === chain) {
          this.chains.delete(sub.id);
          this.queued.delete(sub.id);
        }
      });
    this.chains.set(sub.id, chain);
  }

  /**
   * What is still news: not marked posted in the store, not posted with its mark held back here,
   * and not being posted by another replica (its intent, for `graceMs` from when first seen).
   */
  private async undelivered(sub: Subscription, list: Recording[]): Promise<Recording[]> {
    const seen = await Promise.all(list.map((r) => this.options.store.delivered(sub.id, r.id)));
    const held = new Set(this.unsaved.filter((u) => u.sub.id === sub.id).map((u) => u.recording.id));
    const news = list.filter((r, i) => !seen[i] && !held.has(r.id));
    const { fence } = this.options;
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
      this.options.logger.warn('subscriptions.intent_abandoned', {
        subscription: sub.id,
        recording: r.id,
        effect: 'another replica began this post and never marked it: posted again',
      });
      return true;
    });
  }

  /** The check before a send of these recordings (absent without a fence). */
  private check(sub: Subscription, recordings: readonly Recording[]): SendCheck | undefined {
    const { fence } = this.options;
    if (!fence) return undefined;
    const ids = recordings.map((r) => r.id);
    return () => fence.enter(sub.id, ids);
  }

  /** Posts news in order; stops at the first failure (the rest stays news). Returns posts made. */
  private async deliver(
    sub: Subscription,
    news: Recording[],
    followed: ReadonlySet<string>,
  ): Promise<number> {
    const { publisher, logger } = this.options;
    const { post, summarised } = capPosts(news);
    let posted = 0;
    for (const recording of post) {
      // Paused meanwhile, or the app's token is gone: the rest is dropped.
      if (this.halted.has(sub.id) || this.suspended) return posted;
      // Another replica took the lease (this one was cut off): it posts the rest.
      if (this.options.holdsLease && !this.options.holdsLease()) return posted;
      const result = await publisher.recording(sub, recording, followed, this.check(sub, [recording]));
      if (!result.ok) return this.failed(sub, [recording], result, posted);
      await this.mark(sub, recording);
      audit(logger, sub, [recording.id]);
      posted++;
      this.options.onPost?.('ok', (this.now().getTime() - Date.parse(recording.start)) / 1000);
    }
    if (summarised.length > 0) {
      if (this.halted.has(sub.id) || this.suspended) return posted;
      if (this.options.holdsLease && !this.options.holdsLease()) return posted;
      const result = await publisher.summary(sub, summarised.length, this.check(sub, summarised));
      if (!result.ok) return this.failed(sub, summarised, result, posted);
      for (const recording of summarised) await this.mark(sub, recording);
      audit(logger, sub, []);
      logger.info('subscriptions.summarised', { subscription: sub.id, more: summarised.length });
    }
    return posted;
  }

  /**
   * Records a post Slack took. If the store cannot be written just now (Redis down), the mark is
   * kept here, counted as posted by this process, and written as soon as the store answers,
   * whether or not this replica still holds the lease; meanwhile its intent in the store keeps
   * other replicas from posting it (`fence.ts`). A mark is a fact (Slack took the post), so it is
   * written unconditionally, by a replica that lost the lease too.
   */
  private async mark(sub: Subscription, recording: Recording): Promise<void> {
    if (this.unsaved.length === 0) {
      try {
        await this.options.store.markDelivered(sub.id, recording, this.now());
        return;
      } catch (error) {
        this.options.logger.warn('subscriptions.mark_deferred', { subscription: sub.id, error });
      }
    }
    // Held back (or behind others held back): written in order by the retry.
    this.unsaved.push({ sub, recording });
    this.retryMarks();
  }

  private retryMarks(): void {
    if (this.markTimer || this.unsaved.length === 0) return;
    this.markTimer = setTimeout(() => {
      void this.saveDeferredMarks()
        .then(
          () => this.options.logger.info('subscriptions.marks_saved', {}),
          () => undefined,
        )
        .finally(() => {
          this.markTimer = undefined;
          this.retryMarks();
        });
    }, this.options.markRetryMs ?? 500);
    this.markTimer.unref();
  }

  /**
   * Writes the marks the store could not take, in order; throws while it still cannot. One run
   * at a time (the poll and the retry timer share it).
   */
  private saveDeferredMarks(): Promise<void> {
    this.saving ??= (async () => {
      while (this.unsaved.length > 0) {
        const next = this.unsaved[0] as { sub: Subscription; recording: Recording };
        await this.options.store.markDelivered(next.sub.id, next.recording, this.now());
        this.unsaved.shift();
      }
    })().finally(() => {
      this.saving = undefined;
    });
    return this.saving;
  }

  private async failed(
    sub: Subscription,
    recordings: readonly Recording[],
    result: Exclude<Awaited<ReturnType<Publisher['recording']>>, { ok: true }>,
    posted: number,
  ): Promise<number> {
    const { store, publisher, logger, fence } = this.options;
    if ('fenced' in result) {
      // The lease is not (surely) this replica's: the rest is left to whoever holds it.
      logger.info('subscriptions.post_fenced', { subscription: sub.id, recording: recordings[0]?.id });
      return posted;
    }
    // Not posted, or not surely: withdraw the intent, so another replica need not wait for it.
    if (fence && !('unsure' in result && result.unsure)) {
      await fence
        .leave(
          sub.id,
          recordings.map((r) => r.id),
        )
        .catch(() => undefined);
    }
    if ('stop' in result) {
      this.halted.set(sub.id, Date.now());
      this.options.onPost?.('stopped');
      await store.pause(sub.id, result.stop, this.now());
      logger.warn('subscriptions.paused', {
        subscription: sub.id,
        channel: sub.channel,
        reason: result.stop,
      });
      await publisher.stopped(sub, result.stop);
    } else {
      this.options.onPost?.('failed');
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
    return posted;
  }
}

/**
 * A post the channel sees: one audit line naming who authorised it (the subscriber, re-checked
 * by the gate this poll), where, and the recording ids (a summary names none: it shows only a count).
 */
function audit(logger: Logger, sub: Subscription, recordingIds: number[]): void {
  logger.info('audit', {
    surface: 'subscription',
    kind: 'subscription_post',
    audience: 'channel',
    authorisedBy: sub.createdBy,
    channel: sub.channel,
    team: sub.team,
    subscription: sub.id,
    recordingIds,
  });
}
