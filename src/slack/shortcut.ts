/**
 * The message shortcut "Look up in Focus": open a loading modal at once (the trigger id
 * expires in 3 s), then update it with one card per finding in the message.
 */
import type { App, MessageShortcut } from '@slack/bolt';
import { loadingCard, modalView } from '../render/modal.js';
import { noticeCard } from '../render/status.js';
import { type Asker, newRequestId } from './answer.js';
import { checkAccess, type SurfaceDeps } from './surface.js';

export const SHORTCUT_CALLBACK_ID = 'focus_lookup';

export function registerShortcut(app: App, deps: SurfaceDeps): void {
  app.shortcut<MessageShortcut>(SHORTCUT_CALLBACK_ID, async ({ ack, shortcut, client }) => {
    await ack();
    const requestId = newRequestId();
    const asker: Asker = {
      surface: 'shortcut',
      user: shortcut.user.id,
      channel: shortcut.channel.id,
      team: shortcut.team?.id,
      requestId,
    };
    let viewId: string;
    try {
      const opened = await client.views.open({
        trigger_id: shortcut.trigger_id,
        view: modalView([loadingCard()]),
      });
      if (!opened.view?.id) throw new Error('views.open returned no view id');
      viewId = opened.view.id;
    } catch (error) {
      deps.logger.error('slack.views_open_failed', { requestId, error });
      deps.onDelivery?.('shortcut', 'failed');
      return;
    }
    const denial = await checkAccess(deps, asker);
    const cards = denial
      ? [noticeCard(denial.message)]
      : await deps.answerer.answerMessage(shortcut.message.text ?? '', asker);
    try {
      await client.views.update({ view_id: viewId, view: modalView(cards) });
      deps.onDelivery?.('shortcut', 'ok');
    } catch (error) {
      deps.logger.error('slack.views_update_failed', { requestId, error });
      deps.onDelivery?.('shortcut', 'failed');
    }
  });
}
