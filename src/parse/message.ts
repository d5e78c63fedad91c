/**
 * Every lookup in a free-text message (message shortcut, mentions, watched channels): portal
 * links, emails, `#id` recording refs and phone numbers, in order of appearance.
 */
import type { LookupRequest } from '../domain/request.js';
import { linkRequest, MAX_INPUT, readId, trimUrl, URL_IN_TEXT } from './args.js';
import type { ParseContext } from './context.js';
import { blank, findPhoneMatches } from './phone-find.js';
import { normaliseSlackText } from './slack-text.js';

export const MAX_MESSAGE_LOOKUPS = 10;

const EMAIL_IN_TEXT = /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
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

function links(text: string, ctx: ParseContext): Found[] {
  const found: Found[] = [];
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const link = ctx.links.match(trimUrl(m[0]));
    if (link) found.push({ index: m.index, request: linkRequest(link) });
  }
  return found;
}

function emails(text: string): Found[] {
  return [...text.matchAll(EMAIL_IN_TEXT)].map((m) => ({
    index: m.index,
    request: { kind: 'person', query: m[0] },
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

/** Lookups in plain (already normalised) text, deduplicated, in order, at most 10. */
export function lookupsInPlainText(plain: string, ctx: ParseContext): LookupRequest[] {
  const found = links(plain, ctx);
  let rest = blank(plain, URL_IN_TEXT);
  found.push(...emails(rest));
  rest = blank(rest, EMAIL_IN_TEXT);
  found.push(...recordingRefs(rest));
  rest = blank(rest, HASH_ID);
  for (const m of findPhoneMatches(rest, ctx.defaultRegion)) {
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

/** Every lookup in a Slack message (markup understood), deduplicated, in order, at most 10. */
export function parseMessageText(text: string, ctx: ParseContext): LookupRequest[] {
  return lookupsInPlainText(normaliseSlackText(text.slice(0, MAX_INPUT)), ctx);
}
