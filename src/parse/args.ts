/** Small readers shared by the command and message parsers. */
import type { PortalLinkMatch } from '../domain/links.js';
import type { LookupRequest } from '../domain/request.js';

export const MAX_INPUT = 16_384;
export const MAX_QUERY = 200;
const MAX_ECHO = 100;

export const EMAIL = /^[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[^\s@<>"'(),;:.]+$/;
export const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'|]+/gi;

/** Echoes user input back, shortened so a card never carries a 4 KB paste. */
export function echo(text: string, max = MAX_ECHO): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

export function invalid(message: string, input: string): LookupRequest {
  return { kind: 'invalid', message, input: echo(input) };
}

/** Removes surrounding quotes (smart quotes are plain by now) and tidies spaces. */
export function unquote(text: string): string {
  return text
    .trim()
    .replace(/^["'`]+|["'`]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Drops punctuation that ends a sentence rather than a URL. */
export function trimUrl(url: string): string {
  return url.replace(/[.,;:!?)\]}'"]+$/, '');
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
