/**
 * `/focus <text>` -> one LookupRequest. The keywords come from the grammar table (`COMMANDS`);
 * input that starts with no keyword is auto-detected (phone, `#id`, portal link, email).
 */
import { getExampleNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import type { LookupRequest } from '../domain/request.js';
import {
  EMAIL,
  echo,
  invalid,
  limitInput,
  linkRequest,
  MAX_QUERY,
  readId,
  trimUrl,
  unquote,
} from './args.js';
import { type CommandName, commandForKeyword, usageOf } from './commands.js';
import { lookupsInPlainText } from './message.js';
import { type CountryCode, parsePhone } from './phone.js';
import type { ParseSettings } from './settings.js';
import { normaliseSlackText } from './slack-text.js';

type Handler = (arg: string, ctx: ParseSettings) => LookupRequest;

function missing(name: CommandName, what: string): LookupRequest {
  return invalid(`Tell me which ${what}. Usage: ${usageOf(name)}`, name);
}

function phoneExamples(region: CountryCode): string {
  const example = getExampleNumber(region, examples);
  return example
    ? `${example.formatInternational()} or ${example.formatNational()}`
    : '+44 7897 897897 or 07897 897897';
}

function notAPhone(text: string, region: CountryCode): LookupRequest {
  const message = `“${echo(text)}” doesn’t look like a phone number. Try ${phoneExamples(region)}.`;
  return invalid(message, text);
}

function query(kind: 'person' | 'user', text: string): LookupRequest {
  if ([...text].length > MAX_QUERY) return invalid(`That ${kind} search is too long.`, text);
  return kind === 'person' ? { kind: 'person', query: text } : { kind: 'user', query: text };
}

/** A recording id as `123`, `#123` or a portal recording link. */
function recordingId(token: string, ctx: ParseSettings): { id: number } | { error: string } {
  const read = readId(token, 'recording');
  if (read) return read;
  const link = ctx.links.match(trimUrl(token));
  if (link?.kind === 'recording') return { id: link.id };
  return { error: `“${echo(token)}” isn’t a recording id. Usage: ${usageOf('recording')}` };
}

/** Whole input without a keyword: `#id`, a portal link, an email or a phone number. */
function detect(text: string, ctx: ParseSettings): LookupRequest | null {
  const hash = readId(text, 'recording', true);
  if (hash) return 'id' in hash ? { kind: 'recording', id: hash.id } : invalid(hash.error, text);
  const link = ctx.links.match(trimUrl(text));
  if (link) return linkRequest(link);
  if (EMAIL.test(text)) return { kind: 'person', query: text };
  const phone = parsePhone(text, ctx.defaultRegion);
  return phone ? { kind: 'phone', phone } : null;
}

/** The subscription commands are read by `subscribe.ts` where they can run (a slash command in a channel). */
const onlyAsSlashCommand: Handler = () =>
  invalid(
    'Channel subscriptions are managed with the slash command in that channel: `/focus subscribe …`.',
    '',
  );

/** The link-preview choices are read by `previews.ts`, also only where a slash command runs. */
const previewsOnlyAsSlashCommand: Handler = () =>
  invalid('Link preview choices are managed with the slash command in that channel: `/focus previews`.', '');

const HANDLERS: Record<CommandName, Handler> = {
  previews: previewsOnlyAsSlashCommand,
  subscribe: onlyAsSlashCommand,
  subscriptions: onlyAsSlashCommand,
  unsubscribe: onlyAsSlashCommand,
  help: () => ({ kind: 'help', reason: 'asked' }),
  number: (arg, ctx) => detect(arg, ctx) ?? notAPhone(arg, ctx.defaultRegion),
  phone(arg, ctx) {
    const text = unquote(arg);
    if (!text) return missing('phone', 'phone number');
    const phone = parsePhone(text, ctx.defaultRegion);
    return phone ? { kind: 'phone', phone } : notAPhone(text, ctx.defaultRegion);
  },
  person(arg, ctx) {
    const text = unquote(arg);
    if (!text) return missing('person', 'person (an id, a name or an email)');
    const read = readId(text, 'person');
    if (read) return 'id' in read ? { kind: 'person', id: read.id } : invalid(read.error, text);
    const link = ctx.links.match(trimUrl(text));
    if (link?.kind === 'person') return { kind: 'person', id: link.id };
    if (link || /^https?:\/\//i.test(text)) {
      return invalid(`“${echo(text)}” isn’t a link to a person. Usage: ${usageOf('person')}`, text);
    }
    return query('person', text);
  },
  recording(arg, ctx) {
    const text = unquote(arg);
    if (!text) return missing('recording', 'recording (its id)');
    const read = recordingId(text, ctx);
    return 'id' in read ? { kind: 'recording', id: read.id } : invalid(read.error, text);
  },
  user(arg) {
    const text = unquote(arg);
    return text ? query('user', text) : missing('user', 'user (a name or an email)');
  },
  comments(arg, ctx) {
    const words = unquote(arg)
      .split(' ')
      .filter((w) => w && w.toLowerCase() !== 'page');
    const [first, second, ...extra] = words;
    if (first === undefined) return missing('comments', 'recording (its id)');
    if (extra.length > 0) return invalid(`Too many words. Usage: ${usageOf('comments')}`, arg);
    const read = recordingId(first, ctx);
    if ('error' in read) return invalid(read.error, arg);
    const page = second === undefined ? 1 : Number(second);
    if (!/^\d+$/.test(second ?? '1') || !Number.isSafeInteger(page) || page < 1) {
      return invalid(`“${echo(second ?? '')}” isn’t a page number. Usage: ${usageOf('comments')}`, arg);
    }
    return { kind: 'comments', recordingId: read.id, page };
  },
  retention: () => ({ kind: 'retention' }),
};

const PHONE_SHAPED = /^(?:tel:)?[+(]?[\d\s().+-]+$/i;

/**
 * Parses the text of `/focus` (and of an `@Focus` mention). Never throws; unknown or empty input
 * asks for help. Phone numbers are read as asked for (`explicit`), also inside a sentence. Only
 * the first MAX_INPUT characters are read.
 */
export function parseCommand(text: string, ctx: ParseSettings): LookupRequest {
  const plain = normaliseSlackText(limitInput(text)).replace(/\s+/g, ' ');
  if (!plain) return { kind: 'help', reason: 'empty' };
  const space = plain.indexOf(' ');
  const first = space === -1 ? plain : plain.slice(0, space);
  const rest = space === -1 ? '' : plain.slice(space + 1);

  const name = commandForKeyword(first);
  if (name) return HANDLERS[name](rest, ctx);

  const detected = detect(plain, ctx);
  if (detected) return detected;
  if (PHONE_SHAPED.test(plain) && plain.replace(/\D/g, '').length >= 5) {
    return notAPhone(plain, ctx.defaultRegion);
  }
  const [found] = lookupsInPlainText(plain, ctx, 'explicit');
  return found ?? { kind: 'help', reason: 'unknown', unknown: echo(first, 40) };
}
