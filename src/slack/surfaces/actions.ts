/**
 * Buttons: More recordings (next page, in place), Share in channel (the asker only), Show
 * comments, a pick from a list, the link buttons (acknowledged only), the answers to a link
 * preview's consent prompt (`consent.ts`), and the Home tab's (`home.ts`).
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { ACTIONS, decodeAction } from '../../domain/actions.js';
import type { Asker } from '../../domain/interaction.js';
import type { Logger } from '../../domain/logger.js';
import { isFocusLookup } from '../../domain/request.js';
import { parseCommand } from '../../parse/index.js';
import type { Card } from '../../render/blocks.js';
import { invalidCard, noticeCard } from '../../render/status.js';
import { workspaceProblemCard } from '../../render/workspace.js';
import type { View } from '../answer/answer.js';
import { afterAck, conversationMaySee, type SurfaceDeps, serve } from '../answer/deliver.js';
import { logUnready, workspaceOf } from '../answer/workspace.js';
import { interactionAsker } from '../inbound/request.js';
import type { ConsentAnswer, ConsentOf } from './consent.js';
import { type HomeButton, type HomeTabOf, publishProblem } from './home.js';

type Kind = 'more' | 'share' | 'comments' | 'pick';

/**
 * One listener for every button: Bolt runs each registered listener's matching middleware on
 * every request it receives, so five listeners cost five chains per slash command too.
 */
export function registerActions(app: App, logger: Logger, consentOf: ConsentOf, homeOf: HomeTabOf): void {
  app.action<BlockAction<ButtonAction>>(ANY_BUTTON, async (args) => {
    await args.ack();
    const kind = kindOf(args.action.action_id);
    if (kind === 'open') return;
    await afterAck();
    const onHome = homeButton(args.action.action_id);
    const workspace = await workspaceOf(args.context);
    if (workspace.status !== 'ready') {
      logUnready(logger, 'button', workspace, args.context);
      // A Home tab's button has no message to answer: the tab itself says it.
      if (onHome) await publishProblem(args.client, args.body.user.id, workspace.status, logger);
      else
        await args
          .respond({
            response_type: 'ephemeral',
            replace_original: false,
            ...workspaceProblemCard(workspace.status),
          })
          .catch((error: unknown) => logger.error('slack.delivery_failed', { surface: 'button', error }));
      return;
    }
    const { deps } = workspace;
    const answer = CONSENT_ANSWERS[args.action.action_id];
    if (answer) {
      await consentOf(deps).answerButton(answer, args);
      return;
    }
    if (onHome) {
      await homeOf(deps).answerButton(onHome, args);
      return;
    }
    if (kind !== 'other') await handle(deps, logger, kind, args);
  });
}

/** Every action id this app puts on a button (the pick and link ids carry a suffix). */
const ANY_BUTTON = new RegExp(`^(${Object.values(ACTIONS).join('|')})`);

const CONSENT_ANSWERS: Record<string, ConsentAnswer | undefined> = {
  [ACTIONS.consentShow]: 'show',
  [ACTIONS.consentNotNow]: 'not_now',
  [ACTIONS.consentAlways]: 'always',
};

const HOME_BUTTONS: Record<string, HomeButton | undefined> = {
  [ACTIONS.homePause]: 'pause',
  [ACTIONS.homeResume]: 'resume',
  [ACTIONS.homeUnsubscribe]: 'unsubscribe',
  [ACTIONS.homeForget]: 'forget',
};

function homeButton(actionId: string): HomeButton | undefined {
  return HOME_BUTTONS[actionId] ?? (actionId.startsWith(ACTIONS.homePage) ? 'page' : undefined);
}

/** What a press asks for; 'open' for the link buttons (acknowledged only), 'other' for consent and Home tab buttons. */
function kindOf(actionId: string): Kind | 'open' | 'other' {
  if (CONSENT_ANSWERS[actionId] || homeButton(actionId)) return 'other';
  if (actionId === ACTIONS.more) return 'more';
  if (actionId === ACTIONS.share) return 'share';
  if (actionId === ACTIONS.comments) return 'comments';
  return actionId.startsWith(ACTIONS.pick) ? 'pick' : 'open';
}

/** A press, already acknowledged. */
interface ActionArgs {
  body: BlockAction<ButtonAction>;
  action: ButtonAction;
  respond: (message: Record<string, unknown>) => Promise<unknown>;
}

/** The card and how it is posted: a new ephemeral message, in place of the original, or in the channel. */
interface Posted {
  card: Card;
  as: 'ephemeral' | 'in_place' | 'in_channel';
}

async function handle(
  deps: SurfaceDeps,
  logger: Logger,
  kind: Kind,
  { body, action, respond }: ActionArgs,
): Promise<void> {
  // Decided again on every press: who pressed, their rights now, where the card would go.
  const asker = interactionAsker('button', body, deps.home, logger);
  await serve<Posted>(deps, asker, {
    answer: () => answerButton(deps, asker, kind, body.user.id, action),
    refusal: (message) => ({ card: noticeCard(message), as: 'ephemeral' }),
    send: ({ card, as }) =>
      respond({
        response_type: as === 'in_channel' ? 'in_channel' : 'ephemeral',
        replace_original: as === 'in_place',
        text: card.text,
        blocks: card.blocks,
      }),
  });
}

async function answerButton(
  deps: SurfaceDeps,
  asker: Asker,
  kind: Kind,
  userId: string,
  action: ButtonAction,
): Promise<Posted> {
  const value = decodeAction(action.value);
  const lookup = value ? parseCommand(value.c, deps.answerer.parseSettings) : undefined;
  if (!value || !lookup || !isFocusLookup(lookup)) {
    asker.logger.warn('slack.bad_action_value', { action: action.action_id });
    return {
      card: invalidCard('That button no longer works. Please run the lookup again.'),
      as: 'ephemeral',
    };
  }
  if (kind === 'share' && value.u !== userId) {
    return {
      card: noticeCard('Only the person who ran this lookup can share it. Run it yourself to share it.'),
      as: 'ephemeral',
    };
  }
  if (kind === 'share' && !(await conversationMaySee(deps, asker))) {
    asker.logger.info('share.refused', { reason: 'shared_channel' });
    return {
      card: noticeCard(
        'This conversation is shared with another organisation (Slack Connect), so Focus answers are not posted here.',
      ),
      as: 'ephemeral',
    };
  }
  const pageable = lookup.kind === 'phone' || (lookup.kind === 'person' && 'id' in lookup);
  const paged = value.p && pageable ? { ...lookup, page: value.p } : lookup;
  const view: View = kind === 'share' ? { mode: 'shared', sharedBy: userId } : { mode: 'ephemeral' };
  const answer = await deps.answerer.answer(paged, asker, view);
  // Only what was found is shared; a refusal, a withheld right or a failure stays with the asker.
  if (kind === 'share')
    return { card: answer.card, as: answer.outcome?.status === 'found' ? 'in_channel' : 'ephemeral' };
  // Paging and picks change the card in place; the first "Show comments" adds a message.
  const inPlace = kind === 'more' || kind === 'pick' || (lookup.kind === 'comments' && lookup.page > 1);
  return { card: answer.card, as: inPlace ? 'in_place' : 'ephemeral' };
}
