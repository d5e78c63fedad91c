/** `/focus`: ack at once, then answer through `respond()` (ephemeral). */
import type { App } from '@slack/bolt';
import type { Logger } from '../../domain/logger.js';
import { parsePreviewsCommand } from '../../parse/previews.js';
import { parseSubscriptionCommand } from '../../parse/subscribe.js';
import type { Card } from '../../render/blocks.js';
import { noticeCard } from '../../render/status.js';
import { afterAck, serve } from '../answer/deliver.js';
import { answerUnready, workspaceOf } from '../answer/workspace.js';
import { commandAsker } from '../inbound/request.js';
import type { ConsentOf } from './consent.js';
import { answerSubscription } from './subscribe.js';

export const SLASH_COMMAND = '/focus';

export function registerCommand(app: App, logger: Logger, consentOf?: ConsentOf): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, context }) => {
    await ack();
    await afterAck();
    const ephemeral = (card: Card) =>
      respond({ response_type: 'ephemeral', text: card.text, blocks: card.blocks });
    const workspace = await workspaceOf(context);
    if (workspace.status !== 'ready') {
      await answerUnready(logger, 'command', workspace, context, ephemeral);
      return;
    }
    const { deps } = workspace;
    const asker = commandAsker(command, deps.home, logger);
    const consent = consentOf?.(deps);
    const previews = consent && parsePreviewsCommand(command.text ?? '');
    if (consent && previews) {
      await serve<Card>(deps, asker, {
        answer: () => consent.previews(previews, asker),
        refusal: noticeCard,
        send: ephemeral,
      });
      return;
    }
    const subscription = parseSubscriptionCommand(command.text ?? '', deps.answerer.parseSettings);
    if (subscription) {
      await answerSubscription(deps, asker, subscription, { channelName: command.channel_name }, respond);
      return;
    }
    await serve<Card>(deps, asker, {
      answer: async () => (await deps.answerer.answerCommand(command.text ?? '', asker)).card,
      refusal: noticeCard,
      send: ephemeral,
    });
  });
}
