/**
 * The subscriptions poller: one per process (per deployment, once replicas share a lease). Each
 * poll reads the active subscriptions (`watches.ts`), searches Focus once for all their endpoints
 * (`search.ts`), shares the answers out (`fan-out.ts`) and queues the news for posting
 * (`delivery.ts`). A failed poll moves nothing: the next one picks up from the same place.
 */
import { Every } from '../domain/every.js';
import type { BadRecordKind, PollReport } from '../domain/subscription.js';
import { BadRecords } from './bad-records.js';
import { Delivery, type DeliveryOptions } from './delivery.js';
import { EndpointResolver, type EndpointSources } from './endpoints.js';
import { FanOut, type FanOutOptions } from './fan-out.js';
import { RecordingSearch, type SearchOptions } from './search.js';
import { activeWatches, type WatchSources } from './watches.js';

export type { Gate, GateResult, PollReport } from '../domain/subscription.js';

export interface PollerOptions extends SearchOptions, FanOutOptions, DeliveryOptions {
  /** Phone endpoints of a number (Focus form) and of a person, as Focus lists them. */
  endpoints: EndpointSources;
  /** Keeps targets' endpoints (shared with `/focus subscribe`); default: its own, max(5 min, intervalMs). */
  resolver?: EndpointResolver;
  /** A bad record (recording or stored row) seen for the first time by this process. */
  onBadRecord?: (kind: BadRecordKind) => void;
  /** How long after its start a recording may still appear in Focus and be posted (default 6 h). */
  lookbackMs?: number;
  /** Whether this replica holds the poller lease (by its own clock): asked before each poll and post. */
  holdsLease?: () => boolean;
  now?: () => Date;
  onPoll?: (poll: PollReport) => void;
}

export class SubscriptionPoller {
  /** Polls every intervalMs, one at a time. */
  private readonly every: Every<PollReport>;
  /** Slack took the app's token away: nothing is polled or posted again by this process. */
  private suspended = false;
  private readonly watches: WatchSources;
  private readonly search: RecordingSearch;
  private readonly fanOut: FanOut;
  private readonly delivery: Delivery;

  constructor(private readonly options: PollerOptions) {
    const { logger, intervalMs } = options;
    const now = options.now ?? (() => new Date());
    const bad = new BadRecords(logger, options.onBadRecord);
    const lookbackMs = options.lookbackMs ?? 6 * 3_600_000;
    const ttlMs = Math.max(5 * 60_000, intervalMs);
    const resolver = options.resolver ?? new EndpointResolver({ sources: options.endpoints, ttlMs, logger });
    this.watches = { ...options, resolver, bad, now };
    this.search = new RecordingSearch({ ...options, bad, now, lookbackMs });
    this.fanOut = new FanOut({ ...options, lookbackMs });
    this.delivery = new Delivery({ ...options, now, mayPost: () => this.mayWork() });
    this.every = new Every(intervalMs, () => this.pollOnce());
  }

  start(): void {
    this.every.start();
  }

  /** No new poll starts; resolves once the poll under way and its posts are done (held marks tried). */
  async stop(): Promise<void> {
    await this.every.stop();
    await this.delivery.settle();
  }

  /** Paused elsewhere (channel archived, app removed): their queue is dropped after the post under way. */
  halt(ids: readonly number[]): void {
    this.delivery.halt(ids);
  }

  /**
   * Slack will not take this app's token any more (uninstalled, revoked): no poll starts again
   * and nothing queued is posted. The subscriptions stay in the store. Lasts for the process.
   */
  suspend(): void {
    this.suspended = true;
    void this.every.stop();
  }

  /** One poll now (tests, and the timer). Never throws. */
  poll(): Promise<PollReport> {
    return this.every.now();
  }

  /** Not suspended, and holding the lease (by this replica's clock): checked before each poll and post. */
  private mayWork(): boolean {
    return !this.suspended && (this.options.holdsLease?.() ?? true);
  }

  private async pollOnce(): Promise<PollReport> {
    const report = { ok: true, subscriptions: 0, endpoints: 0, focusCalls: 0, queued: 0, durationMs: 0 };
    if (!this.mayWork()) return report;
    const started = performance.now();
    const { logger } = this.options;
    try {
      await this.delivery.saveDeferredMarks();
      const watches = await activeWatches(this.watches, report);
      report.subscriptions = watches.length;
      const recordings = await this.search.recent(watches, report);
      const shares = await this.fanOut.share(watches, recordings, (channel) =>
        this.delivery.pending(channel),
      );
      await Promise.all(
        shares.map(async (s) => {
          if ('refused' in s) return this.delivery.refused(s.watch.subscription, s.refused);
          this.delivery.enqueue(s.watch.subscription, s.posts);
          report.queued += s.posts.length;
        }),
      );
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
}
