/** `/focus`: ack at once, then answer through `respond()` (ephemeral). */
import type { App } from '@slack/bolt';
import type { Logger } from '../../domain/logger.js';
import { parsePreviewsCommand } from '../../parse/previews.js';
import { parseSubscriptionCommand } from '../../parse/subscribe.js';
import type { Card } from '../../render/blocks.js';
import { noticeCard } from '../../render/status.js';
import { afterAck, type SurfaceDeps, serve } from '../answer/deliver.js';
import { commandAsker } from '../inbound/request.js';
import type { UnfurlConsent } from './consent.js';
import { answerSubscription, type SubscribeDeps } from './subscribe.js';

export const SLASH_COMMAND = '/focus';

export function registerCommand(
  app: App,
  deps: SurfaceDeps,
  logger: Logger,
  subs?: SubscribeDeps,
  consent?: UnfurlConsent,
): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond }) => {
    await ack();
    await afterAck();
    const asker = commandAsker(command, deps.home, logger);
    const previews = consent && parsePreviewsCommand(command.text ?? '');
    if (consent && previews) {
      await serve<Card>(deps, asker, {
        answer: () => consent.previews(previews, asker),
        refusal: noticeCard,
        send: (card) => respond({ response_type: 'ephemeral', text: card.text, blocks: card.blocks }),
      });
      return;
    }
    const subscription = subs && parseSubscriptionCommand(command.text ?? '', deps.answerer.parseSettings);
    if (subs && subscription) {
      await answerSubscription(
        deps,
        subs,
        asker,
        subscription,
        { channelName: command.channel_name },
        respond,
      );
      return;
    }
    await serve<Card>(deps, asker, {
      answer: async () => (await deps.answerer.answerCommand(command.text ?? '', asker)).card,
      refusal: noticeCard,
      send: (card) => respond({ response_type: 'ephemeral', text: card.text, blocks: card.blocks }),
    });
  });
}
