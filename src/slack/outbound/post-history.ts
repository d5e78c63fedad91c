/**
 * Whether a subscription post is already in its channel, read back from the channel's history.
 * Every subscription post carries message metadata (`focus_subscription_post`, with the
 * subscription and the recording, or the count of a summary), so a post whose attempt got no
 * answer can be looked for before it is sent again (the channel poster does this).
 *
 * `conversations.history` (channels:history, groups:history) is asked for the messages since a
 * little before that attempt, newest first, with their metadata (`include_all_metadata`), a few
 * pages at most. It answers only where the app is a member: a public channel it posts to without
 * being invited (chat:write.public) answers `not_in_channel`. Anything that keeps the history
 * from being read (that, a missing scope, a rate limit, no answer, too many messages) is
 * `unreadable`, with the reason: the caller then sends as before.
 */
import type { App } from '@slack/bolt';
import { webApi } from '@slack/bolt';

export const POST_EVENT_TYPE = 'focus_subscription_post';

/** Slack's clock and this host's may differ: the history is read from this long before the attempt. */
const CLOCK_MARGIN_MS = 60_000;
const PAGE_SIZE = 100;
/** Pages read at most: a channel with more messages since the attempt is taken as unreadable. */
const MAX_PAGES = 5;

export type PostPayload = Record<string, string | number>;

export type InHistory = { found: boolean } | { unreadable: string; needed?: string };

interface HistoryMessage {
  bot_id?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/** A message the app posted (`botId`, when known) with exactly this post's metadata. */
export function isThePost(message: HistoryMessage, payload: PostPayload, botId: string | undefined): boolean {
  if (botId !== undefined && message.bot_id !== botId) return false;
  const meta = message.metadata;
  if (meta?.event_type !== POST_EVENT_TYPE || !meta.event_payload) return false;
  const sent = meta.event_payload;
  const keys = Object.keys(payload);
  return (
    keys.length === Object.keys(sent).length && keys.every((k) => String(sent[k]) === String(payload[k]))
  );
}

export async function findPost(
  client: App['client'],
  post: { channel: string; payload: PostPayload; sinceMs: number; botId: string | undefined },
): Promise<InHistory> {
  const oldest = ((post.sinceMs - CLOCK_MARGIN_MS) / 1000).toFixed(6);
  let cursor: string | undefined;
  try {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await client.conversations.history({
        channel: post.channel,
        oldest,
        limit: PAGE_SIZE,
        include_all_metadata: true,
        ...(cursor && { cursor }),
      });
      const messages = (answer.messages ?? []) as HistoryMessage[];
      if (messages.some((m) => isThePost(m, post.payload, post.botId))) return { found: true };
      cursor = answer.response_metadata?.next_cursor;
      if (!answer.has_more || !cursor) return { found: false };
    }
    return { unreadable: 'too_many_messages' };
  } catch (error) {
    const e = error as { code?: string; data?: { error?: string; needed?: string }; original?: Error };
    if (e.code === webApi.ErrorCode.PlatformError)
      return { unreadable: e.data?.error ?? 'unknown', ...(e.data?.needed && { needed: e.data.needed }) };
    if (e.code === webApi.ErrorCode.RateLimitedError) return { unreadable: 'ratelimited' };
    return { unreadable: 'no_answer' };
  }
}
