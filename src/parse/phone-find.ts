/**
 * Every phone number in free text (message shortcut, watched channels). libphonenumber's own
 * finder double counts Slack `<tel:…|…>` tokens and reads `#123` as an extension, so candidates
 * are found here and each is checked with `parsePhone`.
 */
import type { PhoneNumber } from '../domain/request.js';
import { type CountryCode, parsePhone, writtenInternationally } from './phone.js';
import { normaliseSlackText } from './slack-text.js';

export const MAX_FINDINGS = 10;
/** Upper bound on parse attempts per text, so hostile input stays cheap. */
const MAX_ATTEMPTS = 400;

/** URLs and emails: digits inside them are never phone numbers. */
const NOT_PHONES = /\b[a-z][a-z0-9+.-]*:\/\/\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gi;
/** A run of digits and separators, not glued to a word, `#id`, path, email or decimal. */
const CANDIDATE = /(?<![\w#/@.+-])(?:\+|\(\+?)?\d[\d \t().-]*\d(?![\w@])/g;

export interface PhoneMatch {
  /** Offset in the text given to `findPhoneMatches`. */
  index: number;
  phone: PhoneNumber;
}

/** Replaces every match with spaces of the same length, keeping offsets. */
export function blank(text: string, re: RegExp): string {
  return text.replace(re, (m) => ' '.repeat(m.length));
}

function digitCount(s: string): number {
  return s.replace(/\D/g, '').length;
}

interface Budget {
  attempts: number;
}

function accept(candidate: string, region: CountryCode, budget: Budget): PhoneNumber | null {
  const n = digitCount(candidate);
  if (n < 7 || n > 17 || budget.attempts >= MAX_ATTEMPTS) return null;
  budget.attempts += 1;
  const phone = parsePhone(candidate, region);
  // In free text a bare digit string is only a phone number when it is a known (valid) number.
  if (phone && !phone.valid && !writtenInternationally(candidate)) return null;
  return phone;
}

/** A run that is not one number may be several separated by spaces: take the longest prefixes. */
function splitRun(run: string, index: number, region: CountryCode, budget: Budget): PhoneMatch[] {
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
      const phone = accept(run.slice(start, end), region, budget);
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

/**
 * Phone numbers in already-normalised plain text with their offsets: deduplicated by Focus form,
 * in order of appearance, at most 10.
 */
export function findPhoneMatches(text: string, region: CountryCode): PhoneMatch[] {
  const plain = blank(blank(text, NOT_PHONES), /\btel:/gi);
  const budget: Budget = { attempts: 0 };
  const seen = new Set<string>();
  const found: PhoneMatch[] = [];
  for (const m of plain.matchAll(CANDIDATE)) {
    if (found.length >= MAX_FINDINGS || budget.attempts >= MAX_ATTEMPTS) break;
    const phone = accept(m[0], region, budget);
    const matches = phone ? [{ index: m.index, phone }] : splitRun(m[0], m.index, region, budget);
    for (const match of matches) {
      if (seen.has(match.phone.focus) || found.length >= MAX_FINDINGS) continue;
      seen.add(match.phone.focus);
      found.push(match);
    }
  }
  return found;
}

/** Every phone number in a message (Slack markup understood), deduplicated, in order, at most 10. */
export function findPhones(text: string, defaultRegion: CountryCode): PhoneNumber[] {
  return findPhoneMatches(normaliseSlackText(text), defaultRegion).map((m) => m.phone);
}
