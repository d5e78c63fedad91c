/** Cards for channel subscriptions: a new recording, the "and N more" line, and the commands' replies. */
import type { Recording } from '../domain/focus.js';
import type { PortalLinks } from '../domain/links.js';
import type { Subscription, SubscriptionTarget } from '../domain/subscription.js';
import { type Card, context, section } from './blocks.js';
import { openButton } from './buttons.js';
import { displayNumber, recordingLine } from './format.js';
import { finishCard } from './limits.js';
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

/** One new recording of a followed number or person, posted in the channel. */
export function newRecordingCard(
  sub: Subscription,
  recording: Recording,
  followed: ReadonlySet<string>,
  links: PortalLinks,
): Card {
  // Who else was on it: for a person, everyone but them; for a number, the other numbers.
  const self =
    sub.target.kind === 'person'
      ? new Set([sub.target.personId])
      : new Set(recording.people.map((p) => p.id));
  const line = recordingLine(recording, { numbers: followed, personIds: self });
  return finishCard({
    text: `New recording ${recording.id} of ${plainTarget(sub.target)}`,
    blocks: [
      section(
        `:bell: *New recording* of ${targetLabel(sub.target)}\n${line}`,
        openButton(links.recordingUrl(recording.id)),
      ),
    ],
  });
}

export function moreRecordingsCard(sub: Subscription, more: number): Card {
  const text = `…and ${more} more new recording${more === 1 ? '' : 's'} of ${targetLabel(sub.target)} (not posted one by one; see Focus).`;
  return finishCard({
    text: `and ${more} more new recordings of ${plainTarget(sub.target)}`,
    blocks: [context(text)],
  });
}

export function subscribedCard(sub: Subscription, added: boolean, number: number, note?: string): Card {
  const what = targetLabel(sub.target);
  const text = added
    ? `:bell: <@${sub.createdBy}> subscribed this channel to ${what}: each new recording will be posted here. Stop with \`/focus unsubscribe ${number}\`.`
    : `:bell: This channel already follows ${what} (subscription ${number}, by <@${sub.createdBy}>). Nothing changed.`;
  return finishCard({
    text: `${added ? 'Subscribed to' : 'Already subscribed to'} ${plainTarget(sub.target)}`,
    blocks: note ? [section(text), context(`:information_source: ${safe(note, 500)}`)] : [section(text)],
  });
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
    return `${i + 1}. ${targetLabel(s.target)} · by <@${s.createdBy}> · ${slackDate(s.createdAt, '{date_short_pretty}')}${paused}`;
  });
  return finishCard({
    text: `${subs.length} subscription${subs.length === 1 ? '' : 's'} in this channel`,
    blocks: [
      section(`*Subscriptions in this channel*\n${lines.join('\n')}`),
      context('Stop one with `/focus unsubscribe <n>`, all with `/focus unsubscribe all`.'),
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
