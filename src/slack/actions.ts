/**
 * Buttons: More recordings (next page, in place), Share in channel (the asker only), Show
 * comments, a pick from a list, and the link buttons (acknowledged only).
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTIONS, decodeAction } from '../domain/actions.js';
import { isFocusLookup } from '../domain/request.js';
import { parseCommand } from '../parse/index.js';
import { invalidCard } from '../render/status.js';
import type { Asker, View } from './answer.js';
import { afterAck, checkAccess, type SurfaceDeps } from './surface.js';

type Kind = 'more' | 'share' | 'comments' | 'pick';

export function registerActions(app: App, deps: SurfaceDeps): void {
  app.action(new RegExp(`^${ACTIONS.open}`), async ({ ack }) => {
    await ack();
  });
  app.action<BlockAction<ButtonAction>>(ACTIONS.more, (args) => handle(deps, 'more', args));
  app.action<BlockAction<ButtonAction>>(ACTIONS.share, (args) => handle(deps, 'share', args));
  app.action<BlockAction<ButtonAction>>(ACTIONS.comments, (args) => handle(deps, 'comments', args));
  app.action<BlockAction<ButtonAction>>(new RegExp(`^${ACTIONS.pick}`), (args) => handle(deps, 'pick', args));
}

interface ActionArgs {
  ack: () => Promise<void>;
  body: BlockAction<ButtonAction>;
  action: ButtonAction;
  respond: (message: Record<string, unknown>) => Promise<unknown>;
}

async function handle(
  deps: SurfaceDeps,
  kind: Kind,
  { ack, body, action, respond }: ActionArgs,
): Promise<void> {
  await ack();
  await afterAck();
  const asker: Asker = {
    surface: 'button',
    user: body.user.id,
    channel: body.channel?.id,
    team: body.team?.id ?? undefined,
  };
  const send = async (message: Record<string, unknown>) => {
    try {
      await respond(message);
      deps.onDelivery?.('button', 'ok');
    } catch (error) {
      deps.onDelivery?.('button', 'failed');
      deps.logger.error('slack.respond_failed', { surface: 'button', action: action.action_id, error });
    }
  };
  const denial = await checkAccess(deps, asker);
  if (denial) {
    await send({ response_type: 'ephemeral', replace_original: false, text: denial.message });
    return;
  }
  const value = decodeAction(action.value);
  const request = value ? parseCommand(value.c, deps.answerer.parseContext) : undefined;
  if (!value || !request || !isFocusLookup(request)) {
    deps.logger.warn('slack.bad_action_value', { action: action.action_id });
    const card = invalidCard('That button no longer works. Please run the lookup again.');
    await send({ response_type: 'ephemeral', replace_original: false, ...card });
    return;
  }
  if (kind === 'share' && value.u !== body.user.id) {
    await send({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'Only the person who ran this lookup can share it. Run it yourself to share it.',
    });
    return;
  }
  const pageable = request.kind === 'phone' || (request.kind === 'person' && 'id' in request);
  const paged = value.p && pageable ? { ...request, page: value.p } : request;
  const view: View = kind === 'share' ? { mode: 'shared', sharedBy: body.user.id } : { mode: 'ephemeral' };
  const answer = await deps.answerer.answer(paged, asker, view);
  const card = { text: answer.card.text, blocks: answer.card.blocks };
  if (kind === 'share') await send({ response_type: 'in_channel', replace_original: false, ...card });
  else {
    // Paging and picks change the card in place; the first "Show comments" adds a message.
    const inPlace = kind === 'more' || kind === 'pick' || (request.kind === 'comments' && request.page > 1);
    await send({ response_type: 'ephemeral', replace_original: inPlace, ...card });
  }
}
