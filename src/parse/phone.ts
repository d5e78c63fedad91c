/**
 * Phone numbers -> the Focus form (digits with country code, no `+`). Pure, libphonenumber `max`
 * metadata. See design §3 and §9.
 */
import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { memoize } from '../domain/memo.js';
import type { PhoneNumber } from '../domain/request.js';

export type { CountryCode } from 'libphonenumber-js/max';

const MAX_DIGITS = 20;
const DASHES = /[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g;
/** A trailing extension (`ext 12`, `ext. 12`, `extension 12`, `x12`), dropped. */
const EXTENSION = /\s*(?:ext(?:ension)?\.?|x)\s*\d{1,7}\s*$/i;
/** What is left once scheme and extension are gone: digits and the usual separators only. */
const PHONE_CHARS = /^\(?\s*\+?[\d\s().-]*$/;

function clean(input: string): string | null {
  if (input.length > 200) return null;
  let s = input.normalize('NFKC').replace(DASHES, '-').trim();
  s = s.replace(/^tel:/i, '').replace(/;.*$/, ''); // tel URI parameters (`;ext=`, `;phone-context=`)
  s = s.replace(EXTENSION, '').trim();
  return PHONE_CHARS.test(s) ? s : null;
}

/** The number as written internationally (`+44…`, `0044…`, or the Focus form `44…`), else null. */
function internationalForm(s: string, digits: string): string | null {
  if (/^\(?\s*\+/.test(s)) return s;
  if (digits.startsWith('00')) return s.replace(/^(\(?\s*)00/, '$1+');
  if (/^[1-9]\d{7,14}$/.test(s)) return `+${s}`;
  return null;
}

function toPhone(e164: string, display: string, valid: boolean): PhoneNumber {
  return { focus: e164.slice(1), e164, display, valid };
}

/**
 * Parses one phone number in any common form. A number libphonenumber knows to be valid is
 * accepted; one it does not know is still accepted (`valid: false`) when written internationally
 * and possible. A national number must be valid under `defaultRegion`. Anything else: null.
 */
export function parsePhone(input: string, defaultRegion: CountryCode): PhoneNumber | null {
  return input.length > 100 ? parseUncached(input, defaultRegion) : parseCached(`${defaultRegion}|${input}`);
}

// libphonenumber's parse, validity check and formatting cost ~0.1 ms: the same text is parsed once.
const parseCached = memoize((key: string) => {
  const bar = key.indexOf('|');
  return parseUncached(key.slice(bar + 1), key.slice(0, bar) as CountryCode);
});

function parseUncached(input: string, defaultRegion: CountryCode): PhoneNumber | null {
  const s = clean(input);
  if (s === null) return null;
  const digits = s.replace(/\D/g, '');
  if (digits.length < 3 || digits.length > MAX_DIGITS) return null;

  const national = parsePhoneNumberFromString(s, defaultRegion);
  if (national?.isValid()) return toPhone(national.number, national.formatInternational(), true);

  const intl = internationalForm(s, digits);
  if (intl === null) return null;
  const parsed = parsePhoneNumberFromString(intl);
  if (!parsed?.isPossible()) return null;
  return toPhone(parsed.number, parsed.formatInternational(), parsed.isValid());
}

/** True when the text, as written, starts internationally (`+` or `00`), not national or bare digits. */
export function writtenInternationally(text: string): boolean {
  return /^\(?\s*(?:\+|00)/.test(text.trim());
}

/** A run of 7+ digits with phone separators: the shape masked in logs. */
const MASKABLE = /\+?\(?\d[\d \t().-]{5,}\d/g;

/** Masks every phone-looking run for logs: `+44 7897 897897` -> `•••897` (ISO dates kept). */
export function maskPhone(text: string): string {
  return text.replace(MASKABLE, (run) => {
    const digits = run.replace(/\D/g, '');
    const isoDate = /^\d{4}-\d{2}-\d{2}$/.test(run);
    return digits.length >= 7 && !isoDate ? `•••${digits.slice(-3)}` : run;
  });
}
