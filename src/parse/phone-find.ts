/**
 * Every phone number in free text (message shortcut, watched channels, and the rest of an
 * `@Focus` query). libphonenumber's own finder double counts Slack `<tel:…|…>` tokens and reads
 * `#123` as an extension, so candidates are found here and each is checked with `parsePhone`.
 */
import type { PhoneNumber } from '../domain/request.js';
import { limitInput } from './args.js';
import { type CountryCode, type PhoneMode, parsePhone } from './phone.js';
import { normaliseSlackText } from './slack-text.js';
import { blank, blankSpans, emailSpans, urlSpans } from './spans.js';

export const MAX_FINDINGS = 10;
/** Upper bound on parse attempts per text, so hostile input stays cheap. */
const MAX_ATTEMPTS = 400;

/** A `tel:` URI (Slack's `<tel:…|…>` tokens are normalised to these): digits and visual separators. */
const TEL_URI = /\btel:[+\d().-]*/gi;
/** A run of digits and separators, not glued to a word, `#id`, path, email or decimal. */
const CANDIDATE = /(?<![\w#/@.+-])(?:\+|\(\+?)?\d[\d \t().-]*\d(?![\w@])/g;

export interface PhoneMatch {
  /** Offset in the text given to `findPhoneMatches`. */
  index: number;
  phone: PhoneNumber;
}

function digitCount(s: string): number {
  return s.replace(/\D/g, '').length;
}

interface Budget {
  attempts: number;
}

function accept(candidate: string, region: CountryCode, mode: PhoneMode, budget: Budget): PhoneNumber | null {
  const n = digitCount(candidate);
  if (n < 7 || n > 17 || budget.attempts >= MAX_ATTEMPTS) return null;
  budget.attempts += 1;
  return parsePhone(candidate, region, { mode });
}

/** A run that is not one number may be several separated by spaces: take the longest prefixes. */
function splitRun(
  run: string,
  index: number,
  region: CountryCode,
  mode: PhoneMode,
  budget: Budget,
): PhoneMatch[] {
  const tokens = [...run.matchAll(/\S+/g)];
  if (tokens.length < 2) return [];
  const found: PhoneMatch[] = [];
  let i = 0;
  while (i < tokens.length && budget.attempts < MAX_ATTEMPTS) {
    let taken = 0;
    for (let j = Math.min(tokens.length, i + 8); j > i; j -= 1) {
      const start = tokens[i]?.index ?? 0;
      const last = tokens[j - 1];
      const end = (last?.index ?? 0) + (last?.[0].length ?? 0);
      const phone = accept(run.slice(start, end), region, mode, budget);
      if (phone) {
        found.push({ index: index + start, phone });
        taken = j - i;
        break;
      }
    }
    i += Math.max(taken, 1);
  }
  return found;
}

/** Adds matches to `into` until it holds MAX_FINDINGS distinct numbers; false once it does. */
function collect(into: PhoneMatch[], seen: Set<string>, matches: PhoneMatch[]): boolean {
  for (const match of matches) {
    if (seen.size >= MAX_FINDINGS) return false;
    if (seen.has(match.phone.focus)) continue;
    seen.add(match.phone.focus);
    into.push(match);
  }
  return seen.size < MAX_FINDINGS;
}

/** `tel:` links: phone numbers by their author's say-so, so read as explicitly as a command. */
function telLinks(text: string, region: CountryCode, budget: Budget): PhoneMatch[] {
  const found: PhoneMatch[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(TEL_URI)) {
    const phone = accept(m[0], region, 'explicit', budget);
    if (phone && !collect(found, seen, [{ index: m.index, phone }])) break;
  }
  return found;
}

function written(text: string, region: CountryCode, mode: PhoneMode, budget: Budget): PhoneMatch[] {
  const found: PhoneMatch[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(CANDIDATE)) {
    if (budget.attempts >= MAX_ATTEMPTS) break;
    const phone = accept(m[0], region, mode, budget);
    const matches = phone ? [{ index: m.index, phone }] : splitRun(m[0], m.index, region, mode, budget);
    if (!collect(found, seen, matches)) break;
  }
  return found;
}

/**
 * Phone numbers in already-normalised plain text with their offsets: deduplicated by Focus form,
 * in order of appearance, at most 10. `mode` is how numbers written out are read (`explicit` in
 * an `@Focus` query, `free-text` in a message); a `tel:` link is always read as `explicit`.
 * Digits inside URLs and email addresses are never phone numbers.
 */
export function findPhoneMatches(text: string, region: CountryCode, mode: PhoneMode): PhoneMatch[] {
  const withoutUrls = blankSpans(text, urlSpans(text));
  const withoutLinks = blankSpans(withoutUrls, emailSpans(withoutUrls));
  const budget: Budget = { attempts: 0 };
  const tel = telLinks(withoutLinks, region, budget);
  const rest = written(blank(withoutLinks, TEL_URI), region, mode, budget);

  const all = [...tel, ...rest].sort((a, b) => a.index - b.index);
  const found: PhoneMatch[] = [];
  collect(found, new Set(), all);
  return found;
}

/**
 * Every phone number in a message (Slack markup understood, free-text rules), deduplicated, in
 * order, at most 10. Only the first MAX_INPUT characters are read.
 */
export function findPhones(text: string, defaultRegion: CountryCode): PhoneNumber[] {
  return findPhoneMatches(normaliseSlackText(limitInput(text)), defaultRegion, 'free-text').map(
    (m) => m.phone,
  );
}
