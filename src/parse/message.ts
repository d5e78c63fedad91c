/**
 * Every lookup in a free-text message (message shortcut, mentions, watched channels): portal
 * links, emails, `#id` recording refs and phone numbers, in order of appearance.
 */
import type { LookupRequest } from '../domain/request.js';
import { limitInput, linkRequest, readId, trimUrl, URL_IN_TEXT } from './args.js';
import type { PhoneMode } from './phone.js';
import { findPhoneMatches } from './phone-find.js';
import type { ParseSettings } from './settings.js';
import { normaliseSlackText } from './slack-text.js';
import { blank, blankSpans, emailSpans, type Span } from './spans.js';

export const MAX_MESSAGE_LOOKUPS = 10;

const HASH_ID = /(?<![\w&#/])#\d+(?![\w])/g;

interface Found {
  index: number;
  request: LookupRequest;
}

/** Identity of a lookup, for deduplication. */
export function lookupKey(r: LookupRequest): string {
  switch (r.kind) {
    case 'phone':
      return `phone:${r.phone.focus}`;
    case 'person':
      return 'id' in r ? `person:${r.id}` : `person?${r.query.toLowerCase()}`;
    case 'recording':
      return `recording:${r.id}`;
    default:
      return JSON.stringify(r);
  }
}

function links(text: string, ctx: ParseSettings): Found[] {
  const found: Found[] = [];
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const link = ctx.links.match(trimUrl(m[0]));
    if (link) found.push({ index: m.index, request: linkRequest(link) });
  }
  return found;
}

function emails(text: string, spans: readonly Span[]): Found[] {
  return spans.map(({ start, end }) => ({
    index: start,
    request: { kind: 'person', query: text.slice(start, end) },
  }));
}

function recordingRefs(text: string): Found[] {
  const found: Found[] = [];
  for (const m of text.matchAll(HASH_ID)) {
    const read = readId(m[0], 'recording', true);
    if (read && 'id' in read) found.push({ index: m.index, request: { kind: 'recording', id: read.id } });
  }
  return found;
}

/**
 * Lookups in plain (already normalised) text, deduplicated, in order, at most 10. `phones` is how
 * written-out numbers are read: `free-text` in a message, `explicit` in an `@Focus` query.
 */
export function lookupsInPlainText(plain: string, ctx: ParseSettings, phones: PhoneMode): LookupRequest[] {
  const found = links(plain, ctx);
  let rest = blank(plain, URL_IN_TEXT);
  const mails = emailSpans(rest);
  found.push(...emails(rest, mails));
  rest = blankSpans(rest, mails);
  found.push(...recordingRefs(rest));
  rest = blank(rest, HASH_ID);
  for (const m of findPhoneMatches(rest, ctx.defaultRegion, phones)) {
    found.push({ index: m.index, request: { kind: 'phone', phone: m.phone } });
  }
  found.sort((a, b) => a.index - b.index);

  const seen = new Set<string>();
  const requests: LookupRequest[] = [];
  for (const { request } of found) {
    const key = lookupKey(request);
    if (seen.has(key)) continue;
    seen.add(key);
    requests.push(request);
    if (requests.length >= MAX_MESSAGE_LOOKUPS) break;
  }
  return requests;
}

/**
 * Every lookup in a Slack message (markup understood), deduplicated, in order, at most 10. Only
 * the first MAX_INPUT characters are read.
 */
export function parseMessageText(text: string, ctx: ParseSettings): LookupRequest[] {
  return lookupsInPlainText(normaliseSlackText(limitInput(text)), ctx, 'free-text');
}
