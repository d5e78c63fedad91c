/**
 * Team channels: `@Focus <query>` answers in a thread; in channels listed in
 * WATCH_CHANNEL_IDS (opt-in), pasted phone numbers get a threaded card too.
 */
import type { App } from '@slack/bolt';
import type { Logger } from '../domain/logger.js';
import { findPhones } from '../parse/index.js';
import type { Card } from '../render/blocks.js';
import { noticeCard } from '../render/status.js';
import { afterAck, checkAccess, deliver, type SurfaceDeps, serve } from './deliver.js';
import { eventRequest, SlackRequest } from './request.js';

const MAX_WATCHED_NUMBERS = 3;

export function registerMentions(
  app: App,
  deps: SurfaceDeps,
  logger: Logger,
  options: { watchChannelIds: string[] },
): void {
  app.event('app_mention', async ({ event, client, context, body }) => {
    await afterAck();
    const request = eventRequest('mention', event, body, logger);
    const thread = event.thread_ts ?? event.ts;
    // Drop the mention of the bot itself; the rest is a `/focus` query.
    const bot = context.botUserId;
    const text = (event.text ?? '').replace(
      bot ? new RegExp(`<@${bot}(\\|[^>]*)?>`, 'g') : /^\s*<@[A-Z0-9]+(\|[^>]*)?>/,
      ' ',
    );
    await serve<Card>(deps, request, {
      answer: async () => (await deps.answerer.answerCommand(text, request.asker, { mode: 'thread' })).card,
      // A refusal is for the asker alone; without a user there is nobody to tell.
      ...(event.user && { refusal: noticeCard }),
      send: (card, refused) =>
        refused
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
  app.message(async ({ message, client, context }) => {
    if (!watched.has(message.channel)) return;
    const said = typedByPerson(message, context.botUserId);
    if (!said) return;
    // Mentions are answered by app_mention; don't answer twice.
    if (context.botUserId && said.text.includes(`<@${context.botUserId}`)) return;
    const region = deps.answerer.parseSettings.defaultRegion;
    // An edit answers only for numbers it added.
    const before = new Set(findPhones(said.previousText ?? '', region).map((p) => p.focus));
    const phones = findPhones(said.text, region)
      .filter((p) => !before.has(p.focus))
      .slice(0, MAX_WATCHED_NUMBERS);
    if (phones.length === 0) return;
    const request = new SlackRequest('mention', said.user, message.channel, said.team, logger);
    if (await checkAccess(deps, request)) return;
    for (const [i, phone] of phones.entries()) {
      const answer = await deps.answerer.answer({ kind: 'phone', phone }, request.part(i + 1), {
        mode: 'thread',
      });
      // A number nobody in Focus has is not worth a reply in a watched channel.
      if (answer.outcome?.status === 'found')
        await deliver(deps, request, () => postInThread(client, message.channel, said.thread, answer.card));
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

interface Said {
  user: string;
  team: string | undefined;
  text: string;
  /** For an edit: the text before it. */
  previousText?: string;
  /** Where a reply goes: the message's thread, or a new thread under it. */
  thread: string;
}

/**
 * What a person typed in a watched channel, or undefined: bot messages (ours or another app's,
 * which could answer us back in a loop), joins, deletions and other system subtypes are ignored;
 * an edit (`message_changed`) counts with its previous text, so only what it added is answered.
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
  const thread = str(inner.thread_ts) ?? str(inner.ts);
  if (!thread) return undefined;
  return {
    user,
    team: str(inner.team),
    text: str(inner.text) ?? '',
    ...(edit && { previousText: str(previous?.text) ?? '' }),
    thread,
  };
}
