/** The recording card: when, how long, which way, who, tags, the first comments. */
import type { RecordingComment } from '../domain/focus.js';
import type { LookupResult } from '../domain/outcome.js';
import type { FocusLookupRequest } from '../domain/request.js';
import { actions, type Block, type Card, context, fields, header, section } from './blocks.js';
import { commentsButton, openButton, shareButton } from './buttons.js';
import { directionLabel, displayNumber, mediaIcon } from './format.js';
import { sharedByBlocks } from './kit.js';
import { finishCard } from './limits.js';
import { formatDuration, safe, slackDate } from './mrkdwn.js';
import { type CardView, interactive } from './view.js';

export const COMMENTS_ON_CARD = 5;

/** The owner name of a number: own keys only (a number Focus sent as `valueOf` is no key of ours). */
function ownName(names: Readonly<Record<string, string>>, value: string): string | undefined {
  return Object.hasOwn(names, value) ? names[value] : undefined;
}

/** `01:05`, `1:02:03`: an offset into the recording. */
export function formatOffset(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function commentLine(c: RecordingComment): string {
  const span =
    c.startOffset === undefined
      ? ''
      : `\`${formatOffset(c.startOffset)}${c.endOffset !== undefined ? `–${formatOffset(c.endOffset)}` : ''}\` `;
  const who = c.username ? ` — ${safe(c.username, 60)}` : '';
  const tags = c.tags.length > 0 ? ` _${c.tags.map((t) => safe(t, 30)).join(', ')}_` : '';
  return `• ${span}${safe(c.text, 300)}${who}${tags}`;
}

export function recordingCard(
  result: Extract<LookupResult, { kind: 'recording' }>,
  request: FocusLookupRequest,
  ctx: CardView,
): Card {
  const { recording: r, comments, names } = result;
  const participants = r.endpoints.map((e) => {
    const name = ownName(names, e.value);
    const shown = safe(e.type === 'phone' ? displayNumber(e.value) : e.value, 60);
    return name ? `${shown} (${safe(name, 80)})` : shown;
  });
  const others = r.people
    .filter((p) => !Object.values(names).includes(p.fullName))
    .map((p) => safe(p.fullName, 80));
  const who = [...participants, ...others].join('\n');
  // A fact Focus did not send is left off, not shown as a placeholder.
  const fact = (label: string, value: string | undefined): string[] =>
    value ? [`*${label}*\n${value}`] : [];
  const facts = [
    `*Start*\n${slackDate(r.start)}`,
    ...fact('Duration', formatDuration(r.durationSeconds)),
    ...fact('Media', r.mediaType && `${mediaIcon(r.mediaType)} ${safe(r.mediaType, 20)}`),
    ...fact('Direction', directionLabel(r.direction)),
    ...fact('Participants', who),
    ...fact('Third-party id', r.thirdPartyId && safe(r.thirdPartyId, 100)),
    ...fact('Tags', r.tags.map((t) => safe(t, 40)).join(', ')),
  ];
  const commentBlocks: Block[] =
    comments.length === 0
      ? [context('No comments.')]
      : [
          section(`*Comments*\n${comments.slice(0, COMMENTS_ON_CARD).map(commentLine).join('\n')}`),
          ...(comments.length > COMMENTS_ON_CARD
            ? [context(`${COMMENTS_ON_CARD} of ${comments.length} comments`)]
            : []),
        ];
  const buttons = [
    openButton(ctx.links.recordingUrl(r.id)),
    ...(interactive(ctx) && comments.length > COMMENTS_ON_CARD ? [commentsButton(r.id)] : []),
    ...shareButton(request, ctx),
  ];
  const blocks: Block[] = [
    header(`${r.mediaType === 'sms' ? '💬' : r.mediaType === 'teams' ? '👥' : '🎙️'} Recording ${r.id}`),
    fields(facts),
    ...commentBlocks,
    actions(buttons),
    ...sharedByBlocks(ctx),
  ];
  return finishCard({ text: `Recording ${r.id}`, blocks });
}

export function compactRecordingCard(
  result: Extract<LookupResult, { kind: 'recording' }>,
  ctx: CardView,
): Card {
  const { recording: r, names } = result;
  const who = r.endpoints.map((e) => safe(ownName(names, e.value) ?? displayNumber(e.value), 60)).join(' ↔ ');
  const text = [
    `${mediaIcon(r.mediaType)} *Recording ${r.id}* · ${slackDate(r.start)}`,
    [directionLabel(r.direction), formatDuration(r.durationSeconds), who].filter(Boolean).join(' · '),
  ].join('\n');
  return finishCard({
    text: `Recording ${r.id}`,
    blocks: [section(text, openButton(ctx.links.recordingUrl(r.id)))],
  });
}
