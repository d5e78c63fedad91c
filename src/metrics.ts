/**
 * Prometheus metrics for `GET /metrics`, in a registry of their own (never
 * prom-client's global one, so tests and several instances do not collide). Labels are bounded
 * sets only: kinds, outcomes, endpoints, statuses, surfaces, reasons; never users or queries.
 *
 * The callback-shaped members are arrow properties, so they can be passed as they are:
 * `onCall: metrics.focusCall`, `new FocusCache(client, {}, metrics.cacheEvent)`.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ConsentStep } from './domain/consent.js';
import type { CacheEvent, CallEvent } from './domain/focus-events.js';
import type { DenyReason, Surface } from './domain/interaction.js';
import type { LookupOutcome } from './domain/outcome.js';
import type { LookupKind } from './domain/request.js';
import type { BadRecordKind, PollReport } from './domain/subscription.js';

/** A lookup's result: the outcome's status, `denied` by the access policy, or `answered` (help, invalid). */
export type LookupOutcomeLabel = LookupOutcome['status'] | 'answered';
export type DeliveryResult = 'ok' | 'failed';

export interface MetricsOptions {
  /** Also collect Node's default process metrics (CPU, memory, event loop lag, GC). Default true. */
  defaultMetrics?: boolean;
}

/** Lookups take 0.05-10 s (a Focus round trip or three, up to the deadline). */
const LOOKUP_BUCKETS = [0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 10];
/** One Focus HTTP call: faster than a lookup. */
const CALL_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];

export class Metrics {
  readonly registry = new Registry();
  private readonly lookups: Counter<'kind' | 'outcome'>;
  private readonly lookupSeconds: Histogram<'kind'>;
  private readonly focusCalls: Counter<'endpoint' | 'status'>;
  private readonly focusCallSeconds: Histogram<'endpoint'>;
  private readonly cacheEvents: Counter<'kind' | 'result'>;
  private readonly tokenRenewals: Counter;
  private readonly deliveries: Counter<'surface' | 'result'>;
  private readonly denials: Counter<'surface' | 'reason'>;
  private readonly subscriptionsActive: Gauge;
  private readonly polls: Counter<'result'>;
  private readonly pollFocusCalls: Histogram;
  private readonly subscriptionPosts: Counter<'result'>;
  private readonly deliveryLag: Histogram;
  private readonly focusPauses: Counter;
  private readonly sharedStoreUp: Gauge;
  private readonly stateFallback: Gauge;
  private readonly leaseHeld: Gauge;
  private readonly consents: Counter<'step'>;
  private readonly badRecords: Counter<'kind'>;
  private readonly subscriptionsLost: Gauge;
  private pausedUntilMs = 0;
  /** Distribution mode: how many tenants' Focus stacks are built (the registry's count). */
  private stacks: () => number = () => 0;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.lookups = new Counter({
      name: 'focus_slack_lookups_total',
      help: 'Answers to Slack requests, by request kind and outcome.',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.lookupSeconds = new Histogram({
      name: 'focus_slack_lookup_duration_seconds',
      help: 'Time to answer a Slack request, Focus calls included.',
      labelNames: ['kind'],
      buckets: LOOKUP_BUCKETS,
      registers,
    });
    this.focusCalls = new Counter({
      name: 'focus_slack_focus_calls_total',
      help: 'HTTP attempts to the Focus API, by endpoint and status (`error`: no response).',
      labelNames: ['endpoint', 'status'],
      registers,
    });
    this.focusCallSeconds = new Histogram({
      name: 'focus_slack_focus_call_duration_seconds',
      help: 'Duration of one HTTP attempt to the Focus API.',
      labelNames: ['endpoint'],
      buckets: CALL_BUCKETS,
      registers,
    });
    this.cacheEvents = new Counter({
      name: 'focus_slack_cache_events_total',
      help: 'Focus cache lookups, by kind and result (hit or miss).',
      labelNames: ['kind', 'result'],
      registers,
    });
    this.tokenRenewals = new Counter({
      name: 'focus_slack_token_renewals_total',
      help: 'Focus bearer tokens obtained with the API key.',
      registers,
    });
    this.deliveries = new Counter({
      name: 'focus_slack_slack_deliveries_total',
      help: 'Cards delivered to Slack, by surface and result.',
      labelNames: ['surface', 'result'],
      registers,
    });
    this.denials = new Counter({
      name: 'focus_slack_denials_total',
      help: 'Interactions refused by the access policy, by surface and reason.',
      labelNames: ['surface', 'reason'],
      registers,
    });
    this.subscriptionsActive = new Gauge({
      name: 'focus_slack_subscriptions',
      help: 'Channel subscriptions being polled (not paused), as of the last poll (distribution mode: summed over the workspaces of the last round).',
      registers,
    });
    this.polls = new Counter({
      name: 'focus_slack_subscription_polls_total',
      help: 'Subscription polls, by result (failed: Focus or the state store did not answer).',
      labelNames: ['result'],
      registers,
    });
    this.pollFocusCalls = new Histogram({
      name: 'focus_slack_subscription_poll_focus_calls',
      help: 'Focus calls one subscription poll made.',
      buckets: [0, 1, 2, 5, 10, 20, 50, 100, 200],
      registers,
    });
    this.subscriptionPosts = new Counter({
      name: 'focus_slack_subscription_posts_total',
      help: 'Subscription posts to channels, by result (stopped: the channel takes no more posts).',
      labelNames: ['result'],
      registers,
    });
    this.focusPauses = new Counter({
      name: 'focus_slack_focus_pauses_total',
      help: 'Times Focus asked the app to slow down (429, or 503 with Retry-After) and every call paused.',
      registers,
    });
    const pausedUntil = () => this.pausedUntilMs;
    new Gauge({
      name: 'focus_slack_focus_paused_seconds',
      help: 'Seconds left in the pause Focus asked for (0: calls go out).',
      registers,
      collect() {
        this.set(Math.max(0, pausedUntil() - Date.now()) / 1000);
      },
    });
    const stacks = () => this.stacks();
    new Gauge({
      name: 'focus_slack_tenant_stacks',
      help: 'Distribution mode: Focus tenants with a stack built (client, cache, people directory); idle ones are released.',
      registers,
      collect() {
        this.set(stacks());
      },
    });
    this.sharedStoreUp = new Gauge({
      name: 'focus_slack_redis_up',
      help: 'Whether the connection to Redis (REDIS_URL) is up (absent without Redis).',
      registers,
    });
    this.stateFallback = new Gauge({
      name: 'focus_slack_state_fallback',
      help: '1 while dedupe and unfurl memory answer from this process because Redis does not.',
      registers,
    });
    this.leaseHeld = new Gauge({
      name: 'focus_slack_poller_lease_held',
      help: '1 while this replica holds the subscriptions poller lease (polls and posts).',
      registers,
    });
    this.consents = new Counter({
      name: 'focus_slack_unfurl_consent_total',
      help: 'Link preview consent: prompts posted and their answers (show, not_now, always, refused: not the paster), kept choices used (always_kept) and forgotten.',
      labelNames: ['step'],
      registers,
    });
    this.badRecords = new Counter({
      name: 'focus_slack_subscription_bad_records_total',
      help: 'Records the subscriptions poller skipped, each counted once per process: recording_invalid (no usable start or id), recording_in_future, subscription_invalid (a stored row), cursor_in_future (read as now).',
      labelNames: ['kind'],
      registers,
    });
    this.subscriptionsLost = new Gauge({
      name: 'focus_slack_state_subscriptions_lost',
      help: '1 once the state store was found to have lost its subscriptions (its marker key is gone: Redis FLUSHALL, or a restart without persistence); until the process restarts.',
      registers,
    });
    this.deliveryLag = new Histogram({
      name: 'focus_slack_subscription_delivery_lag_seconds',
      help: 'From a recording’s start to its post in the channel.',
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 21600],
      registers,
    });
  }

  /** For `FocusClientOptions.onPause`: every Focus call waits until `untilMs`. */
  readonly focusPause = (untilMs: number): void => {
    if (untilMs > this.pausedUntilMs + 1) this.focusPauses.inc();
    this.pausedUntilMs = Math.max(this.pausedUntilMs, untilMs);
  };

  /** For `openRedisState`'s `onStatus`. */
  readonly redisStatus = (status: 'up' | 'down'): void => {
    this.sharedStoreUp.set(status === 'up' ? 1 : 0);
  };

  /** For `ResilientStore`'s `onOutage`. */
  readonly stateOutage = (down: boolean): void => {
    this.stateFallback.set(down ? 1 : 0);
  };

  /** For the lease keeper's `onChange`. */
  readonly lease = (token: number | undefined): void => {
    this.leaseHeld.set(token === undefined ? 0 : 1);
  };

  /** For the (single-workspace) subscriptions poller's `onPoll`: its poll is all there is. */
  readonly poll = (report: PollReport): void => {
    this.workspacePoll(report);
    if (report.ok) this.subscriptionsPolled(report.subscriptions);
  };

  /**
   * For each workspace poller's `onPoll` in distribution mode: the poll counted, the gauge left
   * to the round's sum (`subscriptionsPolled`), which one workspace's count would overwrite.
   */
  readonly workspacePoll = (report: PollReport): void => {
    this.polls.inc({ result: report.ok ? 'ok' : 'failed' });
    if (report.ok) this.pollFocusCalls.observe(report.focusCalls);
  };

  /** Distribution mode: where the count of built tenant stacks is read at each scrape. */
  readonly tenantStacks = (count: () => number): void => {
    this.stacks = count;
  };

  /** Active subscriptions polled: one poller's, or a distribution round's sum over workspaces. */
  readonly subscriptionsPolled = (subscriptions: number): void => {
    this.subscriptionsActive.set(subscriptions);
  };

  /** For the subscriptions poller's `onPost`: a post's outcome, and for one made, recording start to post. */
  readonly subscriptionPost = (result: 'ok' | 'failed' | 'stopped', lagSeconds?: number): void => {
    this.subscriptionPosts.inc({ result });
    if (lagSeconds !== undefined) this.deliveryLag.observe(lagSeconds);
  };

  /** For the subscriptions poller's `onBadRecord`. */
  readonly badRecord = (kind: BadRecordKind): void => {
    this.badRecords.inc({ kind });
  };

  /** For the store marker's watch: the store lost its subscriptions. */
  readonly stateLost = (lost: boolean): void => {
    this.subscriptionsLost.set(lost ? 1 : 0);
  };

  /** One answered request; `seconds` from receipt to answer. */
  readonly lookup = (kind: LookupKind, outcome: LookupOutcomeLabel, seconds: number): void => {
    this.lookups.inc({ kind, outcome });
    this.lookupSeconds.observe({ kind }, seconds);
  };

  /** For `FocusClientOptions.onCall`. */
  readonly focusCall = (event: CallEvent): void => {
    this.focusCalls.inc({ endpoint: event.endpoint, status: String(event.status) });
    this.focusCallSeconds.observe({ endpoint: event.endpoint }, event.durationMs / 1000);
  };

  /** For the third argument of `new FocusCache(...)`. */
  readonly cacheEvent: CacheEvent = (kind, result) => {
    this.cacheEvents.inc({ kind, result });
  };

  /** For `FocusClientOptions.onTokenRenew`. */
  readonly tokenRenewed = (): void => {
    this.tokenRenewals.inc();
  };

  readonly delivery = (surface: Surface, result: DeliveryResult): void => {
    this.deliveries.inc({ surface, result });
  };

  readonly denial = (surface: Surface, reason: DenyReason): void => {
    this.denials.inc({ surface, reason });
  };

  /** For the consent flow's `onConsent`: a step of a link preview's consent prompt. */
  readonly consent = (step: ConsentStep): void => {
    this.consents.inc({ step });
  };

  /** The body and content type of `GET /metrics`. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
