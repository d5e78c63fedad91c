/** Display forms of Focus values. */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { directionOf, secondsOf } from '../domain/filters.js';
import type { Recording } from '../domain/focus.js';
import { memoize } from '../domain/memo.js';
import { formatDuration, safe, slackDate } from './mrkdwn.js';

/** `447897897897` -> `+44 7897 897897`; anything else is shown as it is (escaped). */
export const displayNumber = memoize((value: string): string => {
  if (/^\d{6,15}$/.test(value)) {
    return parsePhoneNumberFromString(`+${value}`)?.formatInternational() ?? `+${value}`;
  }
  return value;
});

const DIRECTION: Record<string, string> = { inbound: '↙ in', outbound: '↗ out', internal: '↔ internal' };
const MEDIA: Record<string, string> = {
  call: ':telephone_receiver:',
  sms: ':speech_balloon:',
  teams: ':busts_in_silhouette:',
};

export function mediaIcon(mediaType: string | undefined): string {
  return (mediaType && MEDIA[mediaType]) || ':radio:';
}

export function directionLabel(direction: string | undefined): string | undefined {
  if (!direction) return undefined;
  return DIRECTION[direction] ?? safe(direction, 20);
}

/**
 * One line for a recording seen from some party's side: when, which way, how long, and with whom
 * (the people and numbers on it that are not `self`).
 */
export function recordingLine(
  recording: Recording,
  self: { numbers: ReadonlySet<string>; personIds: ReadonlySet<number> },
): string {
  const others = recording.people.filter((p) => !self.personIds.has(p.id)).map((p) => safe(p.fullName, 60));
  if (others.length === 0) {
    others.push(
      ...recording.endpoints
        .filter((e) => !self.numbers.has(e.value))
        .map((e) => safe(displayNumber(e.value), 40)),
    );
  }
  // Direction and length as a subscription's filters read them (any case; a length from the end too).
  const seconds = secondsOf(recording);
  const parts = [
    `${mediaIcon(recording.mediaType)} ${slackDate(recording.start)}`,
    directionLabel(directionOf(recording) ?? recording.direction),
    seconds ? formatDuration(seconds) : undefined,
    others.length > 0 ? `with ${others.slice(0, 3).join(', ')}${others.length > 3 ? ' …' : ''}` : undefined,
  ];
  return `${parts.filter(Boolean).join(' · ')}  (#${recording.id})`;
}
