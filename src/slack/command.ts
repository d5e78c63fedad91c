/** `/focus`: ack at once, then answer through `respond()` (ephemeral by default). */
import type { App } from '@slack/bolt';
import type { Asker } from './answer.js';
import { afterAck, checkAccess, type SurfaceDeps } from './surface.js';

export const SLASH_COMMAND = '/focus';

export function registerCommand(app: App, deps: SurfaceDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond }) => {
    await ack();
    await afterAck();
    const asker: Asker = {
      surface: 'command',
      team: command.team_id,
      user: command.user_id,
      channel: command.channel_id,
    };
    const denial = await checkAccess(deps, asker);
    const message = denial
      ? { text: denial.message }
      : await deps.answerer.answerCommand(command.text ?? '', asker).then((a) => ({
          text: a.card.text,
          blocks: a.card.blocks,
        }));
    try {
      await respond({ response_type: 'ephemeral', ...message });
      deps.onDelivery?.('command', 'ok');
    } catch (error) {
      deps.onDelivery?.('command', 'failed');
      deps.logger.error('slack.respond_failed', { surface: 'command', error });
    }
  });
}
