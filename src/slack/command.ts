/** `/focus`: ack at once, then answer through `respond()` (ephemeral by default). */
import type { App } from '@slack/bolt';
import type { Logger } from '../domain/logger.js';
import type { Answerer } from './answer.js';

export const SLASH_COMMAND = '/focus';

export function registerCommand(app: App, answerer: Answerer, logger: Logger): void {
  // Link buttons ("Open in Focus") still send an interaction; acknowledge it so Slack shows no error.
  app.action(/^open_/, async ({ ack }) => {
    await ack();
  });

  app.command(SLASH_COMMAND, async ({ command, ack, respond }) => {
    await ack();
    const answer = await answerer.answerCommand(command.text ?? '', {
      surface: 'command',
      team: command.team_id,
      user: command.user_id,
      channel: command.channel_id,
    });
    try {
      await respond({ response_type: 'ephemeral', text: answer.card.text, blocks: answer.card.blocks });
    } catch (error) {
      logger.error('slack.respond_failed', { requestId: answer.requestId, error });
    }
  });
}
