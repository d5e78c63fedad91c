/**
 * Link unfurls: `link_shared` for the portal domain -> `chat.unfurl`. One link gets a full
 * card, two get compact cards, three or more none. A link unfurled in a channel in the last
 * 30 minutes is skipped; a composer preview is not repeated when the message is posted; and
 * nothing is unfurled into a Slack Connect channel unless configured (previews are data).
 */
import type { App } from '@slack/bolt';
import { LRUCache } from 'lru-cache';
import { linkRequest } from '../parse/index.js';
import type { Card } from '../render/blocks.js';
import { newRequestId } from './answer.js';
import { afterAck, checkAccess, type SurfaceDeps } from './surface.js';

export interface UnfurlOptions {
  unfurlInSharedChannels: boolean;
  /** Same link, same channel: not unfurled again within this (default 30 minutes). */
  repeatWindowMs?: number;
}

const MAX_UNFURLED_LINKS = 2;
const COMPOSER = 'COMPOSER';

/** Slack's answers that mean "this link cannot be unfurled": expected, not errors. */
const QUIET_ERRORS = new Set(['cannot_unfurl_url', 'cannot_find_message', 'cannot_unfurl_message']);

/**
 * Whether the event happened in a Slack Connect conversation, as the Events API envelope says
 * (`is_ext_shared_channel`, DMs and group DMs included); undefined when it does not say.
 */
export function sharedByEnvelope(body: unknown): boolean | undefined {
  const flag = (body as { is_ext_shared_channel?: unknown } | null)?.is_ext_shared_channel;
  return typeof flag === 'boolean' ? flag : undefined;
}

export function registerUnfurls(app: App, deps: SurfaceDeps, options: UnfurlOptions): void {
  const recent = new LRUCache<string, true>({ max: 10_000, ttl: options.repeatWindowMs ?? 30 * 60_000 });
  const sharedChannel = new LRUCache<string, boolean>({ max: 5_000, ttl: 10 * 60_000 });
  const links = deps.answerer.parseContext.links;

  app.event('link_shared', async ({ event, client, body }) => {
    await afterAck();
    const requestId = newRequestId();
    const logger = deps.logger.child({ requestId, surface: 'unfurl' });
    const portal = event.links
      .map((l) => ({ url: l.url, match: links.match(l.url) }))
      .filter((l): l is { url: string; match: NonNullable<typeof l.match> } => l.match !== null);
    const fromComposer = event.source === 'composer' || event.channel === COMPOSER;
    const fresh = portal.filter(
      (l) =>
        !recent.has(`${event.user}|${l.url}`) && (fromComposer || !recent.has(`${event.channel}|${l.url}`)),
    );
    if (fresh.length === 0) return;
    if (portal.length > MAX_UNFURLED_LINKS) {
      logger.info('unfurl.skipped', { reason: 'too_many_links', links: portal.length });
      return;
    }
    if (!options.unfurlInSharedChannels) {
      // A composer preview has no channel to check yet: it is unfurled once the message is posted.
      if (fromComposer) return;
      const shared = sharedByEnvelope(body) ?? (await isExternallyShared(event.channel));
      if (shared) {
        logger.info('unfurl.skipped', { reason: 'shared_channel', channel: event.channel });
        return;
      }
    }
    const asker = {
      surface: 'unfurl' as const,
      user: event.user,
      channel: fromComposer ? undefined : event.channel,
      team: (body as { team_id?: string }).team_id,
    };
    if (await checkAccess(deps, asker)) return;

    const compact = portal.length > 1;
    const answers = await Promise.all(
      fresh.map(async (l, i) => {
        const answer = await deps.answerer.answer(
          linkRequest(l.match),
          { ...asker, requestId: `${requestId}-${i + 1}` },
          { mode: 'unfurl', compact },
        );
        return { url: l.url, answer };
      }),
    );
    // A preview is only for what was found. When Focus failed, the person who pasted the link
    // is told privately (with the reference id), rather than the channel getting an error preview.
    const failed = answers.find((a) => a.answer.outcome?.status === 'failed');
    if (failed && !fromComposer) {
      await client.chat
        .postEphemeral({
          channel: event.channel,
          user: event.user,
          text: failed.answer.card.text,
          blocks: failed.answer.card.blocks,
          ...(event.thread_ts && { thread_ts: event.thread_ts }),
        })
        .catch((error: unknown) => logger.warn('slack.ephemeral_failed', { error }));
    }
    const unfurls: Record<string, { blocks: Card['blocks'] }> = {};
    for (const a of answers) {
      if (a.answer.outcome?.status === 'found') unfurls[a.url] = { blocks: a.answer.card.blocks };
    }
    if (Object.keys(unfurls).length === 0) return;

    const target =
      fromComposer && event.unfurl_id
        ? { unfurl_id: event.unfurl_id, source: event.source ?? 'composer' }
        : { channel: event.channel, ts: event.message_ts };
    try {
      await client.chat.unfurl({ ...target, unfurls } as Parameters<typeof client.chat.unfurl>[0]);
      for (const url of Object.keys(unfurls)) {
        recent.set(fromComposer ? `${event.user}|${url}` : `${event.channel}|${url}`, true);
      }
      deps.onDelivery?.('unfurl', 'ok');
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code && QUIET_ERRORS.has(code)) logger.debug('unfurl.refused', { code });
      else if ((error as { code?: string }).code === 'slack_webapi_rate_limited_error') {
        // Slack asked unfurls to wait; a preview is not worth retrying later.
        deps.onDelivery?.('unfurl', 'failed');
        logger.warn('unfurl.rate_limited', { retryAfterS: (error as { retryAfter?: number }).retryAfter });
      } else {
        deps.onDelivery?.('unfurl', 'failed');
        logger.error('slack.unfurl_failed', { error });
      }
    }

    async function isExternallyShared(channel: string): Promise<boolean> {
      const known = sharedChannel.get(channel);
      if (known !== undefined) return known;
      try {
        const info = await client.conversations.info({ channel });
        const c = info.channel as { is_ext_shared?: boolean; is_pending_ext_shared?: boolean } | undefined;
        const shared = Boolean(c?.is_ext_shared || c?.is_pending_ext_shared);
        sharedChannel.set(channel, shared);
        return shared;
      } catch (error) {
        // Unclassified: treat as shared (previews are data; fail closed), and say why.
        const code = (error as { data?: { error?: string; needed?: string } }).data;
        logger.warn('unfurl.channel_unclassified', {
          channel,
          reason: code?.error ?? 'conversations.info failed',
          ...(code?.needed && { needed: code.needed }),
          error,
        });
        return true;
      }
    }
  });
}
