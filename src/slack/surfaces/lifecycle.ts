/**
 * What Slack says about a channel or the app itself, and what it does to subscriptions:
 *
 * - shared with another organisation (`channel_shared`), archived (`channel_archive`,
 *   `group_archive`), the app removed (`member_left_channel` for the app's bot user,
 *   `channel_left`, `group_left`): every subscription of the channel is paused at once (reasons
 *   `shared_channel`, `is_archived`, `bot_removed`), what is queued for them is dropped, and each
 *   subscriber is told once by DM (not in the channel: it takes no posts, or now includes
 *   another organisation);
 * - `channel_unarchive`, `channel_unshared`: logged; nothing resumes (only a new
 *   `/focus subscribe` does). `channel_unshared` forgets the channel's Slack Connect status;
 * - deleted (`channel_deleted`, `group_deleted`): every subscription of the channel is removed,
 *   with its cursor and delivered ids;
 * - `app_uninstalled`, `tokens_revoked` naming the bot: the token is gone (see revocation.ts).
 *   In distribution mode (`installations` given) only that installation's: its tokens are
 *   deleted from the installation store, whichever of the two events comes first (Bolt runs
 *   neither through authorization, so the second finds the same ids in its context and deletes
 *   nothing more), and the uninstall is marked (`retention`): the workspace's other data goes
 *   after the retention window (state/retention.ts); the first event's time starts it. A
 *   reinstall stores a new installation in its place and clears the mark.
 * - `team_access_revoked` (an org-wide app removed from some of the organisation's workspaces):
 *   a workspace-level installation of those workspaces, if one was kept, is deleted and what is
 *   kept under those workspaces' own ids marked the same way; the organisation's own
 *   installation stays, and keeps serving its other workspaces.
 *
 * The subscriptions acted on are those of the installation the event came through (Bolt's
 * context, never the event's `team`: a Slack Connect channel's events come to each organisation's
 * installation): in distribution mode each workspace's own, and an uninstall there stops that
 * workspace's poller (its subscriptions are kept, and polled again once a reinstall brings a token,
 * as single-workspace mode's are after a reinstall and restart).
 *
 * An event without the fields it needs is logged and ignored.
 */
import type { App, Context, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Logger } from '../../domain/logger.js';
import { installationKey } from '../../domain/tenant.js';
import { channelStoppedCard } from '../../render/subscription.js';
import type { UninstallRetention } from '../../state/retention.js';
import type { Subscription, SubscriptionStore } from '../../state/subscriptions.js';
import type { ConnectChannels } from '../answer/connect.js';
import { workspaceOf } from '../answer/workspace.js';
import type { SlackRevocation } from '../outbound/revocation.js';

export type PauseReason = 'shared_channel' | 'is_archived' | 'bot_removed';

/** One installation's subscriptions, as lifecycle events act on them. */
export interface LifecycleSubscriptions {
  store: Pick<SubscriptionStore, 'pauseChannel' | 'removeChannel' | 'list'>;
  /** Drops what the poller has queued for these subscriptions. */
  halt(ids: readonly number[]): void;
}

export interface LifecycleDeps {
  /** The subscriptions of the installation an event came through (none: nothing to act on). */
  subscriptionsOf(context: InstallContext): LifecycleSubscriptions | undefined;
  revocation: SlackRevocation;
  /** Distribution mode: uninstalls delete the installation here instead of stopping the app. */
  installations?: Required<Pick<InstallationStore, 'deleteInstallation'>>;
  /** Distribution mode: an uninstalled workspace's other data goes after the retention window. */
  retention?: Pick<UninstallRetention, 'uninstalled'>;
  /** Distribution mode: after an uninstall deleted this installation key's tokens. */
  onUninstalled?(key: string): void;
  now?: () => Date;
}

/** What Bolt's context says about the installation an event came through. */
export interface InstallContext {
  botUserId?: string;
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}

type Client = App['client'];

export function registerLifecycle(app: App, deps: LifecycleDeps, logger: Logger): void {
  const channelOf = (event: unknown): string | undefined => {
    const channel = (event as { channel?: unknown } | null)?.channel;
    if (typeof channel === 'string' && channel !== '') return channel;
    logger.warn('slack.lifecycle_invalid', {
      type: (event as { type?: unknown } | null)?.type,
      problem: 'no channel id',
    });
    return undefined;
  };
  type Args = { event: { type: string }; body: unknown; client: Client; context: Context };
  /** The workspace's Slack Connect knowledge (none when Focus cannot answer it: nothing to keep). */
  const connectOf = async (context: Context): Promise<ConnectChannels | undefined> => {
    const workspace = await workspaceOf(context);
    return workspace.status === 'ready' ? workspace.deps.connect : undefined;
  };
  const pause =
    (reason: PauseReason) =>
    async ({ event, client, context }: Args) => {
      const channel = channelOf(event);
      if (channel) await pauseChannel(channel, reason, event.type, client, context, deps, logger);
    };
  const teamOf = (body: unknown) => (body as { team_id?: unknown }).team_id;
  const removal: Removal | undefined = deps.installations && {
    installations: deps.installations,
    retention: deps.retention,
    onUninstalled: deps.onUninstalled,
  };
  const handlers: Record<string, (args: Args) => Promise<void>> = {
    channel_shared: async ({ event, client, context }) => {
      const channel = channelOf(event);
      if (!channel) return;
      (await connectOf(context))?.markShared(channel);
      await pauseChannel(channel, 'shared_channel', event.type, client, context, deps, logger);
    },
    channel_unshared: async ({ event, context }) => {
      const channel = channelOf(event);
      if (!channel) return;
      (await connectOf(context))?.forget(channel);
      await stillPaused(channel, event.type, deps.subscriptionsOf(context), logger);
    },
    channel_archive: pause('is_archived'),
    group_archive: pause('is_archived'),
    channel_unarchive: async ({ event, context }) => {
      const channel = channelOf(event);
      if (channel) await stillPaused(channel, event.type, deps.subscriptionsOf(context), logger);
    },
    channel_deleted: async ({ event, context }) => {
      const channel = channelOf(event);
      if (channel) await removeChannel(channel, event.type, deps.subscriptionsOf(context), logger);
    },
    group_deleted: async ({ event, context }) => {
      const channel = channelOf(event);
      if (channel) await removeChannel(channel, event.type, deps.subscriptionsOf(context), logger);
    },
    member_left_channel: async (args) => {
      const user = (args.event as { user?: unknown }).user;
      if (typeof user !== 'string' || user === '') {
        logger.warn('slack.lifecycle_invalid', { type: args.event.type, problem: 'no user id' });
        return;
      }
      // Someone else leaving changes nothing here.
      if (args.context.botUserId === undefined || user !== args.context.botUserId) return;
      await pause('bot_removed')(args);
    },
    channel_left: pause('bot_removed'),
    group_left: pause('bot_removed'),
    app_uninstalled: async ({ body, context }) => {
      if (removal) await uninstall(removal, context, 'app_uninstalled', logger);
      else deps.revocation.revoke('app_uninstalled', { team: teamOf(body) });
    },
    tokens_revoked: async ({ event, body, context }) => {
      const tokens = (event as { tokens?: { bot?: unknown; oauth?: unknown } }).tokens;
      const bot = Array.isArray(tokens?.bot) ? tokens.bot.length : 0;
      const oauth = Array.isArray(tokens?.oauth) ? tokens.oauth.length : 0;
      if (bot > 0) {
        if (removal) await uninstall(removal, context, 'tokens_revoked', logger);
        else deps.revocation.revoke('tokens_revoked', { team: teamOf(body) });
        return;
      }
      // Only user tokens: this app uses none of them.
      logger.info('slack.tokens_revoked_ignored', { bot, oauth, effect: 'the bot token still works' });
    },
    team_access_revoked: async ({ event, context }) => {
      const teams = (event as { team_ids?: unknown }).team_ids;
      const ids = Array.isArray(teams)
        ? teams.filter((t): t is string => typeof t === 'string' && t !== '').slice(0, 1_000)
        : [];
      if (!removal) {
        logger.info('slack.lifecycle', { type: event.type, teams: ids, effect: 'none (single workspace)' });
        return;
      }
      for (const teamId of ids) {
        await remove(
          removal,
          { teamId, enterpriseId: context.enterpriseId, isEnterpriseInstall: false },
          event.type,
          logger,
        );
      }
    },
  };
  // One listener for all of them: Bolt runs every listener's matching chain on every request it
  // receives (slash commands included), so twelve listeners would cost twelve chains each.
  const types = new RegExp(`^(${Object.keys(handlers).join('|')})$`);
  app.event(types, async (args) => {
    const handler = handlers[args.event.type];
    if (handler) await handler(args as unknown as Args);
  });
}

/** The installation the event came through (org-wide: the organisation's), deleted; its poller stopped. */
async function uninstall(store: Removal, context: InstallContext, by: string, logger: Logger): Promise<void> {
  const { teamId, enterpriseId } = context;
  if (context.isEnterpriseInstall && enterpriseId) {
    await remove(store, { enterpriseId, teamId: undefined, isEnterpriseInstall: true }, by, logger);
    store.onUninstalled?.(enterpriseId);
  } else if (teamId) {
    await remove(store, { teamId, enterpriseId, isEnterpriseInstall: false }, by, logger);
    store.onUninstalled?.(teamId);
  } else {
    logger.warn('slack.lifecycle_invalid', { type: by, problem: 'no team or enterprise id' });
  }
}

type Removal = Pick<LifecycleDeps, 'retention' | 'onUninstalled'> & {
  installations: Required<Pick<InstallationStore, 'deleteInstallation'>>;
};

/** The tokens at once; the rest of the workspace's data marked to go after the window. */
async function remove(
  { installations, retention }: Removal,
  query: InstallationQuery<boolean>,
  by: string,
  logger: Logger,
): Promise<void> {
  await installations.deleteInstallation(query);
  logger.warn('slack.uninstalled', {
    by,
    team: query.teamId,
    enterprise: query.enterpriseId,
    orgWide: query.isEnterpriseInstall,
    effect: 'the installation and its tokens were deleted; a reinstall starts with new ones',
  });
  const key = installationKey(query);
  if (retention && key) await retention.uninstalled(key, by);
}

/** Pauses the channel's subscriptions, drops their queued posts, and tells each subscriber once. */
async function pauseChannel(
  channel: string,
  reason: PauseReason,
  type: string,
  client: Client,
  context: InstallContext,
  deps: LifecycleDeps,
  logger: Logger,
): Promise<void> {
  const subs = deps.subscriptionsOf(context);
  const paused = subs ? await subs.store.pauseChannel(channel, reason, deps.now?.() ?? new Date()) : [];
  subs?.halt(paused.map((s) => s.id));
  for (const sub of paused) {
    logger.warn('subscriptions.paused', { subscription: sub.id, channel, reason, by: type });
  }
  if (paused.length === 0) {
    logger.info('slack.lifecycle', { type, channel, subscriptions: 0 });
    return;
  }
  if (deps.revocation.revoked) return;
  for (const [subscriber, subs] of bySubscriber(paused)) {
    const card = channelStoppedCard(subs, reason);
    try {
      // To the app's DM with the subscriber.
      await client.chat.postMessage({
        channel: subscriber,
        text: card.text,
        blocks: card.blocks,
        unfurl_links: false,
        unfurl_media: false,
      });
    } catch (error) {
      logger.warn('subscriptions.notice_failed', {
        channel,
        subscriber,
        subscriptions: subs.map((s) => s.id),
        error,
      });
    }
  }
}

async function removeChannel(
  channel: string,
  type: string,
  subs: LifecycleSubscriptions | undefined,
  logger: Logger,
): Promise<void> {
  const removed = subs ? await subs.store.removeChannel(channel) : [];
  subs?.halt(removed.map((s) => s.id));
  logger.info('subscriptions.channel_removed', {
    channel,
    by: type,
    subscriptions: removed.map((s) => s.id),
  });
}

/** Unarchived or unshared: nothing resumes by itself; the log says what stays paused. */
async function stillPaused(
  channel: string,
  type: string,
  subs: LifecycleSubscriptions | undefined,
  logger: Logger,
): Promise<void> {
  const paused = ((await subs?.store.list(channel)) ?? []).filter((s) => s.paused !== undefined);
  logger.info('slack.lifecycle', {
    type,
    channel,
    paused: paused.map((s) => s.id),
    effect: 'paused subscriptions stay paused until /focus subscribe is run again',
  });
}

function bySubscriber(subs: readonly Subscription[]): Map<string, Subscription[]> {
  const out = new Map<string, Subscription[]>();
  for (const sub of subs) out.set(sub.createdBy, [...(out.get(sub.createdBy) ?? []), sub]);
  return out;
}
