/**
 * The Bolt app: HTTP mode (signing secret; `POST /slack/events`, `/healthz`, `/readyz`, `/metrics`),
 * Socket Mode (app token), or distribution mode (HTTP, "Add to Slack": `/slack/install` and
 * `/slack/oauth_redirect` too, each request authorized with its installation's bot token by
 * Bolt's InstallProvider). `deferInitialization` so a bad token fails at boot, clearly.
 */
import type { Server } from 'node:http';
import { App, type InstallationQuery, webApi } from '@slack/bolt';
import { subscriptionGate } from '../access/subscription-gate.js';
import type { SlackMode } from '../config.js';
import type { ConsentMode } from '../domain/consent.js';
import type { Logger } from '../domain/logger.js';
import type { Gate } from '../domain/subscription.js';
import type { InFlight } from '../inflight.js';
import type { Metrics } from '../metrics.js';
import { connectionHomeView } from '../render/focus-connection.js';
import type { StateStore } from '../state/index.js';
import type { UninstallRetention } from '../state/retention.js';
import { scopedState } from '../state/scoped.js';
import type { ConnectionStore, Installations } from '../state/tenant-stores.js';
import {
  perWorkspace,
  provideWorkspace,
  type Resolved,
  type WorkspaceResolver,
  type Workspaces,
} from './answer/workspace.js';
import { boltLogger } from './inbound/bolt-logger.js';
import { DeliveryDeduper } from './inbound/dedupe.js';
import { healthRoutes } from './inbound/health.js';
import { createReceiver } from './inbound/receiver.js';
import type { Home } from './inbound/request.js';
import { slackHttp, WEB_API_RETRIES, WEB_API_TIMEOUT_MS } from './outbound/http.js';
import { perMethodRateLimits } from './outbound/rate-limits.js';
import { SlackRevocation, watchRevocation } from './outbound/revocation.js';
import { type WorkspaceSlack, workspaceSlack } from './outbound/workspace-slack.js';
import { registerActions } from './surfaces/actions.js';
import { registerCommand } from './surfaces/command.js';
import { UnfurlConsent } from './surfaces/consent.js';
import { registerDirectMessages } from './surfaces/dm.js';
import { FocusConnectionAdmin } from './surfaces/focus-connection.js';
import { HomeTab, type HomeTabOf, registerHome } from './surfaces/home.js';
import { type LifecycleDeps, registerLifecycle } from './surfaces/lifecycle.js';
import { registerMentions } from './surfaces/mention.js';
import { registerShortcut } from './surfaces/shortcut.js';
import { registerUnfurls } from './surfaces/unfurl.js';
import { registerWorkflowStep } from './surfaces/workflow.js';

export interface SlackAppOptions {
  mode: Exclude<SlackMode, { kind: 'console' }>;
  apiUrl: string;
  port: number;
  /**
   * Which workspace each request is for and what answers it there, once Bolt's client and the
   * token's own workspace (`auth.test`) are known: `singleWorkspace(...)` for SLACK_BOT_TOKEN.
   */
  workspaces: (slack: { client: App['client']; home: Home }) => Workspaces;
  logger: Logger;
  /** Resolves true when Focus authentication works. */
  ready: () => Promise<boolean>;
  /**
   * What is wrong with the state store, if anything (`subscriptions_lost`): `/readyz` still
   * answers 200 when Focus works (lookups are served), with `state` in its body.
   */
  stateStatus?: () => string | undefined;
  /** SLACK_CONNECT_ALLOWED. */
  slackConnectAllowed: boolean;
  /** Before a pasted link is previewed to others: ask the paster, always, or never. */
  unfurlConsent: ConsentMode;
  watchChannelIds: string[];
  metrics: Metrics;
  /** Shared state: event dedupe, replayed signatures, unfurl memory, linked-user answers. */
  state: StateStore;
  /** State that outlives the process and is shared by replicas: kept "always" choices of link previews. */
  durableState: StateStore;
  /** Work in progress, waited for at shutdown. */
  inflight: InFlight;
  /**
   * Distribution mode (required there, unused otherwise): where Bolt keeps each installation's
   * tokens (stored at install, read to authorize each request, deleted at uninstall).
   */
  installationStore?: Installations;
  /**
   * Distribution mode: each workspace's Focus connection, managed by its admins from the Home tab
   * (`surfaces/focus-connection.ts`); `onChanged` drops that tenant's Focus stack.
   */
  connections?: {
    store: ConnectionStore;
    /** Provisioned by the operator (FOCUS_TENANTS_FILE): shown on the Home tab, not changeable there. */
    provisioned(key: string): boolean;
    onChanged(key: string): void;
    /** http:// to this machine or a private address (the simulator, tests): never in production. */
    allowLocalHttp: boolean;
  };
  /**
   * Distribution mode: an uninstalled workspace's other data (its Focus connection, its choices)
   * is deleted after the retention window, unless it is reinstalled first.
   */
  retention?: Pick<UninstallRetention, 'uninstalled'>;
  /**
   * Channel and app lifecycle events act on the subscriptions of the installation they came
   * through (none: they are only logged); distribution mode's uninstalls are reported too.
   */
  lifecycle?: Pick<LifecycleDeps, 'subscriptionsOf' | 'onUninstalled'>;
}

export interface RunningSlackApp {
  app: App;
  /** The HTTP port actually bound (PORT=0 picks one). */
  port: number | undefined;
  /**
   * The client for subscription posts: it never retries (no retryConfig retries, no resend after
   * a 429), so the channel poster's policy is the only one a post goes through.
   */
  postClient: webApi.WebClient;
  /** The app's bot id (`auth.test`), which its posts carry in a channel's history. */
  botId: string | undefined;
  /** Stops taking requests (answers under way still go out). */
  stop(): Promise<void>;
  /** Closes the connections to Slack, once the answers under way are out. */
  close(): Promise<void>;
  /** Whether Slack still takes the app's token (uninstalled, revoked: no). */
  revocation: SlackRevocation;
  /**
   * Single-workspace mode: what a subscription passes before each poll's posts (the access
   * policy, again). Absent without a single workspace (each workspace's is built by its poller).
   */
  gate: Gate | undefined;
  /**
   * Distribution mode: one workspace's Slack clients for its subscriptions, made with the token
   * given (its own rate limits and revocation; `outbound/workspace-slack.ts`).
   */
  workspaceSlack(): (token: string) => WorkspaceSlack;
  /**
   * Distribution mode: an installation's tokens as Bolt's InstallProvider authorizes a request
   * with them (a token about to expire refreshed first, under the installation's refresh lock);
   * rejects when nothing is installed there. For work no request starts (subscription posts).
   */
  authorize: ((query: AuthorizeQuery) => Promise<InstallationTokens>) | undefined;
}

/** Which installation `authorize` reads: a team's, or an organisation's (org-wide). */
export type AuthorizeQuery = InstallationQuery<boolean>;

/** What `authorize` gives: the installation's bot token and ids. */
export interface InstallationTokens {
  botToken?: string | undefined;
  botId?: string | undefined;
  enterpriseId?: string | undefined;
}

export async function startSlackApp(options: SlackAppOptions): Promise<RunningSlackApp> {
  const { mode, logger } = options;
  const revocation = new SlackRevocation(logger);
  const customRoutes = healthRoutes(
    options.ready,
    options.metrics,
    () => revocation.revoked,
    options.stateStatus,
  );
  const http = slackHttp({ apiUrl: options.apiUrl });
  const oauth = mode.kind === 'oauth' ? mode : undefined;
  if (oauth && !options.installationStore)
    throw new Error('distribution mode needs an installation store (SlackAppOptions.installationStore)');
  const limits = perMethodRateLimits({
    apiUrl: options.apiUrl,
    logger,
    // With one token, a token Slack no longer takes stops the app (revocation.ts). In distribution
    // mode one workspace's revoked token says nothing about the others: uninstalls are handled
    // per installation (lifecycle.ts).
    fetch: oauth ? http.fetch : watchRevocation({ apiUrl: options.apiUrl, revocation, fetch: http.fetch }),
  });
  const common = {
    ...(mode.kind !== 'oauth' && { token: mode.botToken }),
    deferInitialization: true,
    // Bolt's default conversation store is a middleware on every request that this app never
    // reads (the bench profile showed it at ~2% of the app's CPU): off.
    convoStore: false as const,
    logger: boltLogger(logger),
    clientOptions: {
      slackApiUrl: options.apiUrl,
      timeout: WEB_API_TIMEOUT_MS,
      retryConfig: WEB_API_RETRIES,
      // One method's 429 pauses that method only, in that workspace only (one token, one
      // workspace), not the client's whole queue.
      rejectRateLimitedCalls: true,
      // Every answer is read for the errors that mean the token is gone (revocation.ts).
      fetch: limits,
    },
  };
  const receiver =
    mode.kind === 'http' || mode.kind === 'oauth'
      ? createReceiver({
          signingSecret: mode.signingSecret,
          customRoutes,
          logger,
          state: options.state,
          ...(oauth &&
            options.installationStore && {
              install: {
                clientId: oauth.clientId,
                clientSecret: oauth.clientSecret,
                stateSecret: oauth.stateSecret,
                installationStore: options.installationStore,
                // Shared by replicas and kept across restarts: a used state stays used.
                usedStates: options.durableState,
                // No retries: an authorization code is good for one exchange. The same client
                // refreshes rotating tokens: bounded by the timeout (a 429 rejected at once, not
                // waited out), well within the refresh lock's time (state/token-refresh.ts).
                clientOptions: {
                  slackApiUrl: options.apiUrl,
                  timeout: WEB_API_TIMEOUT_MS,
                  retryConfig: { retries: 0 },
                  rejectRateLimitedCalls: true,
                  fetch: limits,
                },
              },
            }),
        })
      : undefined;
  const app =
    mode.kind === 'socket'
      ? // Socket Mode serves the health routes on installerOptions.port.
        new App({
          ...common,
          customRoutes,
          socketMode: true,
          appToken: mode.appToken,
          installerOptions: { port: options.port },
        })
      : new App({ ...common, receiver });

  const installer = receiver?.installer;
  app.error(async (error) => {
    logger.error('slack.listener_error', { error });
  });
  // Slack redelivers an event it thinks was missed (X-Slack-Retry-Num): answer each event once.
  // Bolt has acknowledged events before global middleware runs, so dropping one here is safe.
  const deliveries = new DeliveryDeduper({ store: options.state });
  let resolve: WorkspaceResolver = async () => ({ status: 'unavailable' });
  app.use(async ({ body, context, client, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await deliveries.firstTime(eventId))) {
      logger.info('slack.duplicate_delivery', { eventId, retryNum: context.retryNum });
      return;
    }
    // This request's workspace, resolved on first ask from Bolt's authorization and the
    // listener's client (the installation's token); released once the work has ended.
    const done = provideWorkspace(context, client, (request) => resolve(request), logger);
    // Everything after the ack is tracked, so a shutdown waits for answers under way.
    try {
      await options.inflight.track(next());
    } finally {
      await done();
    }
  });
  await app.init();
  // The installation's own workspace and organisation: an asker from another one is external.
  // Distribution mode has no token at start: each request's installation is in Bolt's context.
  const auth: webApi.AuthTestResponse = mode.kind === 'oauth' ? { ok: true } : await app.client.auth.test();
  const home = {
    ...(typeof auth.team_id === 'string' && { teamId: auth.team_id }),
    ...(typeof auth.enterprise_id === 'string' &&
      auth.enterprise_id !== '' && { enterpriseId: auth.enterprise_id }),
  };
  const workspaces = options.workspaces({ client: app.client, home });
  resolve = workspaces.resolve;
  const single = workspaces.single;
  // Each workspace's consent and Home tab, made on its first request (their caches are its own).
  const consentOf = perWorkspace(
    (deps) =>
      new UnfurlConsent(deps, logger, {
        mode: options.unfurlConsent,
        onConsent: options.metrics.consent,
        // A workspace with a scope keeps its choices under it, so they go with its other data.
        choices: deps.scope ? scopedState(options.durableState, deps.scope) : options.durableState,
      }),
  );
  const admin: FocusConnectionAdmin | undefined = focusConnectionAdmin(
    options,
    () => resolve,
    () => homeOf,
  );
  const homeOf: HomeTabOf = perWorkspace(
    (deps) =>
      new HomeTab(
        deps,
        {
          consent: consentOf(deps),
          connection:
            admin && ((user) => admin.section({ user, client: deps.slackClient(), context: deps.home })),
        },
        logger,
      ),
  );
  admin?.register(app);
  registerCommand(app, logger, consentOf);
  registerActions(app, logger, consentOf, homeOf);
  registerHome(
    app,
    homeOf,
    logger,
    admin &&
      (async (user, client, context) => connectionHomeView(await admin.section({ user, client, context }))),
  );
  registerDirectMessages(app, logger);
  registerWorkflowStep(app, logger);
  registerShortcut(app, logger);
  registerUnfurls(app, logger, consentOf);
  registerMentions(app, logger, { watchChannelIds: options.watchChannelIds });
  registerLifecycle(
    app,
    {
      subscriptionsOf: (context) => options.lifecycle?.subscriptionsOf(context),
      ...(options.lifecycle?.onUninstalled && { onUninstalled: options.lifecycle.onUninstalled }),
      revocation,
      ...(oauth && options.installationStore && { installations: options.installationStore }),
      ...(oauth && options.retention && { retention: options.retention }),
    },
    logger,
  );

  const started = await app.start(options.port);
  const address = mode.kind !== 'socket' ? (started as Server).address() : undefined;
  const port = typeof address === 'object' && address ? address.port : undefined;
  logger.info('slack.started', { mode: mode.kind, port });
  const postClient = new webApi.WebClient(mode.kind === 'oauth' ? undefined : mode.botToken, {
    slackApiUrl: options.apiUrl,
    logger: boltLogger(logger),
    timeout: WEB_API_TIMEOUT_MS,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    fetch: limits.once,
  });
  return {
    app,
    port,
    postClient,
    botId: typeof auth.bot_id === 'string' ? auth.bot_id : undefined,
    stop: () => app.stop() as Promise<void>,
    close: () => http.close(),
    revocation,
    authorize: oauth && installer ? (query) => installer.authorize(query) : undefined,
    workspaceSlack: () =>
      workspaceSlack({ apiUrl: options.apiUrl, logger, fetch: http.fetch, clientLogger: boltLogger(logger) }),
    gate:
      single &&
      subscriptionGate(single.policy, {
        slackConnectAllowed: options.slackConnectAllowed,
        sharedStatus: (channel) => single.connect.sharedStatus(channel),
        isExternalUser: (user) => single.connect.isExternalUser(user, logger),
      }),
  };
}

/**
 * The Home tab's Focus connection part (distribution mode). After a change, the person's whole tab
 * is published again: their workspace resolved anew (its stack was just dropped), or, not
 * connected, the connection part alone.
 */
function focusConnectionAdmin(
  options: SlackAppOptions,
  resolver: () => WorkspaceResolver,
  homeTabs: () => HomeTabOf,
): FocusConnectionAdmin | undefined {
  const connections = options.connections;
  if (!connections) return undefined;
  const { logger, installationStore } = options;
  const admin: FocusConnectionAdmin = new FocusConnectionAdmin({
    store: connections.store,
    logger,
    onChanged: connections.onChanged,
    provisioned: connections.provisioned,
    allowLocalHttp: connections.allowLocalHttp,
    // Read without the token refresh's lock: this needs the installer, not a token.
    installerOf: async (_key, context) =>
      installationStore?.installerOf({
        teamId: context.teamId,
        enterpriseId: context.enterpriseId,
        isEnterpriseInstall: context.isEnterpriseInstall === true,
      }),
    republish: async ({ user, client, context, notice }) => {
      const resolved = await resolver()({ ...context, client }).catch(
        (): Resolved => ({ status: 'unavailable' }),
      );
      try {
        if (resolved.status === 'ready') {
          await homeTabs()(resolved.deps).opened(user, undefined, context.teamId, notice);
          return;
        }
        const view = connectionHomeView(await admin.section({ user, client, context, notice }));
        await client.views.publish({ user_id: user, view });
      } finally {
        if (resolved.status === 'ready') resolved.done?.();
      }
    },
  });
  return admin;
}
