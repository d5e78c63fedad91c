/**
 * One Slack interaction, read once from its payload into the one `Asker`: who asked, from which
 * organisation, where, whether the conversation is shared, the reference id and a logger that
 * carries it. Nothing below reads the raw payload for these fields again.
 *
 * External (Slack Connect) users: the asker's own workspace and organisation, where the payload
 * gives them (`user.team_id`, an event's `user_team`, a command's `team_id` / `enterprise_id`), are
 * compared with the installation's (`auth.test` at start: Bolt's `context.teamId` is the
 * payload's, not the installation's). On Enterprise Grid the organisation decides; without one,
 * the workspace does. Where the payload does not say (a link_shared event), the access check asks
 * Slack, and only in a conversation that may be shared.
 */
import { type Asker, newRequestId, type Surface } from '../../domain/interaction.js';
import type { Logger } from '../../domain/logger.js';

/** The installation's workspace and organisation. */
export interface Home {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  /** Distribution mode: the installation is the organisation's (an org-wide install). */
  isEnterpriseInstall?: boolean | undefined;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** True when the user's org is not ours; undefined when the payload does not say. */
export function isExternal(
  userTeam: string | undefined,
  userEnterprise: string | undefined,
  home: Home,
): boolean | undefined {
  if (home.enterpriseId && userEnterprise) return userEnterprise !== home.enterpriseId;
  if (home.teamId && userTeam) return userTeam !== home.teamId;
  return undefined;
}

interface Fields {
  user: string | undefined;
  channel: string | undefined;
  team: string | undefined;
  enterprise?: string | undefined;
  /** The user's own workspace, where the payload names it (compared with the installation's). */
  userTeam?: string | undefined;
  sharedConversation?: boolean | undefined;
}

export function newAsker(surface: Surface, f: Fields, home: Home, logger: Logger): Asker {
  const requestId = newRequestId();
  return {
    surface,
    user: f.user,
    team: f.team,
    enterprise: f.enterprise,
    channel: f.channel,
    external: isExternal(f.userTeam, f.enterprise, home),
    sharedConversation: f.sharedConversation,
    requestId,
    logger: logger.child({ requestId, surface }),
  };
}

/** `/focus …`: `user_id`, `channel_id`, `team_id`, `enterprise_id`. */
export function commandAsker(
  c: { user_id?: unknown; channel_id?: unknown; team_id?: unknown; enterprise_id?: unknown },
  home: Home,
  logger: Logger,
): Asker {
  return newAsker(
    'command',
    {
      user: text(c.user_id),
      channel: text(c.channel_id),
      team: text(c.team_id),
      userTeam: text(c.team_id),
      enterprise: text(c.enterprise_id),
    },
    home,
    logger,
  );
}

/** A button or the message shortcut: `user.id`, `user.team_id`, `channel.id`, `team.id`, `enterprise.id`. */
export function interactionAsker(
  surface: 'button' | 'shortcut',
  body: {
    user?: { id?: unknown; team_id?: unknown };
    channel?: { id?: unknown };
    team?: { id?: unknown } | null;
    enterprise?: { id?: unknown } | null;
  },
  home: Home,
  logger: Logger,
): Asker {
  return newAsker(
    surface,
    {
      user: text(body.user?.id),
      channel: text(body.channel?.id),
      team: text(body.team?.id),
      userTeam: text(body.user?.team_id) ?? text(body.team?.id),
      enterprise: text(body.enterprise?.id),
    },
    home,
    logger,
  );
}

/**
 * An Events API event (`app_mention`, `message`, `message.im`, `link_shared`): the event's `user`, `channel`,
 * `user_team` (set in shared conversations), its `team` or the envelope's `team_id`, and the
 * envelope's `is_ext_shared_channel`.
 */
export function eventAsker(
  surface: 'mention' | 'unfurl' | 'dm',
  event: { user?: unknown; channel?: unknown; team?: unknown; user_team?: unknown },
  envelope: unknown,
  home: Home,
  logger: Logger,
): Asker {
  const env = (envelope ?? {}) as {
    team_id?: unknown;
    enterprise_id?: unknown;
    is_ext_shared_channel?: unknown;
  };
  const shared = env.is_ext_shared_channel;
  return newAsker(
    surface,
    {
      user: text(event.user),
      channel: text(event.channel),
      team: text(event.team) ?? text(env.team_id),
      // Not the envelope's team: that is the installation's, whoever wrote the message.
      userTeam: text(event.user_team) ?? text(event.team),
      sharedConversation: typeof shared === 'boolean' ? shared : undefined,
    },
    home,
    logger,
  );
}
