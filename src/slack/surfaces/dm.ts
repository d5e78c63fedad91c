/**
 * Direct messages: a message to the app in its Messages tab (`message.im`) is a `/focus` query,
 * answered in that DM and nowhere else, under the same access rules as the command (the DM is
 * the conversation: with ALLOWED_SLACK_CHANNEL_IDS set it must be listed). `help` answers with
 * the help card; a subscription command says subscriptions are for channels. Only what a person
 * typed counts: bot messages (ours included), edits, deletions and every other subtype are not
 * answered. Slack's redeliveries are dropped before this, as for every event (`slack/app.ts`).
 */
import type { App } from '@slack/bolt';
import type { Logger } from '../../domain/logger.js';
import { parsePreviewsCommand } from '../../parse/previews.js';
import { parseSubscriptionCommand } from '../../parse/subscribe.js';
import type { Card } from '../../render/blocks.js';
import { infoCard, noticeCard } from '../../render/status.js';
import { afterAck, serve } from '../answer/deliver.js';
import { answerUnready, workspaceOf } from '../answer/workspace.js';
import { eventAsker } from '../inbound/request.js';
import { answerSubscription } from './subscribe.js';

/** A leading `/focus` or `focus` (people type the command out of habit) and any mention of the app. */
const COMMAND_WORD = /^\s*\/?focus\b/i;

export function registerDirectMessages(app: App, logger: Logger): void {
  app.message(async ({ message, client, context, body }) => {
    const said = typedInDm(message, context.botUserId);
    if (!said) return;
    await afterAck();
    const workspace = await workspaceOf(context);
    const bot = context.botUserId;
    const text = said.text
      .replace(bot ? new RegExp(`<@${bot}(\\|[^>]*)?>`, 'g') : /<@[A-Z0-9]+(\|[^>]*)?>/g, ' ')
      .replace(COMMAND_WORD, '')
      .trim();
    const post = (card: { text: string; blocks: unknown[] }) =>
      client.chat.postMessage({
        channel: said.channel,
        text: card.text,
        blocks: card.blocks as Card['blocks'],
        unfurl_links: false,
        ...(said.thread && { thread_ts: said.thread }),
      });
    if (workspace.status !== 'ready') {
      await answerUnready(logger, 'dm', workspace, context, post);
      return;
    }
    const { deps } = workspace;
    const asker = eventAsker(
      'dm',
      { user: said.user, channel: said.channel, team: said.team, user_team: said.userTeam },
      body,
      deps.home,
      logger,
    );
    const subscription = parseSubscriptionCommand(text, deps.answerer.parseSettings);
    if (subscription) {
      // Answers that subscriptions are for channels (a DM takes no posts), after the same checks.
      await answerSubscription(deps, asker, subscription, { channelName: 'directmessage' }, (m) =>
        post(m as { text: string; blocks: unknown[] }),
      );
      return;
    }
    await serve<Card>(deps, asker, {
      answer: async () =>
        parsePreviewsCommand(text)
          ? infoCard(
              'Link previews are chosen per conversation: run `/focus previews` in the channel you mean. Links you paste here, in our DM, are previewed without asking.',
            )
          : (await deps.answerer.answerCommand(text, asker, { mode: 'ephemeral', shareable: false })).card,
      refusal: noticeCard,
      send: post,
    });
  });
}

interface Said {
  user: string;
  channel: string;
  /** The message's workspace, and its author's own (they differ for someone from another organisation). */
  team: string | undefined;
  userTeam: string | undefined;
  text: string;
  /** The thread the message is in, if any: the answer goes there too. */
  thread: string | undefined;
}

/** A message a person typed in a DM with the app; undefined for anything else. */
export function typedInDm(message: unknown, botUserId: string | undefined): Said | undefined {
  const m = message as Record<string, unknown>;
  if (m.channel_type !== 'im' || m.subtype !== undefined || m.bot_id !== undefined) return undefined;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const user = str(m.user);
  const channel = str(m.channel);
  if (!user || !channel || user === botUserId) return undefined;
  return {
    user,
    channel,
    team: str(m.team),
    userTeam: str(m.user_team),
    text: str(m.text) ?? '',
    thread: str(m.thread_ts),
  };
}
