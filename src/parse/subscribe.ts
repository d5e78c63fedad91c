/**
 * The subscription commands: `subscribe <phone number | person <id | name | email>> [options]`,
 * `subscriptions`, `unsubscribe <n … | all>`. What follows `subscribe` is read with the lookup
 * grammar, so a number or a person is written exactly as in a lookup. The options come after it:
 * the first word outside double quotes that is one of them (`inbound`, `outbound`, `internal`,
 * `longer`, `compact`) starts them, so a name ending in one of these words is written in quotes.
 * One pass over the words, each looked at a bounded number of times: linear in the input.
 */
import { DIRECTIONS, MAX_LONGER_THAN_SECONDS } from '../domain/filters.js';
import type { Direction, SubscriptionCommand, Tuning } from '../domain/subscription.js';
import { echo, limitInput } from './args.js';
import { parseCommand } from './command.js';
import { commandForKeyword, usageOf } from './commands.js';
import { parsePhone } from './phone.js';
import type { ParseSettings } from './settings.js';
import { normaliseSlackText } from './slack-text.js';

const SUBSCRIBE_USAGE = usageOf('subscribe');
const UNSUBSCRIBE_USAGE = '/focus unsubscribe <n | all>';

/** A subscription command, or null when the text is not one (it is then a lookup). */
export function parseSubscriptionCommand(text: string, ctx: ParseSettings): SubscriptionCommand | null {
  const plain = normaliseSlackText(limitInput(text)).trim();
  const space = plain.search(/\s/);
  const word = (space < 0 ? plain : plain.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : plain.slice(space + 1).trim();
  if (word === 'subscriptions') return { kind: 'subscriptions' };
  if (word === 'unsubscribe') return unsubscribe(rest);
  if (word === 'subscribe') return subscribe(rest, ctx);
  return null;
}

function subscribe(rest: string, ctx: ParseSettings): SubscriptionCommand {
  const at = optionsStart(rest);
  const what = rest.slice(0, at).trim();
  if (what === '') {
    const first = rest === '' ? 'Tell me what to follow.' : 'Say what to follow first, then the options.';
    return { kind: 'invalid', message: `${first} Usage: ${SUBSCRIBE_USAGE}` };
  }
  const tuning = readOptions(rest.slice(at).split(/\s+/).filter(Boolean));
  if ('error' in tuning) return { kind: 'invalid', message: `${tuning.error} Usage: ${SUBSCRIBE_USAGE}` };
  const request = parseCommand(what, ctx);
  switch (request.kind) {
    case 'phone':
      // The number inside other words (`+44 7700 900123 inbund`): an option mistyped, not ignored.
      if (!commandForKeyword(what.split(' ')[0] ?? '') && !parsePhone(what, ctx.defaultRegion))
        return {
          kind: 'invalid',
          message: `I read the number ${request.phone.display} in “${echo(what)}”, but not the rest. ${OPTIONS_HELP} Usage: ${SUBSCRIBE_USAGE}`,
        };
      return {
        kind: 'subscribe',
        target: { kind: 'phone', phone: request.phone.focus, display: request.phone.display },
        ...tuning,
      };
    case 'person':
      return {
        kind: 'subscribe',
        target:
          'id' in request ? { kind: 'person', id: request.id } : { kind: 'person', query: request.query },
        ...tuning,
      };
    case 'invalid':
      return { kind: 'invalid', message: request.message };
    default:
      return {
        kind: 'invalid',
        message: `A channel can follow a phone number or a person, not “${echo(what)}”. Usage: ${SUBSCRIBE_USAGE}`,
      };
  }
}

const OPTIONS_HELP =
  'After what to follow come a direction (`inbound`, `outbound`, `internal`), a length (`longer than 2m`) and `compact` (one line per recording); put a name that ends in one of these words in double quotes.';

/** A word that starts the options (and, within them, the next option). */
const OPTION = /^(?:inbound|outbound|internal|longer|compact)$/i;

/** Where the options start: the first option word outside double quotes (the end when none). */
function optionsStart(text: string): number {
  let quotes = 0;
  for (const word of text.matchAll(/\S+/g)) {
    if (quotes % 2 === 0 && OPTION.test(word[0])) return word.index;
    for (const c of word[0]) if (c === '"') quotes++;
  }
  return text.length;
}

/**
 * `inbound`, `outbound`, `internal` (any of them), `longer than <length>` (`than` may be left
 * out) and `compact`, in any order; anything else is a friendly error naming it.
 */
function readOptions(words: readonly string[]): Tuning | { error: string } {
  const directions = new Set<Direction>();
  let longerThan: number | undefined;
  let compact = false;
  let i = 0;
  while (i < words.length) {
    const word = (words[i] as string).toLowerCase();
    i++;
    if (DIRECTIONS.includes(word as Direction)) directions.add(word as Direction);
    else if (word === 'compact') compact = true;
    else if (word === 'longer') {
      if (words[i]?.toLowerCase() === 'than') i++;
      // The length is the words up to the next option (at most a few: `1 h 30 min`).
      const from = i;
      while (i < words.length && i - from < 4 && !OPTION.test(words[i] as string)) i++;
      const seconds = readLength(words.slice(from, i));
      if (typeof seconds === 'string') return { error: seconds };
      if (longerThan !== undefined && longerThan !== seconds)
        return { error: 'Say one length: `longer than` appears twice with different lengths.' };
      longerThan = seconds;
    } else return { error: `“${echo(words[i - 1] as string, 40)}” is not an option I know. ${OPTIONS_HELP}` };
  }
  const filters = {
    ...(directions.size > 0 && { directions: DIRECTIONS.filter((d) => directions.has(d)) }),
    ...(longerThan !== undefined && { longerThanSeconds: longerThan }),
  };
  return {
    ...(Object.keys(filters).length > 0 && { filters }),
    ...(compact && { format: 'compact' as const }),
  };
}

/** `2m`, `90s`, `1h`, `1h30m`, `2 min`, `90 seconds` -> seconds; or why it is not a length. */
const LENGTH =
  /^(?:(\d{1,5})(?:h|hrs?|hours?))?(?:(\d{1,5})(?:m|mins?|minutes?))?(?:(\d{1,5})(?:s|secs?|seconds?))?$/;

function readLength(words: readonly string[]): number | string {
  const text = words.join('').toLowerCase();
  const examples = 'like `longer than 2m`, `longer than 90s` or `longer than 1h30m`';
  if (text === '') return `Say how long, ${examples}.`;
  if (/^\d{1,9}$/.test(text))
    return `Say the unit of “${echo(text, 20)}”: seconds, minutes or hours, ${examples}.`;
  const m = text.length <= 40 ? LENGTH.exec(text) : null;
  if (!m || (!m[1] && !m[2] && !m[3]))
    return `“${echo(words.join(' '), 40)}” is not a length I can read: say it ${examples}.`;
  const seconds = Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  if (seconds < 1 || seconds > MAX_LONGER_THAN_SECONDS)
    return `A length is from 1s to ${MAX_LONGER_THAN_SECONDS / 3600}h; “${echo(words.join(' '), 40)}” is not.`;
  return seconds;
}

function unsubscribe(rest: string): SubscriptionCommand {
  if (/^all$/i.test(rest)) return { kind: 'unsubscribe', which: 'all' };
  const tokens = rest.split(/[\s,]+/).filter(Boolean);
  const numbers = tokens.map((t) => (/^#?\d{1,6}$/.test(t) ? Number(t.replace('#', '')) : Number.NaN));
  if (tokens.length === 0 || tokens.length > 50 || numbers.some((n) => !Number.isInteger(n) || n < 1)) {
    return {
      kind: 'invalid',
      message: `Say which subscription to stop, by its number in \`/focus subscriptions\`, or all. Usage: ${UNSUBSCRIBE_USAGE}`,
    };
  }
  return { kind: 'unsubscribe', which: [...new Set(numbers)] };
}
