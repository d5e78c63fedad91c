/**
 * Builds the object graph from a parsed configuration: the Focus target (a tenant, or the
 * built-in simulator), the cached client, lookups, and the Slack app or the console pieces.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from './config.js';
import { ConfigError } from './config.js';
import type { Logger } from './domain/logger.js';
import type { Gate } from './domain/subscription.js';
import type { AuthPath, Credentials } from './domain/tenant.js';
import { InFlight } from './inflight.js';
import { Metrics } from './metrics.js';
import type { FocusSimulator } from './sandbox/index.js';
import type { Answerer } from './slack/answer/answer.js';
import { RecentLookups } from './slack/answer/recent.js';
import { type SharedParts, singleWorkspace, workspaceDeps } from './slack/answer/workspace.js';
import { type RunningSlackApp, startSlackApp } from './slack/app.js';
import { ChannelPoster } from './slack/outbound/channel-poster.js';
import { StoreMarker } from './state/marker.js';
import { type AppState, openAppState } from './state/open.js';
import { SubscriptionPoller } from './subscriptions/poller.js';
import type { Publisher } from './subscriptions/publisher.js';
import { SubscriptionService } from './subscriptions/service.js';
import { buildTenantStack } from './tenants/stack.js';

export interface FocusTarget {
  baseUrl: string;
  credentials: Credentials;
  authPath?: AuthPath;
  simulator?: FocusSimulator;
}

async function focusTarget(config: Config, logger: Logger): Promise<FocusTarget> {
  if (config.focus.tenant) return config.focus.tenant;
  // Loaded only in sandbox mode: production never loads the simulator, nor its profile names.
  const { isProfileName, PROFILE_NAMES, startFocusSimulator } = await import('./sandbox/index.js');
  const profile = config.focus.sandboxProfile;
  if (profile !== undefined && !isProfileName(profile))
    throw new ConfigError(`SANDBOX_PROFILE must be one of ${PROFILE_NAMES.join(', ')}`);
  // A new recording of Jane Smith's number every 20 s, so a sandbox subscription has news.
  const simulator = await startFocusSimulator({ now: new Date(), profile, newRecordingEveryMs: 20_000 });
  logger.info('sandbox.started', { url: simulator.url, profile: simulator.profile });
  return {
    baseUrl: simulator.url,
    credentials: simulator.credentials,
    simulator,
  };
}

/** The start-up banner; `target` is the one tenant (none in distribution mode: each workspace has its own). */
export function banner(target: FocusTarget | undefined, config: Config): string {
  const lines = [
    '┌ Focus for Slack',
    !target
      ? `│ Focus: each workspace's own (${config.focus.tenants.size} provisioned in FOCUS_TENANTS_FILE; the others connect from the Home tab)`
      : target.simulator
        ? `│ SANDBOX: no FOCUS_BASE_URL, so lookups go to the built-in Focus simulator at ${target.simulator.url} (profile ${target.simulator.profile})`
        : `│ Focus: ${target.baseUrl}`,
    config.slack.mode.kind === 'console'
      ? '│ Slack: no SLACK_BOT_TOKEN, so this is the local console (try: /focus +44 7700 900123)'
      : `│ Slack: ${slackModeLine(config)}`,
    '└',
  ];
  return `${lines.join('\n')}\n`;
}

function slackModeLine(config: Config): string {
  const kind = config.slack.mode.kind;
  if (kind === 'oauth')
    return `distribution mode (Add to Slack at /slack/install), HTTP on port ${config.slack.port}`;
  return kind === 'http' ? `HTTP mode on port ${config.slack.port}` : 'Socket Mode';
}

export interface RunningApp {
  target: FocusTarget;
  answerer: Answerer;
  slack: RunningSlackApp | undefined;
  metrics: Metrics;
  /** The subscription commands (the console's `subscribe` line). */
  subscriptions: SubscriptionService;
  /** Recent lookups kept for the Home tab (the console's `/home` too); absent when turned off. */
  recent: RecentLookups | undefined;
  /**
   * Starts the subscriptions poller with this publisher and gate: Slack mode starts it with the
   * channel poster and the access policy's gate (`access/subscription-gate.ts`); the console's
   * own subscriptions post to the console and need none.
   */
  startPolling(publisher: Publisher, gate?: Gate): void;
  /**
   * Stops taking work and waits up to SHUTDOWN_GRACE_MS for answers under way; then tells every
   * asker still waiting that the app is restarting, and closes the pools.
   */
  stop(): Promise<StopResult>;
}

export interface StopResult {
  /** False when answers under way had to be cut short (the process should exit non-zero). */
  complete: boolean;
}

/** After the grace period, how long the "restarting" answers get to reach Slack. */
const FAREWELL_MS = 3_000;

/** The state store, opened and watched: its marker read again at every poll interval. */
export interface WatchedState {
  appState: AppState;
  marker: StoreMarker;
  /** Stops watching the marker (the state itself is closed by `appState.close()`). */
  unwatch(): void;
}

/**
 * Opens the state store first, so state that cannot be used stops the start before anything
 * else (exit 2), and puts a marker in the subscriptions' store: gone at a later check means the
 * store lost what it held (FLUSHALL, a Redis restarted without persistence).
 */
export async function openWatchedState(
  config: Config,
  logger: Logger,
  metrics: Metrics,
): Promise<WatchedState> {
  const appState = await openAppState(config.state, {
    logger,
    onRedisStatus: metrics.redisStatus,
    onFallback: metrics.stateOutage,
    onLease: metrics.lease,
    leaseTtlMs: config.state.leaseSeconds * 1000,
  });
  logger.info('state.opened', { where: appState.where });
  const marker = new StoreMarker(appState.subscriptionsKv, {
    logger,
    where: appState.where,
    onLost: () => metrics.stateLost(true),
  });
  try {
    await marker.init();
  } catch (error) {
    await appState.close();
    throw error;
  }
  metrics.stateLost(false);
  const markerWatch = setInterval(() => void marker.check(), config.subscriptions.pollSeconds * 1000);
  markerWatch.unref();
  return { appState, marker, unwatch: () => clearInterval(markerWatch) };
}

/**
 * Waits up to SHUTDOWN_GRACE_MS for the answers under way; then cuts the rest short (`cancel`),
 * gives their "restarting" answers a moment to reach Slack, and says whether all ended in time.
 */
export async function drainInflight(
  inflight: InFlight,
  graceMs: number,
  cancel: () => number,
  logger: Logger,
): Promise<StopResult> {
  let drained = await inflight.drain(graceMs);
  const complete = drained.drained;
  if (!complete) {
    const cut = cancel();
    logger.warn('shutdown.cut_short', { remaining: drained.remaining, lookups: cut });
    drained = await inflight.drain(FAREWELL_MS);
    if (!drained.drained) logger.error('shutdown.unanswered', { remaining: drained.remaining });
  }
  return { complete };
}

/** What the Slack app of either mode takes from the configuration and the app's state. */
export function slackAppBase(
  config: Config,
  logger: Logger,
  metrics: Metrics,
  { appState, marker }: Pick<WatchedState, 'appState' | 'marker'>,
  inflight: InFlight,
) {
  return {
    apiUrl: config.slack.apiUrl,
    port: config.slack.port,
    logger,
    stateStatus: () => (marker.lost ? 'subscriptions_lost' : undefined),
    ...config.surfaces,
    metrics,
    state: appState.kv,
    durableState: appState.durable,
    inflight,
  };
}

/** What every workspace's surfaces share: the access settings, the logger, the metrics. */
export function sharedParts(config: Config, logger: Logger, metrics: Metrics): SharedParts {
  return {
    access: config.access,
    slackConnectAllowed: config.surfaces.slackConnectAllowed,
    logger,
    onDelivery: metrics.delivery,
    onDenial: metrics.denial,
  };
}

/** Starts everything but the console; Slack too unless the configuration says console. */
export async function startApp(config: Config, logger: Logger): Promise<RunningApp> {
  if (config.slack.mode.kind === 'oauth')
    throw new Error('distribution mode starts with startDistribution()');
  const metrics = new Metrics();
  const { appState, marker, unwatch } = await openWatchedState(config, logger, metrics);
  const durable = appState.subscriptions;
  const state = appState.kv;
  const target = await focusTarget(config, logger).catch(async (error: unknown) => {
    await appState.close();
    throw error;
  });
  const inflight = new InFlight();
  const recent = config.surfaces.recentLookups ? new RecentLookups(state) : undefined;
  // The one tenant's stack, built as the registry builds each tenant's in multi-workspace mode.
  const stack = buildTenantStack({
    connection: target,
    settings: config,
    portalUrl: config.portal.url,
    logger,
    recent,
    metrics,
  });
  const { client, cache, directory, lookups, answerer, links, endpoints } = stack;
  for (const warning of config.warnings) logger.warn('config.deprecated', { warning });
  if (config.shutdownGraceMs < config.focus.timeoutMs) {
    logger.warn('config.shutdown_grace_short', {
      shutdownGraceMs: config.shutdownGraceMs,
      focusTimeoutMs: config.focus.timeoutMs,
      effect: 'a lookup under way at shutdown may be cut short (its asker is told to try again)',
    });
  }
  let slack: RunningSlackApp | undefined;
  let poller: SubscriptionPoller | undefined;
  const subscriptions = new SubscriptionService({
    store: durable,
    cache,
    directory,
    endpoints,
    logger,
    onStopped: (ids) => poller?.halt(ids),
  });
  /** One poller per process, posting through `publisher` (Slack channels, or the console). */
  const startPolling = (publisher: Publisher, gate?: Gate) => {
    poller = new SubscriptionPoller({
      store: durable,
      client,
      endpoints: endpoints.sources,
      resolver: endpoints,
      publisher,
      logger,
      intervalMs: config.subscriptions.pollSeconds * 1000,
      holdsLease: appState.holdsLease,
      ...(appState.fence && { fence: appState.fence }),
      onPoll: metrics.poll,
      onPost: metrics.subscriptionPost,
      onBadRecord: metrics.badRecord,
      ...(gate && { gate }),
    });
    poller.start();
  };
  const stop = async (): Promise<StopResult> => {
    unwatch();
    directory.stop();
    await slack?.stop().catch((error: unknown) => logger.warn('shutdown.slack_failed', { error }));
    // The poll under way finishes its posts (each marked delivered as Slack takes it), within the grace.
    await Promise.race([poller?.stop(), sleep(config.shutdownGraceMs, undefined, { ref: false })]);
    const { complete } = await drainInflight(
      inflight,
      config.shutdownGraceMs,
      () => lookups.cancelAll(),
      logger,
    );
    await slack?.close().catch(() => {});
    await stack.close();
    await appState.close().catch(() => {});
    await target.simulator?.close();
    return { complete };
  };
  const mode = config.slack.mode;
  if (mode.kind !== 'console') {
    try {
      slack = await startSlackApp({
        mode,
        ...slackAppBase(config, logger, metrics, { appState, marker }, inflight),
        // Single-workspace mode: every request is answered from the one tenant built above.
        workspaces: ({ client: slackClient, home }) =>
          singleWorkspace(
            workspaceDeps(
              {
                answerer,
                findPortalUsers: (search) => cache.searchUsers(search),
                recent,
                home,
                client: () => slackClient,
                state,
                subscriptions,
              },
              sharedParts(config, logger, metrics),
            ),
          ),
        ready: () => lookups.checkFocus().then(() => true),
        // The one workspace's subscriptions, whichever installation context an event names.
        lifecycle: { subscriptionsOf: () => ({ store: durable, halt: (ids) => poller?.halt(ids) }) },
      });
      const { revocation, gate, postClient } = slack;
      // Subscriptions are served for the single workspace only, each post passing its gate.
      if (gate)
        startPolling(
          new ChannelPoster({
            client: () => postClient,
            botId: slack.botId,
            links,
            logger,
            unanswered: appState.subscriptionsKv,
            intervalMs: config.subscriptions.postIntervalMs,
            revoked: () => revocation.revoked?.reason,
          }),
          gate,
        );
      // The token is gone: no more polls or posts; the subscriptions stay for a reinstall.
      revocation.onRevoked(() => poller?.suspend());
    } catch (error) {
      await stop();
      throw error;
    }
  }
  return { target, answerer, slack, metrics, subscriptions, recent, startPolling, stop };
}
