/**
 * The message shortcut "Look up in Focus": open a loading modal at once (the trigger id
 * expires in 3 s), then update it with one card per finding in the message.
 */
import type { App, MessageShortcut } from '@slack/bolt';
import type { Logger } from '../../domain/logger.js';
import type { Card } from '../../render/blocks.js';
import { loadingCard, modalView } from '../../render/modal.js';
import { noticeCard } from '../../render/status.js';
import { deliver, serve } from '../answer/deliver.js';
import { answerUnready, workspaceOf } from '../answer/workspace.js';
import { interactionAsker } from '../inbound/request.js';

export const SHORTCUT_CALLBACK_ID = 'focus_lookup';

export function registerShortcut(app: App, logger: Logger): void {
  app.shortcut<MessageShortcut>(SHORTCUT_CALLBACK_ID, async ({ ack, shortcut, client, context, respond }) => {
    await ack();
    const workspace = await workspaceOf(context);
    if (workspace.status !== 'ready') {
      await answerUnready(logger, 'shortcut', workspace, context, (card) =>
        respond({ response_type: 'ephemeral', text: card.text, blocks: card.blocks }),
      );
      return;
    }
    const { deps } = workspace;
    const asker = interactionAsker('shortcut', shortcut, deps.home, logger);
    let viewId: string | undefined;
    const opened = await deliver(
      deps,
      asker,
      async () => {
        const view = await client.views.open({
          trigger_id: shortcut.trigger_id,
          view: modalView([loadingCard()]),
        });
        viewId = view.view?.id;
        if (!viewId) throw new Error('views.open returned no view id');
      },
      'views.open',
    );
    if (!opened) return;
    await serve<Card[]>(deps, asker, {
      answer: () => deps.answerer.answerMessage(shortcut.message.text ?? '', asker),
      refusal: (message) => [noticeCard(message)],
      send: (cards) => client.views.update({ view_id: viewId as string, view: modalView(cards) }),
    });
  });
}
