/** Cards for channel subscriptions: a new recording, the "and N more" line, and the commands' replies. */
import type { Recording } from '../domain/focus.js';
import type { PortalLinks } from '../domain/links.js';
import type { Subscription, SubscriptionTarget } from '../domain/subscription.js';
import { type Block, type Card, context, section } from './blocks.js';
import { openButton } from './buttons.js';
import { displayNumber, recordingLine } from './format.js';
import { finishCard, LIMITS } from './limits.js';
import { escapeEntities, safe, slackDate } from './mrkdwn.js';

/** `+44 7700 900123` or `Jane Smith (person 1)`, escaped. */
export function targetLabel(target: SubscriptionTarget): string {
  if (target.kind === 'phone' && typeof target.phone === 'string')
    return safe(target.display || displayNumber(target.phone), 60);
  if (target.kind === 'person' && Number.isSafeInteger(target.personId))
    return `${safe(String(target.name ?? ''), 80)} (person ${target.personId})`;
  // A stored row this version cannot read (see the log line subscriptions.bad_record).
  return 'an unreadable subscription';
}

/**
 * One new recording, posted once in the channel for each of its subscriptions it is news for
 * (`subs`, all of one channel, never empty): named each, as the full card, or as one line when
 * every one of them is `compact`. `followed`: the numbers they follow.
 */
export function newRecordingCard(
  subs: readonly Subscription[],
  recording: Recording,
  followed: ReadonlySet<string>,
  links: PortalLinks,
): Card {
  // Who else was on it: for a person, everyone but them; for a number, the other numbers.
  const people = subs.flatMap((s) => (s.target.kind === 'person' ? [s.target.personId] : []));
  const self = new Set(people.length > 0 ? people : recording.people.map((p) => p.id));
  const line = recordingLine(recording, { numbers: followed, personIds: self });
  const open = openButton(links.recordingUrl(recording.id));
  const [only] = subs;
  const plain = subs.map((s) => plainTarget(s.target)).join(', ');
  if (subs.every((s) => s.format === 'compact'))
    return finishCard({
      text: `Recording ${recording.id} of ${plain}`,
      blocks: [section(subs.length === 1 ? line : `${line} · matches: ${targetLabels(subs)}`, open)],
    });
  const what =
    subs.length === 1 && only ? `of ${targetLabel(only.target)}` : `· matches: ${targetLabels(subs)}`;
  return finishCard({
    text: `New recording ${recording.id} of ${plain}`,
    blocks: [section(`:bell: *New recording* ${what}\n${line}`, open)],
  });
}

export function moreRecordingsCard(subs: readonly Subscription[], more: number): Card {
  const text = `…and ${more} more new recording${more === 1 ? '' : 's'} of ${targetLabels(subs)} (not posted one by one; see Focus).`;
  return finishCard({
    text: `and ${more} more new recordings of ${subs.map((s) => plainTarget(s.target)).join(', ')}`,
    blocks: [context(text)],
  });
}

function targetLabels(subs: readonly Subscription[]): string {
  return subs.map((s) => targetLabel(s.target)).join(', ');
}

export function subscribedCard(sub: Subscription, added: boolean, number: number, note?: string): Card {
  const what = `${targetLabel(sub.target)}${tuningSuffix(sub)}`;
  const text = added
    ? `:bell: <@${sub.createdBy}> subscribed this channel to ${what}: each new recording will be posted here. Stop with \`/focus unsubscribe ${number}\`.`
    : `:bell: This channel already follows ${what} (subscription ${number}, by <@${sub.createdBy}>). Nothing changed.`;
  return finishCard({
    text: `${added ? 'Subscribed to' : 'Already subscribed to'} ${plainTarget(sub.target)}`,
    blocks: note ? [section(text), context(`:information_source: ${safe(note, 500)}`)] : [section(text)],
  });
}

/** Said in the channel when a subscribe changes what an existing subscription posts, and how. */
export function tunedCard(sub: Subscription, number: number, by: string): Card {
  const now = tuningText(sub) ?? 'every recording, as a card';
  const text = `:bell: <@${by}> changed what this channel gets of ${targetLabel(sub.target)} (subscription ${number}, ${madeBy(sub)}): now ${now}.`;
  return finishCard({ text: `Subscription changed: ${plainTarget(sub.target)}`, blocks: [section(text)] });
}

/** A subscription's filters and format in words (`inbound or internal · longer than 2m · compact`), if any. */
export function tuningText({ filters, format }: Subscription): string | undefined {
  const parts = [
    filters?.directions?.length ? filters.directions.join(' or ') : undefined,
    filters?.longerThanSeconds ? `longer than ${lengthText(filters.longerThanSeconds)}` : undefined,
    format === 'compact' ? 'compact' : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

function tuningSuffix(sub: Subscription): string {
  const text = tuningText(sub);
  return text ? ` (${text})` : '';
}

/** Who made it and when: `by <@U1> since <date>` (`by you` on their own Home tab). */
export function madeBy(sub: Subscription, you = false): string {
  const who = you ? 'you' : `<@${sub.createdBy}>`;
  return `by ${who} since ${slackDate(sub.createdAt, '{date_short_pretty}')}`;
}

/** `2m`, `1m30s`, `1h`: as `longer than` reads it back. */
function lengthText(seconds: number): string {
  const parts: Array<[number, string]> = [
    [Math.floor(seconds / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ];
  return parts
    .filter(([n]) => n > 0)
    .map(([n, unit]) => `${n}${unit}`)
    .join('');
}

/** Sections of whole lines, each within a section's limit, so a long list is never cut mid-line. */
function lineSections(lines: readonly string[]): Block[] {
  const sections: string[] = [];
  let current = '';
  for (const line of lines) {
    if (current !== '' && current.length + 1 + line.length > LIMITS.sectionText) {
      sections.push(current);
      current = '';
    }
    current = current === '' ? line : `${current}\n${line}`;
  }
  if (current !== '') sections.push(current);
  return sections.map((text) => section(text));
}

export function subscriptionsCard(subs: readonly Subscription[]): Card {
  if (subs.length === 0) {
    return finishCard({
      text: 'No subscriptions in this channel',
      blocks: [
        section(
          'This channel follows nothing yet. Try `/focus subscribe +44 20 7946 0958` or `/focus subscribe person Jane Smith`.',
        ),
      ],
    });
  }
  const lines = subs.map((s, i) => {
    const paused = s.paused ? ` · _paused: ${reasonText(s.paused.reason)}_` : '';
    const tuning = tuningText(s);
    return `${i + 1}. ${targetLabel(s.target)} · ${madeBy(s)}${tuning ? ` · ${tuning}` : ''}${paused}`;
  });
  return finishCard({
    text: `${subs.length} subscription${subs.length === 1 ? '' : 's'} in this channel`,
    blocks: [
      ...lineSections(['*Subscriptions in this channel*', ...lines]),
      context(
        'Stop one with `/focus unsubscribe &lt;n&gt;`, all with `/focus unsubscribe all`. Subscribe again with other filters (`inbound`, `outbound`, `internal`, `longer than 2m`) or `compact` to change one.',
      ),
    ],
  });
}

export function unsubscribedCard(removed: readonly Subscription[], by: string): Card {
  const what = removed.map((s) => targetLabel(s.target)).join(', ');
  const text =
    removed.length === 0
      ? 'There was nothing to unsubscribe. `/focus subscriptions` lists what this channel follows.'
      : `:no_bell: <@${by}> unsubscribed this channel from ${what}.`;
  return finishCard({
    text: removed.length === 0 ? 'Nothing to unsubscribe' : `Unsubscribed from ${removed.length}`,
    blocks: [section(text)],
  });
}

/** Said once when delivery stops (the channel was archived, the app removed, ...). */
export function deliveryStoppedCard(sub: Subscription, reason: string): Card {
  const text = `:warning: Focus for Slack stopped posting new recordings of ${targetLabel(sub.target)} to <#${sub.channel}> (${reasonText(reason)}). Fix that, then subscribe again.`;
  return finishCard({ text: 'Subscription paused', blocks: [section(text)] });
}

/**
 * Said once, to the subscriber, when Slack says a channel takes no more posts (archived, shared
 * with another organisation, the app removed): every subscription of theirs that stopped there.
 */
export function channelStoppedCard(subs: readonly Subscription[], reason: string): Card {
  const [only] = subs;
  if (subs.length === 1 && only) return deliveryStoppedCard(only, reason);
  const channel = subs[0]?.channel ?? '';
  const what = subs.map((s) => targetLabel(s.target)).join(', ');
  const text = `:warning: Focus for Slack stopped posting new recordings of ${what} to <#${channel}> (${reasonText(reason)}). Fix that, then subscribe again.`;
  return finishCard({ text: 'Subscriptions paused', blocks: [section(text)] });
}

/** For a card's fallback text (notifications): entities escaped, so it forms no mention or link. */
function plainTarget(target: SubscriptionTarget): string {
  return escapeEntities(
    target.kind === 'phone' ? target.display || displayNumber(target.phone) : target.name,
  );
}

/** Pause reasons that read better said than spelled out. */
const REASONS: Record<string, string> = {
  is_archived: 'the channel was archived',
  shared_channel: 'the channel is shared with another organisation',
  bot_removed: 'the app was removed from the channel',
  channel_not_allowed: 'the access policy no longer allows this channel',
  subscriber_not_allowed: 'the access policy no longer allows the subscriber',
  subscriber_external: 'the subscriber is not a member of this organisation',
  subscriber_not_linked: 'the subscriber is no longer linked to an enabled Focus portal user',
  subscriber_lacks_right: 'the subscriber no longer holds the Focus right to see recordings',
  paused_by_subscriber: 'the subscriber paused it',
};

/** A pause reason as words: `channel_not_found` -> `channel not found`. */
export function reasonText(code: string): string {
  return REASONS[code] ?? safe(code.replace(/_/g, ' '), 60);
}
