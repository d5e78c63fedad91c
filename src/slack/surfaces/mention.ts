/**
 * Team channels: `@Focus <query>` answers in a thread; in channels listed in
 * WATCH_CHANNEL_IDS (opt-in), pasted phone numbers get a threaded card too.
 */
import type { App } from '@slack/bolt';
import { askerPart } from '../../domain/interaction.js';
import type { Logger } from '../../domain/logger.js';
import { findPhones } from '../../parse/index.js';
import type { Card } from '../../render/blocks.js';
import { noticeCard } from '../../render/status.js';
import {
  afterAck,
  checkAccess,
  conversationMaySee,
  deliver,
  refuseExternalOnce,
  serve,
} from '../answer/deliver.js';
import { answerUnready, logUnready, workspaceOf } from '../answer/workspace.js';
import { eventAsker, newAsker } from '../inbound/request.js';

const MAX_WATCHED_NUMBERS = 3;

export function registerMentions(app: App, logger: Logger, options: { watchChannelIds: string[] }): void {
  app.event('app_mention', async ({ event, client, context, body }) => {
    await afterAck();
    const thread = event.thread_ts ?? event.ts;
    const workspace = await workspaceOf(context);
    if (workspace.status !== 'ready') {
      await answerUnready(logger, 'mention', workspace, context, (card) =>
        postInThread(client, event.channel, thread, card),
      );
      return;
    }
    const { deps } = workspace;
    const asker = eventAsker('mention', event, body, deps.home, logger);
    // Drop the mention of the bot itself; the rest is a `/focus` query.
    const bot = context.botUserId;
    const text = (event.text ?? '').replace(
      bot ? new RegExp(`<@${bot}(\\|[^>]*)?>`, 'g') : /^\s*<@[A-Z0-9]+(\|[^>]*)?>/,
      ' ',
    );
    await serve<Answer>(deps, asker, {
      answer: async () => {
        // In a Slack Connect conversation (unless allowed) the answer is for the asker alone.
        const toThread = await conversationMaySee(deps, asker);
        const view = { mode: toThread ? ('thread' as const) : ('ephemeral' as const) };
        const answer = await deps.answerer.answerCommand(text, asker, view);
        // A right the asker lacks is theirs to know, not the thread's.
        return { card: answer.card, toAsker: !toThread || answer.outcome?.status === 'withheld' };
      },
      // A refusal is for the asker alone; without a user there is nobody to tell.
      ...(event.user && { refusal: (message: string) => ({ card: noticeCard(message), toAsker: true }) }),
      send: ({ card, toAsker }) =>
        toAsker
          ? client.chat.postEphemeral({
              channel: event.channel,
              user: event.user as string,
              thread_ts: thread,
              text: card.text,
              blocks: card.blocks,
            })
          : postInThread(client, event.channel, thread, card),
    });
  });

  if (options.watchChannelIds.length === 0) return;
  const watched = new Set(options.watchChannelIds);
  app.message(async ({ message, client, context, body }) => {
    if (!watched.has(message.channel)) return;
    const said = typedByPerson(message, context.botUserId);
    if (!said) return;
    // Mentions are answered by app_mention; don't answer twice.
    if (context.botUserId && said.text.includes(`<@${context.botUserId}`)) return;
    const workspace = await workspaceOf(context);
    // Nobody asked: a workspace Focus cannot answer gets no reply here, only a log line.
    if (workspace.status !== 'ready') {
      logUnready(logger, 'mention', workspace, context);
      return;
    }
    const { deps } = workspace;
    const region = deps.answerer.parseSettings.defaultRegion;
    // An edit answers only for numbers it added.
    const before = new Set(findPhones(said.previousText ?? '', region).map((p) => p.focus));
    const phones = findPhones(said.text, region)
      .filter((p) => !before.has(p.focus))
      .slice(0, MAX_WATCHED_NUMBERS);
    if (phones.length === 0) return;
    const shared = (body as { is_ext_shared_channel?: unknown }).is_ext_shared_channel;
    const asker = newAsker(
      'mention',
      {
        user: said.user,
        channel: message.channel,
        team: said.team,
        userTeam: said.userTeam ?? said.team,
        sharedConversation: typeof shared === 'boolean' ? shared : undefined,
      },
      deps.home,
      logger,
    );
    // Nobody asked: a refused poster is not told (an external one, once a day).
    const denial = await checkAccess(deps, asker);
    if (denial) {
      await refuseExternalOnce(deps, asker, denial, (card) =>
        client.chat.postEphemeral({
          channel: message.channel,
          user: said.user,
          thread_ts: said.thread,
          text: card.text,
          blocks: card.blocks,
        }),
      );
      return;
    }
    const toThread = await conversationMaySee(deps, asker);
    for (const [i, phone] of phones.entries()) {
      const part = askerPart(asker, i + 1);
      const answer = await deps.answerer.answer({ kind: 'phone', phone }, part, {
        mode: toThread ? 'thread' : 'ephemeral',
      });
      // A number nobody in Focus has is not worth a reply in a watched channel.
      if (answer.outcome?.status !== 'found') continue;
      await deliver(deps, part, () =>
        toThread
          ? postInThread(client, message.channel, said.thread, answer.card)
          : client.chat.postEphemeral({
              channel: message.channel,
              user: said.user,
              thread_ts: said.thread,
              text: answer.card.text,
              blocks: answer.card.blocks,
            }),
      );
    }
  });
}

function postInThread(client: App['client'], channel: string, thread: string, card: Card) {
  return client.chat.postMessage({
    channel,
    thread_ts: thread,
    text: card.text,
    blocks: card.blocks,
    unfurl_links: false,
  });
}

/** Message subtypes that are a person's words, like a plain message. */
const PEOPLES_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

/** An answer, and whether it is for the asker alone (ephemeral) rather than the thread. */
interface Answer {
  card: Card;
  toAsker: boolean;
}

interface Said {
  user: string;
  team: string | undefined;
  /** The poster's own workspace (set in shared conversations). */
  userTeam: string | undefined;
  text: string;
  /** For an edit: the text before it. */
  previousText?: string;
  /** Where a reply goes: the message's thread, or a new thread under it. */
  thread: string;
}

/**
 * What a person typed in a watched channel, or undefined: bot messages (ours or another app's,
 * which could answer us back in a loop), joins, deletions and other system subtypes are ignored;
 * an edit (`message_changed`) counts with its previous text, so only what it added is answered,
 * in the thread of the edited message (`previous_message`'s when `message` has no `ts`).
 */
export function typedByPerson(message: unknown, botUserId: string | undefined): Said | undefined {
  const m = message as Record<string, unknown>;
  const edit = m.subtype === 'message_changed';
  const inner = (edit ? m.message : m) as Record<string, unknown> | undefined;
  if (!inner || typeof inner !== 'object') return undefined;
  if (!edit && !PEOPLES_SUBTYPES.has(m.subtype as string | undefined)) return undefined;
  if (edit && !PEOPLES_SUBTYPES.has(inner.subtype as string | undefined)) return undefined;
  if (inner.bot_id !== undefined || inner.subtype === 'bot_message') return undefined;
  const user = inner.user;
  if (typeof user !== 'string' || user === '' || user === botUserId) return undefined;
  const previous = edit ? (m.previous_message as Record<string, unknown> | undefined) : undefined;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  // An edit's `message` may come without its `ts` (as in bolt-python's published fixture): the
  // edited message is the one `previous_message` names.
  const thread = str(inner.thread_ts) ?? str(inner.ts) ?? str(previous?.thread_ts) ?? str(previous?.ts);
  if (!thread) return undefined;
  return {
    user,
    team: str(inner.team),
    userTeam: str(inner.user_team),
    text: str(inner.text) ?? '',
    ...(edit && { previousText: str(previous?.text) ?? '' }),
    thread,
  };
}
