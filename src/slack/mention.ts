/**
 * Team channels: `@Focus <query>` answers in a thread; in channels listed in
 * WATCH_CHANNEL_IDS (opt-in), pasted phone numbers get a threaded card too.
 */
import type { App } from '@slack/bolt';
import type { LookupRequest } from '../domain/request.js';
import { findPhones } from '../parse/index.js';
import type { Card } from '../render/blocks.js';
import type { Asker } from './answer.js';
import { afterAck, checkAccess, type SurfaceDeps } from './surface.js';

const MAX_WATCHED_NUMBERS = 3;

export function registerMentions(app: App, deps: SurfaceDeps, options: { watchChannelIds: string[] }): void {
  app.event('app_mention', async ({ event, client, context }) => {
    await afterAck();
    const asker: Asker = { surface: 'mention', user: event.user, channel: event.channel, team: event.team };
    const thread = event.thread_ts ?? event.ts;
    const denial = await checkAccess(deps, asker);
    if (denial) {
      if (event.user) {
        await client.chat
          .postEphemeral({
            channel: event.channel,
            user: event.user,
            thread_ts: thread,
            text: denial.message,
          })
          .catch((error: unknown) => deps.logger.warn('slack.ephemeral_failed', { error }));
      }
      return;
    }
    // Drop the mention of the bot itself; the rest is a `/focus` query.
    const bot = context.botUserId;
    const text = (event.text ?? '').replace(
      bot ? new RegExp(`<@${bot}(\\|[^>]*)?>`, 'g') : /^\s*<@[A-Z0-9]+(\|[^>]*)?>/,
      ' ',
    );
    const answer = await deps.answerer.answerCommand(text, asker, { mode: 'thread' });
    await post(deps, client, event.channel, thread, answer.card);
  });

  if (options.watchChannelIds.length === 0) return;
  const watched = new Set(options.watchChannelIds);
  app.message(async ({ message, client, context }) => {
    if (!watched.has(message.channel) || message.subtype !== undefined) return;
    if (!('user' in message) || !message.user || message.user === context.botUserId) return;
    const text = 'text' in message && typeof message.text === 'string' ? message.text : '';
    // Mentions are answered by app_mention; don't answer twice.
    if (context.botUserId && text.includes(`<@${context.botUserId}`)) return;
    const phones = findPhones(text, deps.answerer.parseContext.defaultRegion).slice(0, MAX_WATCHED_NUMBERS);
    if (phones.length === 0) return;
    const asker: Asker = {
      surface: 'mention',
      user: message.user,
      channel: message.channel,
      team: message.team,
    };
    if (await checkAccess(deps, asker)) return;
    const thread = ('thread_ts' in message && message.thread_ts) || message.ts;
    for (const phone of phones) {
      const request: LookupRequest = { kind: 'phone', phone };
      const answer = await deps.answerer.answer(request, asker, { mode: 'thread' });
      // A number nobody in Focus has is not worth a reply in a watched channel.
      if (answer.outcome?.status === 'found') await post(deps, client, message.channel, thread, answer.card);
    }
  });
}

async function post(
  deps: SurfaceDeps,
  client: App['client'],
  channel: string,
  thread: string,
  card: Card,
): Promise<void> {
  try {
    await client.chat.postMessage({
      channel,
      thread_ts: thread,
      text: card.text,
      blocks: card.blocks,
      unfurl_links: false,
    });
    deps.onDelivery?.('mention', 'ok');
  } catch (error) {
    deps.onDelivery?.('mention', 'failed');
    deps.logger.error('slack.post_failed', { surface: 'mention', error });
  }
}
