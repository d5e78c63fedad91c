/** Small readers shared by the command and message parsers. */
import type { PortalLinkMatch } from '../domain/links.js';
import type { LookupRequest } from '../domain/request.js';

/** Text past this many UTF-16 units is ignored by every parser entry point. */
export const MAX_INPUT = 16_384;
export const MAX_QUERY = 200;
const MAX_ECHO = 100;

export const EMAIL = /^[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[^\s@<>"'(),;:.]+$/;
export const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'|]+/gi;

/** The first MAX_INPUT units of the text, never ending in half a surrogate pair. */
export function limitInput(text: string): string {
  if (text.length <= MAX_INPUT) return text;
  const cut = text.charCodeAt(MAX_INPUT - 1);
  return text.slice(0, cut >= 0xd800 && cut <= 0xdbff ? MAX_INPUT - 1 : MAX_INPUT);
}

/** Echoes user input back, shortened so a card never carries a 4 KB paste. */
export function echo(text: string, max = MAX_ECHO): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

export function invalid(message: string, input: string): LookupRequest {
  return { kind: 'invalid', message, input: echo(input) };
}

/** The text without the characters `drop` accepts at its end (a loop: `/[…]+$/` is quadratic). */
function trimEndWhere(text: string, drop: (c: string) => boolean): string {
  let end = text.length;
  while (end > 0 && drop(text.charAt(end - 1))) end -= 1;
  return text.slice(0, end);
}

function trimStartWhere(text: string, drop: (c: string) => boolean): string {
  let start = 0;
  while (start < text.length && drop(text.charAt(start))) start += 1;
  return text.slice(start);
}

const isQuote = (c: string): boolean => c === '"' || c === "'" || c === '`';
const isSentenceEnd = (c: string): boolean => '.,;:!?)]}\'"'.includes(c);

/** Removes surrounding quotes (smart quotes are plain by now) and tidies spaces. */
export function unquote(text: string): string {
  return trimEndWhere(trimStartWhere(text.trim(), isQuote), isQuote).replace(/\s+/g, ' ').trim();
}

/** Drops punctuation that ends a sentence rather than a URL. */
export function trimUrl(url: string): string {
  return trimEndWhere(url, isSentenceEnd);
}

export type IdRead = { id: number } | { error: string } | null;

/** `123` or `#123` -> id; id-shaped but out of range -> error; anything else -> null. */
export function readId(token: string, what: string, hashRequired = false): IdRead {
  const m = (hashRequired ? /^#(\d+)$/ : /^#?(\d+)$/).exec(token.trim());
  if (!m?.[1]) return null;
  const id = Number(m[1]);
  if (Number.isSafeInteger(id) && id > 0) return { id };
  return { error: `“${echo(token.trim())}” isn’t a valid ${what} id: ids are whole numbers from 1.` };
}

/** The lookup a recognised portal link asks for. */
export function linkRequest(link: PortalLinkMatch): LookupRequest {
  return link.kind === 'recording' ? { kind: 'recording', id: link.id } : { kind: 'person', id: link.id };
}
