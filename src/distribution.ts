/**
 * Distribution mode's object graph ("Add to Slack": SLACK_CLIENT_ID, SLACK_CLIENT_SECRET,
 * SLACK_STATE_SECRET). One process serves every installed workspace:
 *
 * - Bolt's InstallProvider authorizes each request with its installation's token, kept sealed in
 *   the state store (`state/tenant-stores.ts`);
 * - each workspace is answered from its own Focus tenant: the connection provisioned for it in
 *   FOCUS_TENANTS_FILE, else the one its admins connected from the Home tab (sealed too), looked
 *   up for the workspace, then for its organisation;
 * - each tenant's Focus stack (client, token, cache, people directory, rate-limit pause) is built
 *   on first use and released after TENANT_IDLE_SECONDS unused (`tenants/registry.ts`), so many
 *   installed workspaces with a few active ones fit in one process;
 * - "Try the built-in simulator" runs one simulator in this process, started on first use;
 * - each workspace's subscriptions are its own (stored under its installation key), polled
 *   against its own tenant and posted with its own token (`tenants/subscriptions.ts`), under the
 *   one poller lease of the process.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { drainInflight, openWatchedState, type StopResult, sharedParts, slackAppBase } from './app.js';
import type { Config } from './config.js';
import type { Logger } from './domain/logger.js';
import type { FocusConnection } from './domain/tenant.js';
import { installationKey } from './domain/tenant.js';
import { InFlight } from './inflight.js';
import { Metrics } from './metrics.js';
import type { FocusSimulator } from './sandbox/index.js';
import { RecentLookups } from './slack/answer/recent.js';
import { type RunningSlackApp, startSlackApp } from './slack/app.js';
import { UninstallRetention } from './state/retention.js';
import { scopedState } from './state/scoped.js';
import { TenantRegistry } from './tenants/registry.js';
import { buildTenantStack } from './tenants/stack.js';
import { TenantSubscriptions } from './tenants/subscriptions.js';
import { tenantWorkspaces } from './tenants/workspaces.js';

/** At most this many tenants' stacks at once (the least recently used beyond it is released). */
const MAX_STACKS = 500;

export interface DistributedApp {
  slack: RunningSlackApp;
  metrics: Metrics;
  /**
   * The retention window after an uninstall, swept at start and every hour (`sweep(now)` runs
   * one at once).
   */
  retention: UninstallRetention;
  /** Each workspace's subscription posting (`tick()` polls every workspace now). */
  subscriptions: TenantSubscriptions;
  stop(): Promise<StopResult>;
}

export async function startDistribution(config: Config, logger: Logger): Promise<DistributedApp> {
  const mode = config.slack.mode;
  if (mode.kind !== 'oauth') throw new Error('startDistribution() is for distribution mode');
  const metrics = new Metrics();
  const { appState, marker, unwatch } = await openWatchedState(config, logger, metrics);
  const { installations, connections } = appState;
  if (!installations || !connections) {
    await appState.close();
    throw new Error('distribution mode needs STATE_ENCRYPTION_KEY (config.ts requires it)');
  }
  const state = appState.kv;
  const simulator = sharedSimulator(logger);
  /** A workspace's connection: provisioned in the file (it wins), else connected from the Home tab. */
  const managed = {
    get: async (key: string) => config.focus.tenants.get(key) ?? (await connections.get(key)),
    put: (key: string, connection: FocusConnection) => connections.put(key, connection),
    delete: (key: string) => connections.delete(key),
  };
  const connectionOf = async (key: string): Promise<FocusConnection | undefined> => {
    const connection = await managed.get(key);
    if (connection?.kind !== 'simulator') return connection;
    const running = await simulator.get();
    return { ...connection, baseUrl: running.url, credentials: running.credentials };
  };
  const idleMs = config.focus.tenantIdleSeconds * 1000;
  const registry = new TenantRegistry({
    connectionOf,
    build: (connection, key) =>
      buildTenantStack({
        connection,
        // Each person's own rights unless the workspace's admins chose otherwise (Home tab).
        settings: {
          ...config,
          access: { ...config.access, requireLinkedUser: connection.requireLinkedUsers !== false },
        },
        // Each tenant's portal is derived from its own address (FOCUS_PORTAL_URL is one tenant's).
        portalUrl: undefined,
        logger: logger.child({ tenant: key }),
        recent: config.surfaces.recentLookups ? new RecentLookups(scopedState(state, key)) : undefined,
        metrics,
      }),
    idleMs,
    max: MAX_STACKS,
    logger,
  });
  metrics.tenantStacks(() => registry.size);
  // An uninstalled workspace's data goes after the window (state/retention.ts).
  const retention = new UninstallRetention({
    data: appState.workspaceData,
    windowMs: config.state.uninstallRetentionDays * 86_400_000,
    logger,
  });
  const inflight = new InFlight();
  const shared = sharedParts(config, logger, metrics);
  const stores = appState.workspaceSubscriptions;
  let slack: RunningSlackApp | undefined;
  const posting = new TenantSubscriptions({
    store: stores,
    registry,
    authorize: (query) => {
      if (!slack?.authorize) throw new Error('Slack is not started yet');
      return slack.authorize(query);
    },
    workspaceSlack: () => {
      if (!slack) throw new Error('Slack is not started yet');
      return slack.workspaceSlack();
    },
    shared,
    state,
    unanswered: appState.subscriptionsKv,
    intervalMs: config.subscriptions.pollSeconds * 1000,
    postIntervalMs: config.subscriptions.postIntervalMs,
    holdsLease: appState.holdsLease,
    fence: appState.fence,
    logger,
    metrics,
  });
  const halt = (key: string, ids: readonly number[]) => posting.halt(key, ids);
  try {
    slack = await startSlackApp({
      mode,
      ...slackAppBase(config, logger, metrics, { appState, marker }, inflight),
      workspaces: () => ({
        resolve: tenantWorkspaces({
          registry,
          shared,
          state,
          idleMs,
          max: MAX_STACKS,
          subscriptions: { store: stores, halt },
        }),
      }),
      // Each workspace's Focus is its own: the process is ready when its state store is.
      ready: async () => true,
      // Channel events act on the subscriptions of the installation they came through.
      lifecycle: {
        subscriptionsOf: (context) => {
          const key = installationKey(context);
          return key ? { store: stores.subscriptionsOf(key), halt: (ids) => halt(key, ids) } : undefined;
        },
        onUninstalled: (key) => posting.uninstalled(key),
      },
      installationStore: installations,
      retention,
      connections: {
        store: managed,
        provisioned: (key) => config.focus.tenants.has(key),
        onChanged: (key) => {
          registry.invalidate(key);
          posting.connectionChanged(key);
        },
        allowLocalHttp: !config.production,
      },
    });
  } catch (error) {
    unwatch();
    await registry.close();
    await appState.close().catch(() => {});
    await simulator.close();
    throw error;
  }
  retention.start();
  posting.start();
  const running = slack;
  logger.info('distribution.started', {
    provisioned: config.focus.tenants.size,
    installations: (await installations.listInstallationKeys()).length,
  });
  const stop = async (): Promise<StopResult> => {
    unwatch();
    await retention.stop();
    await running.stop().catch((error: unknown) => logger.warn('shutdown.slack_failed', { error }));
    // The polls under way finish their posts (each marked delivered as Slack takes it), within the grace.
    await Promise.race([posting.stop(), sleep(config.shutdownGraceMs, undefined, { ref: false })]);
    const result = await drainInflight(inflight, config.shutdownGraceMs, () => registry.cancelAll(), logger);
    await running.close().catch(() => {});
    await registry.close();
    await appState.close().catch(() => {});
    await simulator.close();
    return result;
  };
  return { slack: running, metrics, retention, subscriptions: posting, stop };
}

/** One simulator for every workspace that chose to try it, started on first use. */
function sharedSimulator(logger: Logger) {
  let started: Promise<FocusSimulator> | undefined;
  return {
    get(): Promise<FocusSimulator> {
      started ??= import('./sandbox/index.js').then(async ({ startFocusSimulator }) => {
        const simulator = await startFocusSimulator({ now: new Date() });
        logger.info('sandbox.started', { url: simulator.url, profile: simulator.profile, for: 'workspaces' });
        return simulator;
      });
      return started;
    },
    async close(): Promise<void> {
      await (await started?.catch(() => undefined))?.close();
    },
  };
}
