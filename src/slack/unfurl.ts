/**
 * Link unfurls: `link_shared` for the portal domain -> `chat.unfurl`. What gets a preview is
 * planned without I/O (`unfurl-plan.ts`); then Slack Connect is ruled out (`connect.ts`), access
 * checked, and each link claimed in the state store for the repeat window, so a link is
 * previewed once per conversation however many deliveries race for it. A claim whose preview
 * was not made is released, so a later paste may try again.
 */
import type { App } from '@slack/bolt';
import { askerPart } from '../domain/interaction.js';
import type { Logger } from '../domain/logger.js';
import type { Card } from '../render/blocks.js';
import type { StateStore } from '../state/index.js';
import { afterAck, checkAccess, conversationMaySee, deliver, type SurfaceDeps } from './deliver.js';
import { eventAsker } from './request.js';
import { type PlannedLink, planUnfurls, unfurlers } from './unfurl-plan.js';

export interface UnfurlOptions {
  /** Same link, same conversation: not previewed again within this (default 30 minutes). */
  repeatWindowMs?: number;
}

/** Slack's answers that mean "this link cannot be unfurled": expected, not errors. */
const QUIET_ERRORS = new Set(['cannot_unfurl_url', 'cannot_find_message', 'cannot_unfurl_message']);

export function registerUnfurls(
  app: App,
  deps: SurfaceDeps,
  logger: Logger,
  options: UnfurlOptions = {},
): void {
  const matchers = unfurlers(deps.answerer.parseSettings.links);
  const windowMs = options.repeatWindowMs ?? 30 * 60_000;

  app.event('link_shared', async ({ event, client, body }) => {
    await afterAck();
    const plan = planUnfurls(event, matchers, { unfurlInSharedChannels: deps.slackConnectAllowed });
    if (!plan.unfurl) {
      if (plan.reason === 'too_many_links')
        logger.info('unfurl.skipped', { reason: plan.reason, links: event.links.length });
      return;
    }
    const where = plan.fromComposer ? { user: event.user } : { user: event.user, channel: event.channel };
    const asker = eventAsker('unfurl', where, body, deps.home, logger);
    if (!plan.fromComposer && !(await conversationMaySee(deps, asker))) {
      asker.logger.info('unfurl.skipped', { reason: 'shared_channel', channel: event.channel });
      return;
    }
    if (await checkAccess(deps, asker)) return;
    const claimed = await claim(deps.state, plan.links, plan.fromComposer, windowMs);
    if (claimed.length === 0) return;

    const answers = await Promise.all(
      claimed.map(async (link, i) => ({
        link,
        answer: await deps.answerer.answer(link.request, askerPart(asker, i + 1), {
          mode: 'unfurl',
          compact: plan.compact,
        }),
      })),
    );
    // A preview is only for what was found. When Focus failed, the person who pasted the link
    // is told privately (with the reference id), rather than the channel getting an error preview.
    const failed = answers.find((a) => a.answer.outcome?.status === 'failed');
    if (failed && !plan.fromComposer) {
      await deliver(
        deps,
        asker,
        () =>
          client.chat.postEphemeral({
            channel: event.channel,
            user: event.user,
            text: failed.answer.card.text,
            blocks: failed.answer.card.blocks,
            ...(event.thread_ts && { thread_ts: event.thread_ts }),
          }),
        'failure notice',
      );
    }
    const unfurls: Record<string, { blocks: Card['blocks'] }> = {};
    for (const a of answers) {
      if (a.answer.outcome?.status === 'found') unfurls[a.link.url] = { blocks: a.answer.card.blocks };
    }
    const target =
      plan.fromComposer && event.unfurl_id
        ? { unfurl_id: event.unfurl_id, source: event.source ?? 'composer' }
        : { channel: event.channel, ts: event.message_ts };
    const sent =
      Object.keys(unfurls).length > 0 &&
      (await sendUnfurls(deps, asker.logger, () =>
        client.chat.unfurl({ ...target, unfurls } as Parameters<typeof client.chat.unfurl>[0]),
      ));
    const unsent = claimed.filter((l) => !sent || !(l.url in unfurls));
    await Promise.all(unsent.map((l) => deps.state.release(l.key)));
  });
}

/**
 * Claims each link for the repeat window; returns those this delivery won. A link previewed
 * while its message was being typed is not previewed again once posted.
 */
async function claim(
  state: StateStore,
  links: readonly PlannedLink[],
  fromComposer: boolean,
  windowMs: number,
): Promise<PlannedLink[]> {
  const won = await Promise.all(
    links.map(async (l) => {
      if (!fromComposer && (await state.get(l.composerKey)) !== undefined) return false;
      return state.claim(l.key, windowMs);
    }),
  );
  return links.filter((_, i) => won[i]);
}

/** `chat.unfurl`, with Slack's expected refusals kept quiet. True when Slack took it. */
async function sendUnfurls(
  deps: SurfaceDeps,
  logger: Logger,
  send: () => Promise<unknown>,
): Promise<boolean> {
  try {
    await send();
    deps.onDelivery?.('unfurl', 'ok');
    return true;
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
    return false;
  }
}
