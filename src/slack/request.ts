/**
 * One Slack interaction, read once from its payload: who asked, where, the reference id and a
 * logger that carries both. Every surface builds one of these and hands it down; nothing below
 * reads the raw payload for these fields again.
 */
import { type Asker, newRequestId, type Surface } from '../domain/interaction.js';
import type { Logger } from '../domain/logger.js';

export class SlackRequest implements Asker {
  readonly requestId = newRequestId();
  readonly logger: Logger;

  constructor(
    readonly surface: Surface,
    readonly user: string | undefined,
    readonly channel: string | undefined,
    readonly team: string | undefined,
    logger: Logger,
  ) {
    this.logger = logger.child({ requestId: this.requestId, surface });
  }

  /** The same asker with a sub-reference (`abc-2`), for one of several lookups of one interaction. */
  part(index: number): Asker {
    return { ...this.asker, requestId: `${this.requestId}-${index}` };
  }

  get asker(): Asker {
    return {
      surface: this.surface,
      user: this.user,
      channel: this.channel,
      team: this.team,
      requestId: this.requestId,
    };
  }
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** `/focus …`: `user_id`, `channel_id`, `team_id`. */
export function commandRequest(
  c: { user_id?: unknown; channel_id?: unknown; team_id?: unknown },
  logger: Logger,
) {
  return new SlackRequest('command', text(c.user_id), text(c.channel_id), text(c.team_id), logger);
}

/** A button (`block_actions`): `user.id`, `channel.id`, `team.id`. */
export function actionRequest(
  body: { user?: { id?: unknown }; channel?: { id?: unknown }; team?: { id?: unknown } | null },
  logger: Logger,
) {
  return new SlackRequest('button', text(body.user?.id), text(body.channel?.id), text(body.team?.id), logger);
}

/** The message shortcut: `user.id`, `channel.id`, `team.id`. */
export function shortcutRequest(
  s: { user?: { id?: unknown }; channel?: { id?: unknown }; team?: { id?: unknown } | null },
  logger: Logger,
) {
  return new SlackRequest('shortcut', text(s.user?.id), text(s.channel?.id), text(s.team?.id), logger);
}

/**
 * An Events API event (`app_mention`, `message`, `link_shared`): the event's `user` and
 * `channel`, and its `team` or the envelope's `team_id`.
 */
export function eventRequest(
  surface: 'mention' | 'unfurl',
  event: { user?: unknown; channel?: unknown; team?: unknown },
  envelope: unknown,
  logger: Logger,
) {
  const team = text(event.team) ?? text((envelope as { team_id?: unknown } | null)?.team_id);
  return new SlackRequest(surface, text(event.user), text(event.channel), team, logger);
}
