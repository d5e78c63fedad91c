/**
 * The App Home tab (`app_home_opened`, tab `home`): published with `views.publish` each time the
 * person opens it, and again after each of its buttons. What it shows is decided for that person
 * now, as every answer is: their link to Focus and its rights (the access policy, with the app's
 * DM with them as the conversation, as a direct message would be), the subscriptions they made,
 * the other subscriptions of those channels when they are in the channel and the policy allows
 * them there, their kept preview choices, their recent lookups (only while the policy answers
 * them), and help. Someone from another organisation gets the refusal alone.
 *
 * Every press is decided again from scratch, for the subscription's channel: Pause, Unsubscribe
 * and Forget need only a member of the organisation (as `/focus unsubscribe` and `/focus previews
 * forget` do: stopping is always allowed); Resume needs everything `/focus subscribe` needs there.
 * Only a subscription's maker gets its buttons, and a press on someone else's is refused. The
 * channel is told what changed, as the commands tell it, unless it is Slack Connect.
 */
import type { App, BlockAction, ButtonAction, Context } from '@slack/bolt';
import { LRUCache } from 'lru-cache';
import { decodeHome, encodeHome } from '../../domain/home.js';
import type { Asker } from '../../domain/interaction.js';
import type { Logger } from '../../domain/logger.js';
import { RIGHT_KINDS, type RightKind } from '../../domain/rights.js';
import type { Subscription } from '../../domain/subscription.js';
import { COMMANDS } from '../../parse/index.js';
import type { Block, Card } from '../../render/blocks.js';
import {
  type HomeModel,
  type HomeView,
  homeChangeCard,
  homePage,
  homeRefusedView,
  homeView,
  type LinkStatus,
} from '../../render/home.js';
import { withheldText } from '../../render/kit.js';
import { escapeEntities } from '../../render/mrkdwn.js';
import { targetLabel, unsubscribedCard } from '../../render/subscription.js';
import { type WorkspaceProblem, workspaceProblemView } from '../../render/workspace.js';
import type { SubscriptionService } from '../../subscriptions/service.js';
import { afterAck, checkAccess, conversationMaySee, deliver, type SurfaceDeps } from '../answer/deliver.js';
import { logUnready, workspaceOf } from '../answer/workspace.js';
import { newAsker } from '../inbound/request.js';
import type { UnfurlConsent } from './consent.js';
import { subscribeRightMissing } from './subscribe.js';

export type HomeButton = 'pause' | 'resume' | 'unsubscribe' | 'forget' | 'page';

export interface HomeDeps {
  /** This workspace's consent (its kept preview choices). */
  consent: UnfurlConsent;
  /** Distribution mode: the Focus connection section for this person (focus-connection.ts). */
  connection?: ((user: string) => Promise<Block[]>) | undefined;
}

/** The Home tab of a workspace (one per workspace, made on its first request). */
export type HomeTabOf = (deps: SurfaceDeps) => HomeTab;

/**
 * `app_home_opened` (tab `home`): the person's Home tab in their workspace, or, when Focus cannot
 * answer that workspace, why (and who can connect it).
 */
export function registerHome(
  app: App,
  homeOf: HomeTabOf,
  logger: Logger,
  /** Distribution mode: the tab of a workspace not connected yet (the connection section alone). */
  notConnected?: (user: string, client: App['client'], context: Context) => Promise<HomeView>,
): void {
  app.event('app_home_opened', async ({ event, body, context, client }) => {
    // The Messages tab opens a DM, not this view.
    if (event.tab !== 'home') return;
    await afterAck();
    const workspace = await workspaceOf(context);
    if (workspace.status !== 'ready') {
      logUnready(logger, 'home', workspace, context);
      if (workspace.status === 'not_connected' && notConnected) {
        const view = await notConnected(event.user, client, context);
        await client.views
          .publish({ user_id: event.user, view })
          .catch((error: unknown) => logger.error('slack.delivery_failed', { surface: 'home', error }));
        return;
      }
      await publishProblem(client, event.user, workspace.status, logger);
      return;
    }
    const team = (body as { team_id?: unknown }).team_id;
    await homeOf(workspace.deps).opened(
      event.user,
      event.channel,
      typeof team === 'string' ? team : undefined,
    );
  });
}

/** A press, already acknowledged (`actions.ts`). */
interface ButtonArgs {
  body: BlockAction<ButtonAction>;
  action: ButtonAction;
}

/** The Home tab of a workspace Focus cannot answer: why, and who can connect it. */
export async function publishProblem(
  client: App['client'],
  user: string,
  problem: WorkspaceProblem,
  logger: Logger,
): Promise<void> {
  await client.views
    .publish({ user_id: user, view: workspaceProblemView(problem) })
    .catch((error: unknown) => logger.error('slack.delivery_failed', { surface: 'home', error }));
}

/** What each kind of answer shows, for "without this right you see no …". */
const SHOWS: Record<RightKind, string> = {
  phone: 'phone number lookups',
  person: 'people',
  recording: 'recording cards',
  comments: 'comments',
  recordings: 'recordings on phone and person cards or in subscriptions',
  user: 'portal users',
  retention: 'retention groups',
};

/** Whose channels a person is in, asked of Slack at most once a minute per person. */
const MEMBERSHIP_MS = 60_000;
const MEMBERSHIP_PAGES = 5;

export class HomeTab {
  private readonly memberships = new LRUCache<string, ReadonlySet<string>>({
    max: 5_000,
    ttl: MEMBERSHIP_MS,
  });

  private readonly home: HomeDeps & { subscriptions: SubscriptionService | undefined };

  constructor(
    private readonly deps: SurfaceDeps,
    home: HomeDeps,
    private readonly logger: Logger,
  ) {
    // The workspace's own subscriptions (absent where they are not served).
    this.home = {
      consent: home.consent,
      subscriptions: deps.subscriptions,
      connection: home.connection,
    };
  }

  private get client(): App['client'] {
    return this.deps.slackClient();
  }

  /** The person opened the tab (or changed its Focus connection, `notice` saying so): publish it now. */
  async opened(
    user: string,
    dm: string | undefined,
    team: string | undefined,
    notice?: string,
  ): Promise<void> {
    const asker = await this.asker(user, dm, team);
    await this.publish(asker, dm, 0, notice);
  }

  /** A press on one of the Home tab's buttons (acknowledged). Never throws. */
  async answerButton(kind: HomeButton, { body, action }: ButtonArgs): Promise<void> {
    const meta = decodeHome(body.view?.private_metadata) ?? {};
    const value = decodeHome(action.value);
    const user = body.user.id;
    const team = body.team?.id;
    const viewer = await this.asker(user, meta.ch, team, body.user.team_id, body.enterprise?.id);
    if (!value) {
      viewer.logger.warn('slack.bad_action_value', { action: action.action_id });
      await this.publish(
        viewer,
        meta.ch,
        meta.o ?? 0,
        'That button no longer works; here is the Home tab as it is now.',
      );
      return;
    }
    let notice: string | undefined;
    if (kind === 'forget' && value.ch) notice = await this.forget(value.ch, viewer);
    if ((kind === 'pause' || kind === 'resume' || kind === 'unsubscribe') && value.s !== undefined)
      notice = await this.change(kind, value.s, viewer);
    await this.publish(viewer, meta.ch, value.o ?? meta.o ?? 0, notice);
  }

  /**
   * The person, as the Home tab sees them: in the app's DM with them (where Slack says it is),
   * from another organisation or not as `users.info` says (the event does not).
   */
  private async asker(
    user: string,
    dm: string | undefined,
    team: string | undefined,
    userTeam?: string,
    enterprise?: string,
  ): Promise<Asker> {
    const asker = newAsker(
      'home',
      { user, channel: dm, team, userTeam, enterprise },
      this.deps.home,
      this.logger,
    );
    asker.external ??= await this.deps.connect.isExternalUser(user, asker.logger);
    return asker;
  }

  private async publish(
    asker: Asker,
    dm: string | undefined,
    offset: number,
    notice?: string,
  ): Promise<void> {
    const user = asker.user as string;
    const view = await this.view(asker, dm, offset, notice).catch((error: unknown) => {
      asker.logger.error('home.failed', { error });
      return homeRefusedView(
        'Focus for Slack could not show this just now. Please open the tab again in a moment.',
      );
    });
    await deliver(this.deps, asker, () => this.client.views.publish({ user_id: user, view }));
  }

  /** The Home tab for this person now. */
  private async view(
    asker: Asker,
    dm: string | undefined,
    offset: number,
    notice?: string,
  ): Promise<HomeView> {
    const denial = await checkAccess(this.deps, asker);
    if (denial?.reason === 'external_user') return homeRefusedView(denial.message);
    const user = asker.user as string;
    const link: LinkStatus = denial
      ? { kind: 'refused', reason: denial.reason, message: denial.message }
      : this.linkStatus(asker);
    const own = (await this.home.subscriptions?.createdBy(user)) ?? [];
    const page = homePage(own, offset);
    const members = page.channels.length > 0 ? await this.channelsOf(user, asker.logger) : new Set<string>();
    const channels = await Promise.all(
      page.channels.map(async (c) => ({ ...c, others: await this.others(c.channel, asker, members) })),
    );
    const model: HomeModel = {
      notice,
      connection: await this.home.connection?.(user),
      link,
      subscriptions: { channels, total: own.length, offset: page.offset },
      previews: {
        mode: this.home.consent.mode,
        channels: await this.home.consent.keptChannels(asker.team, user, asker.logger),
      },
      recent: await this.recent(user, denial !== undefined, asker),
      help: COMMANDS,
      privateMetadata: encodeHome({ ...(dm && { ch: dm }), o: page.offset }),
    };
    asker.logger.info('audit', {
      surface: asker.surface,
      kind: 'home',
      outcome: denial ? `refused:${denial.reason}` : 'shown',
      user,
      team: asker.team,
      subscriptions: own.length,
      ...(asker.linked && { focusUser: asker.linked.id }),
    });
    return homeView(model);
  }

  private linkStatus(asker: Asker): LinkStatus {
    const linked = asker.linked;
    if (!this.deps.policy.requireLinkedUser || !linked) return { kind: 'not_required' };
    const byRight = new Map<string, string[]>();
    for (const kind of RIGHT_KINDS) {
      const right = this.deps.policy.missing(kind, asker);
      if (right) byRight.set(right, [...(byRight.get(right) ?? []), SHOWS[kind]]);
    }
    return {
      kind: 'linked',
      username: linked.username,
      id: linked.id,
      rights: linked.rights,
      missing: [...byRight].map(([right, what]) => ({ right, what })),
    };
  }

  private async recent(user: string, refused: boolean, asker: Asker): Promise<HomeModel['recent']> {
    if (!this.deps.recent) return 'off';
    if (refused) return 'withheld';
    return this.deps.recent.list(user).catch((error: unknown) => {
      asker.logger.warn('home.recent_unreadable', { error });
      return [];
    });
  }

  /**
   * The channel's subscriptions made by others, when the person may see them: they are in the
   * channel (as `/focus subscriptions` there needs) and the access policy allows them there.
   */
  private async others(
    channel: string,
    asker: Asker,
    members: ReadonlySet<string>,
  ): Promise<Subscription[] | undefined> {
    const user = asker.user as string;
    if (!members.has(channel) || !(await this.deps.policy.check({ ...asker, channel })).allowed)
      return undefined;
    return ((await this.home.subscriptions?.list(channel)) ?? []).filter((s) => s.createdBy !== user);
  }

  /** The channels a person is in that the app can see (`users.conversations`); none when Slack cannot say. */
  private async channelsOf(user: string, logger: Logger): Promise<ReadonlySet<string>> {
    const known = this.memberships.get(user);
    if (known) return known;
    const channels = new Set<string>();
    try {
      let cursor: string | undefined;
      for (let page = 0; page < MEMBERSHIP_PAGES; page++) {
        const answer = await this.client.users.conversations({
          user,
          types: 'public_channel,private_channel',
          exclude_archived: false,
          limit: 1_000,
          ...(cursor && { cursor }),
        });
        for (const c of answer.channels ?? []) if (c.id) channels.add(c.id);
        cursor = answer.response_metadata?.next_cursor || undefined;
        if (!cursor) break;
      }
    } catch (error) {
      // Fail closed: other people's subscriptions are not shown until Slack answers.
      logger.warn('home.membership_unknown', { error });
      return channels;
    }
    this.memberships.set(user, channels);
    return channels;
  }

  /** Pause, Resume or Unsubscribe on one subscription: what the Home tab then says. */
  private async change(
    action: 'pause' | 'resume' | 'unsubscribe',
    id: number,
    viewer: Asker,
  ): Promise<string> {
    const service = this.home.subscriptions;
    const user = viewer.user as string;
    const sub = (await service?.createdBy(user))?.find((s) => s.id === id);
    if (!service || !sub) {
      viewer.logger.info('home.not_theirs', { action, subscription: id });
      return ':information_source: That subscription is gone, or it is not one you made.';
    }
    // Decided for the subscription's channel, as the command there would be.
    const asker = newAsker(
      'home',
      { user, channel: sub.channel, team: viewer.team, userTeam: viewer.team },
      this.deps.home,
      this.logger,
    );
    asker.external = viewer.external;
    const denial = await checkAccess(this.deps, asker);
    if (denial?.reason === 'external_user' || (denial && action === 'resume'))
      return `:lock: ${escapeEntities(denial.message)}`;
    const maySee = await conversationMaySee(this.deps, asker);
    if (action === 'resume') {
      if (!maySee)
        return ':lock: That channel is shared with another organisation (Slack Connect), or I am not in it, so recordings are not posted there.';
      const right = subscribeRightMissing(this.deps, asker, sub.target.kind);
      if (right) return `:lock: ${withheldText('resume it', right)}`;
    }
    try {
      await service.change(action, sub, { channel: sub.channel, team: asker.team, user }, asker.logger);
    } catch (error) {
      asker.logger.error('home.change_failed', { action, subscription: id, error });
      return `:warning: That could not be done just now. Please try again in a moment (reference \`${asker.requestId}\`).`;
    }
    // The channel sees who made it follow what, and who stopped it, as with the commands.
    if (maySee) {
      const card: Card =
        action === 'unsubscribe' ? unsubscribedCard([sub], user) : homeChangeCard(sub, user, action);
      await deliver(
        this.deps,
        asker,
        () => this.client.chat.postMessage({ channel: sub.channel, text: card.text, blocks: card.blocks }),
        'channel notice',
      );
    }
    const what = `${targetLabel(sub.target)} in <#${sub.channel}>`;
    if (action === 'pause')
      return sub.paused
        ? `:information_source: ${what} was already paused.`
        : `:double_vertical_bar: Paused ${what}.`;
    return action === 'resume' ? `:arrow_forward: Resumed ${what}.` : `:no_bell: Unsubscribed ${what}.`;
  }

  private async forget(channel: string, viewer: Asker): Promise<string> {
    const asker = newAsker(
      'home',
      { user: viewer.user, channel, team: viewer.team, userTeam: viewer.team },
      this.deps.home,
      this.logger,
    );
    asker.external = viewer.external;
    const denial = await checkAccess(this.deps, asker);
    if (denial?.reason === 'external_user') return `:lock: ${escapeEntities(denial.message)}`;
    const had = await this.home.consent.forget(viewer.team, channel, viewer.user as string, asker.logger);
    const where = channel.startsWith('D') ? 'that direct message' : `<#${channel}>`;
    return had
      ? `:information_source: Links you paste in ${where} will be previewed only after you say so again.`
      : `:information_source: Nothing was kept for ${where}.`;
  }
}
