/**
 * Distribution mode's subscription posting: one process-wide lease (`AppState.holdsLease` and its
 * fence cover every workspace), and per workspace with subscriptions not paused its own
 * `SubscriptionPoller`, made on first need and kept while it has work:
 *
 * - at each interval the workspaces with active subscriptions are listed from the store (so one
 *   subscribed anywhere, by any replica, is picked up), and each is polled in turn;
 * - a poll reads the workspace's installation first, as Bolt authorizes a request (a token about
 *   to expire is refreshed first; a rotated or reinstalled token is used at once; none:
 *   uninstalled, nothing is polled, the subscriptions are kept for a reinstall), then holds its
 *   Focus tenant's stack from the registry for the poll only (the stack may be released while the
 *   workspace is idle, and is built again on its next poll);
 * - its posts go through its own `ChannelPoster` (its own pacing and in-flight posts) with Slack
 *   clients made with its token (its own rate limits and revocation), each passing its own gate:
 *   the access policy with its connection's choice of linked users, and its Slack Connect
 *   knowledge asked with its token;
 * - a workspace no longer listed, uninstalled, or whose connection is gone has its poller
 *   stopped (the poll under way and its posts end first); a replaced or removed connection stops
 *   the pollers on it at once, and the next round starts a new one where there is a connection;
 * - `focus_slack_subscriptions` is the round's sum over workspaces; polls and posts are counted
 *   per workspace poll, into the same (unlabelled by workspace) metrics.
 *
 * Why one poller per workspace rather than one poller over all of them: a poller's search,
 * endpoints and gate are one tenant's and one token's, and its delivery keeps per-subscription
 * queues that must not outlive the token they post with. Polls of different workspaces are
 * independent, so one tenant's Focus outage leaves the others' posts on time.
 */

import { subscriptionGate } from '../access/subscription-gate.js';
import { Every } from '../domain/every.js';
import type { Logger } from '../domain/logger.js';
import type { PostFence } from '../domain/post-fence.js';
import type { Gate, PollReport } from '../domain/subscription.js';
import type { Metrics } from '../metrics.js';
import { type SharedParts, workspaceDeps } from '../slack/answer/workspace.js';
import type { AuthorizeQuery, InstallationTokens } from '../slack/app.js';
import { ChannelPoster } from '../slack/outbound/channel-poster.js';
import type { WorkspaceSlack } from '../slack/outbound/workspace-slack.js';
import type { StateStore } from '../state/index.js';
import { scopedState } from '../state/scoped.js';
import type { WorkspaceSubscriptions } from '../state/subscriptions.js';
import { SubscriptionPoller } from '../subscriptions/poller.js';
import type { TenantLease, TenantRegistry } from './registry.js';
import type { TenantStack } from './stack.js';

export interface TenantSubscriptionsOptions {
  store: WorkspaceSubscriptions;
  registry: Pick<TenantRegistry, 'acquire'>;
  /**
   * The installation's tokens as Bolt authorizes a request with them (`RunningSlackApp.authorize`):
   * a rotating token about to expire is refreshed first, under the installation's refresh lock,
   * so a poll never posts with an expired token nor holds the lock without refreshing.
   */
  authorize: (query: AuthorizeQuery) => Promise<InstallationTokens>;
  /** Each workspace's Slack clients for a token (`RunningSlackApp.workspaceSlack`). */
  workspaceSlack: () => (token: string) => WorkspaceSlack;
  shared: SharedParts;
  /** The shared state store: each workspace's linked-user answers under its own keys. */
  state: StateStore;
  /** The store that holds the subscriptions, as key-value: the posts that got no answer. */
  unanswered: StateStore;
  intervalMs: number;
  postIntervalMs: number;
  holdsLease: () => boolean;
  fence?: PostFence | undefined;
  logger: Logger;
  metrics?: Pick<Metrics, 'workspacePoll' | 'subscriptionsPolled' | 'subscriptionPost' | 'badRecord'>;
}

/** What one workspace polls with: its tenant's stack, its token's clients, its poller. */
interface Unit {
  key: string;
  stack: TenantStack;
  /** The connection key its stack was built for (the workspace's own, or its organisation's). */
  tenant: string;
  /** Active subscriptions as of its last poll that read them (for the round's sum). */
  subscriptions: number;
  poller: SubscriptionPoller;
  /** The workspace's Slack clients for a token (made anew when it changes). */
  slackFor: (token: string) => WorkspaceSlack;
  /** The token and bot id the next posts use (set from the installation at each poll). */
  current: { slack: WorkspaceSlack; botId: string | undefined } | undefined;
}

/** An installation as this needs it: its bot's token and id, its organisation. */
interface BotOf {
  token: string;
  botId: string | undefined;
  enterpriseId: string | undefined;
}

export class TenantSubscriptions {
  private readonly units = new Map<string, Unit>();
  /** A round over every workspace every poll interval, one at a time. */
  private readonly every: Every<void>;

  constructor(private readonly options: TenantSubscriptionsOptions) {
    this.every = new Every(options.intervalMs, () => this.round());
  }

  start(): void {
    this.every.start();
  }

  /** No new poll starts; the polls under way and their posts end first. */
  async stop(): Promise<void> {
    await this.every.stop();
    await Promise.all([...this.units.keys()].map((key) => this.retire(key, 'shutdown')));
  }

  /** Drops what the workspace's poller holds for these subscriptions (unsubscribed, paused, channel gone). */
  halt(key: string, ids: readonly number[]): void {
    this.units.get(key)?.poller.halt(ids);
  }

  /** The workspace was uninstalled: its poller stops now (its subscriptions stay for a reinstall). */
  uninstalled(key: string): void {
    void this.retire(key, 'uninstalled');
  }

  /**
   * A connection was replaced or removed (Home tab, provisioning): every poller polling that
   * tenant stops now, rather than at the next round; the next round starts one on the
   * connection as it is then, if any.
   */
  connectionChanged(tenant: string): void {
    for (const unit of [...this.units.values()])
      if (unit.tenant === tenant) void this.retire(unit.key, 'connection_changed');
  }

  /** One round over every workspace with active subscriptions (the timer's; tests). Never throws. */
  tick(): Promise<void> {
    return this.every.now();
  }

  private async round(): Promise<void> {
    const metrics = this.options.metrics;
    if (!this.options.holdsLease()) {
      // As the single-workspace poller reports it: a replica without the lease polls none.
      metrics?.subscriptionsPolled(0);
      return;
    }
    let keys: string[];
    try {
      keys = await this.options.store.subscribedWorkspaces();
    } catch (error) {
      this.options.logger.warn('subscriptions.workspaces_unread', { error });
      return;
    }
    const listed = new Set(keys);
    for (const key of this.units.keys())
      if (!listed.has(key)) void this.retire(key, 'no_active_subscriptions');
    for (const key of keys) {
      if (!this.every.active) return;
      await this.pollWorkspace(key).catch((error: unknown) =>
        this.options.logger.warn('subscriptions.workspace_poll_failed', { workspace: key, error }),
      );
    }
    // The gauge is the round's sum over workspaces (one workspace's poll would overwrite it); a
    // workspace whose poll failed counts as of its last poll that read them.
    let total = 0;
    for (const unit of this.units.values()) total += unit.subscriptions;
    metrics?.subscriptionsPolled(total);
  }

  private async pollWorkspace(key: string): Promise<PollReport | undefined> {
    const bot = await this.botOf(key);
    if (!bot) {
      await this.retire(key, 'not_installed');
      return undefined;
    }
    const lease = await this.tenantOf(key, bot);
    if (!lease) {
      await this.retire(key, 'not_connected');
      return undefined;
    }
    try {
      let unit = this.units.get(key);
      // A replaced connection (or a stack released while idle) comes with a new poller.
      if (unit && unit.stack !== lease.stack) {
        await this.retire(key, 'tenant_rebuilt');
        unit = undefined;
      }
      unit ??= this.unitFor(key, lease);
      // The installation's token now: a rotated or reinstalled one is used from this poll on.
      unit.current = { slack: unit.slackFor(bot.token), botId: bot.botId };
      const report = await unit.poller.poll();
      if (report.ok) unit.subscriptions = report.subscriptions;
      return report;
    } finally {
      lease.release();
    }
  }

  /** The workspace's installation: its bot token, read (and refreshed when due) at each poll. */
  private async botOf(key: string): Promise<BotOf | undefined> {
    const orgWide = key.startsWith('E');
    const query: AuthorizeQuery = orgWide
      ? { enterpriseId: key, teamId: undefined, isEnterpriseInstall: true }
      : { teamId: key, enterpriseId: undefined, isEnterpriseInstall: false };
    const tokens = await this.options.authorize(query).catch((error: unknown) => {
      // Nothing installed there (uninstalled) is the usual cause; a failed refresh is the other.
      this.options.logger.debug('subscriptions.workspace_unauthorized', { workspace: key, error });
      return undefined;
    });
    const token = tokens?.botToken;
    if (!token) return undefined;
    return { token, botId: tokens.botId, enterpriseId: tokens.enterpriseId };
  }

  /**
   * The Focus tenant a workspace's requests are answered from: its own connection, else its
   * organisation's (an org-wide install: the organisation's only; `workspaces.ts` serves
   * subscriptions there only when that is the one answering).
   */
  private async tenantOf(key: string, bot: BotOf): Promise<TenantLease | undefined> {
    for (const candidate of new Set([key, bot.enterpriseId])) {
      if (!candidate) continue;
      const lease = await this.options.registry.acquire(candidate);
      if (lease) return lease;
    }
    return undefined;
  }

  private unitFor(key: string, lease: TenantLease): Unit {
    const { options } = this;
    const stack = lease.stack;
    const logger = options.logger.child({ workspace: key });
    // Asked at each call, after the poll has set the token (closures over `unit`, run later).
    const slack = (): WorkspaceSlack => {
      if (!unit.current) throw new Error(`no token for workspace ${key} yet`);
      return unit.current.slack;
    };
    const deps = workspaceDeps(
      {
        answerer: stack.answerer,
        findPortalUsers: (search) => stack.cache.searchUsers(search),
        home: key.startsWith('E') ? { enterpriseId: key } : { teamId: key },
        client: () => slack().client,
        state: scopedState(options.state, key),
        subscriptions: undefined,
      },
      // The connection's own choice of linked users, as its requests are answered.
      { ...options.shared, access: { ...options.shared.access, requireLinkedUser: stack.requireLinkedUser } },
    );
    const gate: Gate = subscriptionGate(deps.policy, {
      slackConnectAllowed: options.shared.slackConnectAllowed,
      sharedStatus: (channel) => deps.connect.sharedStatus(channel),
      isExternalUser: (user) => deps.connect.isExternalUser(user, logger),
    });
    const metrics = options.metrics;
    const unit: Unit = {
      key,
      stack,
      tenant: lease.key,
      subscriptions: 0,
      slackFor: options.workspaceSlack(),
      current: undefined,
      poller: new SubscriptionPoller({
        store: options.store.subscriptionsOf(key),
        client: stack.client,
        endpoints: stack.endpoints.sources,
        resolver: stack.endpoints,
        publisher: new ChannelPoster({
          client: () => slack().postClient,
          botId: () => unit.current?.botId,
          links: stack.links,
          logger,
          unanswered: scopedState(options.unanswered, key),
          intervalMs: options.postIntervalMs,
          revoked: () => unit.current?.slack.revocation.revoked?.reason,
        }),
        gate,
        logger,
        intervalMs: options.intervalMs,
        holdsLease: options.holdsLease,
        ...(options.fence && { fence: options.fence }),
        ...(metrics && {
          onPoll: metrics.workspacePoll,
          onPost: metrics.subscriptionPost,
          onBadRecord: metrics.badRecord,
        }),
      }),
    };
    this.units.set(key, unit);
    options.logger.info('subscriptions.workspace_started', { workspace: key });
    return unit;
  }

  /** Stops the workspace's poller (its poll under way and its posts end first). */
  private async retire(key: string, why: string): Promise<void> {
    const unit = this.units.get(key);
    if (!unit) return;
    this.units.delete(key);
    this.options.logger.info('subscriptions.workspace_stopped', { workspace: key, why });
    await unit.poller.stop();
  }
}
