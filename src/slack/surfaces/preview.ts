/**
 * Making a link preview once it may be made (by the configuration, the paster's answer, or a
 * choice they kept): each link claimed in the state store for the repeat window, so a link is
 * previewed once per conversation however many deliveries (or presses of Show) race for it;
 * looked up; sent with `chat.unfurl`; one `audit` line for what was shown and on whose consent.
 * A claim whose preview was not made is released, so a later paste may try again.
 */
import type { App } from '@slack/bolt';
import type { ConsentBasis } from '../../domain/consent.js';
import { type Asker, askerPart } from '../../domain/interaction.js';
import type { Logger } from '../../domain/logger.js';
import type { Card } from '../../render/blocks.js';
import type { StateStore } from '../../state/index.js';
import { deliver, type SurfaceDeps } from '../answer/deliver.js';
import type { PlannedLink } from './unfurl-plan.js';

/** Same link, same conversation: not previewed again within this. */
export const REPEAT_WINDOW_MS = 30 * 60_000;

/** Slack's answers that mean "this link cannot be unfurled": expected, not errors. */
const QUIET_ERRORS = new Set(['cannot_unfurl_url', 'cannot_find_message', 'cannot_unfurl_message']);

export interface Preview {
  links: readonly PlannedLink[];
  compact: boolean;
  fromComposer: boolean;
  /** Where `chat.unfurl` puts it: a posted message, or the composer's draft. */
  target: { channel: string; ts: string } | { unfurl_id: string; source: string };
  /** Who pasted it, and where to tell them privately when Focus failed (none for a draft). */
  notify?: { channel: string; user: string; threadTs?: string | undefined };
  /** Whose consent, on what basis (the audit line). */
  consent: { basis: ConsentBasis; authorisedBy: string | undefined };
}

/** How it went: how many links this call claimed, and whether Slack took a preview. */
export interface PreviewResult {
  claimed: number;
  sent: boolean;
}

export async function makePreview(
  deps: SurfaceDeps,
  client: App['client'],
  request: Asker,
  preview: Preview,
  windowMs: number,
): Promise<PreviewResult> {
  const claimed = await claim(deps.state, preview.links, preview.fromComposer, windowMs);
  if (claimed.length === 0) return { claimed: 0, sent: false };
  const answers = await Promise.all(
    claimed.map(async (link, i) => ({
      link,
      answer: await deps.answerer.answer(link.request, askerPart(request, i + 1), {
        mode: 'unfurl',
        compact: preview.compact,
      }),
    })),
  );
  // A preview is only for what was found. When Focus failed, the person who pasted the link
  // is told privately (with the reference id), rather than the channel getting an error preview.
  const failed = answers.find((a) => a.answer.outcome?.status === 'failed');
  const notify = preview.notify;
  if (failed && notify) {
    await deliver(
      deps,
      request,
      () =>
        client.chat.postEphemeral({
          channel: notify.channel,
          user: notify.user,
          text: failed.answer.card.text,
          blocks: failed.answer.card.blocks,
          ...(notify.threadTs && { thread_ts: notify.threadTs }),
        }),
      'failure notice',
    );
  }
  const unfurls: Record<string, { blocks: Card['blocks'] }> = {};
  const shown: PlannedLink[] = [];
  for (const a of answers) {
    if (a.answer.outcome?.status !== 'found') continue;
    unfurls[a.link.url] = { blocks: a.answer.card.blocks };
    shown.push(a.link);
  }
  const sent =
    shown.length > 0 &&
    (await sendUnfurls(deps, request.logger, () =>
      client.chat.unfurl({ ...preview.target, unfurls } as Parameters<typeof client.chat.unfurl>[0]),
    ));
  if (sent) audit(request, preview, shown);
  const unsent = claimed.filter((l) => !sent || !(l.url in unfurls));
  await Promise.all(unsent.map((l) => deps.state.release(l.key)));
  return { claimed: claimed.length, sent };
}

/** Who let the conversation see what: ids only (a link names a recording or a person, never a number). */
function audit(request: Asker, preview: Preview, shown: readonly PlannedLink[]): void {
  const ids = (kind: 'recording' | 'person') =>
    shown.flatMap((l) => (l.request.kind === kind && 'id' in l.request ? [l.request.id] : []));
  const recordingIds = ids('recording');
  const personIds = ids('person');
  request.logger.info('audit', {
    kind: 'unfurl',
    audience: 'channel',
    authorisedBy: preview.consent.authorisedBy,
    consent: preview.consent.basis,
    channel: 'channel' in preview.target ? preview.target.channel : undefined,
    team: request.team,
    ...(recordingIds.length > 0 && { recordingIds }),
    ...(personIds.length > 0 && { personIds }),
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

/** The links no claim holds yet (none previewed here in the repeat window): the ones worth asking about. */
export async function unclaimed(state: StateStore, links: readonly PlannedLink[]): Promise<PlannedLink[]> {
  const held = await Promise.all(
    links.map(
      async (l) => (await state.get(l.key)) !== undefined || (await state.get(l.composerKey)) !== undefined,
    ),
  );
  return links.filter((_, i) => !held[i]);
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
