/**
 * Phone numbers -> the Focus form (digits with country code, no `+`). Pure, libphonenumber `max`
 * metadata. See design §3 and §9.
 */
import {
  type CountryCode,
  getExampleNumber,
  type PhoneNumber as Parsed,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { memoize } from '../domain/memo.js';
import type { PhoneNumber } from '../domain/request.js';

export type { CountryCode } from 'libphonenumber-js/max';

/**
 * How sure we are that the text is meant as a phone number.
 * - `explicit`: someone asked for it (`/focus <number>`, `phone <number>`, an `@Focus` query, a
 *   `tel:` link). A number libphonenumber calls possible but does not know to be assigned (a new
 *   range, Ofcom's drama range 07700 900xxx, a test line) is looked up as written, national or
 *   international.
 * - `free-text`: a run of digits spotted in a message. Only a number known to be valid, or a
 *   possible one marked as a phone number by `+` or `00`, counts.
 */
export type PhoneMode = 'explicit' | 'free-text';

export interface ParsePhoneOptions {
  /** Default `explicit`: the caller asks for this text to be read as a phone number. */
  mode?: PhoneMode;
}

/** Longer text is not a phone number (and not worth libphonenumber's time). */
const MAX_TEXT = 200;
const MAX_DIGITS = 20;
const DASHES = /[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g;
/** A trailing extension (`ext 12`, `ext. 12`, `extension 12`, `x12`), dropped (text trimmed). */
const EXTENSION = /(?:ext(?:ension)?\.?|x)\s*\d{1,7}$/i;
const PHONE_CHARS = /^[\d\s().+-]*$/;

/** Digits and the usual separators, with at most one `+`, first (after an opening parenthesis). */
function phoneShaped(s: string): boolean {
  if (!PHONE_CHARS.test(s)) return false;
  const plus = s.indexOf('+');
  return plus === -1 || (plus === s.lastIndexOf('+') && /^\(?\s*$/.test(s.slice(0, plus)));
}

function clean(input: string): string | null {
  if (input.length > MAX_TEXT) return null;
  let s = input.normalize('NFKC').replace(DASHES, '-').trim();
  s = s.replace(/^tel:/i, '');
  const params = s.indexOf(';'); // tel URI parameters (`;ext=`, `;phone-context=`)
  if (params !== -1) s = s.slice(0, params);
  s = s.trim().replace(EXTENSION, '').trim();
  return phoneShaped(s) ? s : null;
}

interface International {
  /** The text with a leading `+`. */
  text: string;
  /** Written with `+` or `00`, not as bare digits (the Focus form). */
  marked: boolean;
}

/** The number as written internationally (`+44…`, `0044…`, or the Focus form `44…`), else null. */
function internationalForm(s: string, digits: string): International | null {
  if (/^\(?\s*\+/.test(s)) return { text: s, marked: true };
  if (digits.startsWith('00')) return { text: s.replace(/^(\(?\s*)00/, '$1+'), marked: true };
  if (/^[1-9]\d{7,14}$/.test(s)) return { text: `+${s}`, marked: false };
  return null;
}

/**
 * The digits a region writes before a national number (`0` in GB, `8` in RU, none in the US),
 * read from libphonenumber's example number.
 */
const trunkPrefix = memoize((region: string): string => {
  const example = getExampleNumber(region as CountryCode, examples);
  if (!example) return '';
  const national = example.formatNational().replace(/\D/g, '');
  return national.endsWith(example.nationalNumber)
    ? national.slice(0, national.length - example.nationalNumber.length)
    : '';
}, 300);

/**
 * Written as a national number of the region: the national number, after the region's trunk
 * prefix where it writes one (`07700 900461` in GB, not `7700 900461` or `(415) 555-0100`).
 */
function writtenNationally(digits: string, parsed: Parsed, region: CountryCode): boolean {
  if (!digits.endsWith(parsed.nationalNumber)) return false;
  const trunk = trunkPrefix(region);
  return (
    trunk === '' ||
    (digits.length === trunk.length + parsed.nationalNumber.length && digits.startsWith(trunk))
  );
}

function toPhone(parsed: Parsed, valid: boolean): PhoneNumber {
  return { focus: parsed.number.slice(1), e164: parsed.number, display: parsed.formatInternational(), valid };
}

/**
 * Parses one phone number in any common form. A number libphonenumber knows to be valid is
 * accepted in every form and mode. One it calls possible but does not know is accepted with
 * `valid: false`: written with `+` or `00` in every mode; in `explicit` mode also written
 * nationally (`07700 900461`) or as bare digits with a country code (`447700900461`).
 * Anything else: null.
 */
export function parsePhone(
  input: string,
  defaultRegion: CountryCode,
  { mode = 'explicit' }: ParsePhoneOptions = {},
): PhoneNumber | null {
  // Long text is rare and not worth a cache entry.
  return input.length > 100
    ? parseUncached(input, defaultRegion, mode)
    : parseCached(`${defaultRegion}|${mode}|${input}`);
}

// libphonenumber's parse, validity check and formatting cost ~0.1 ms: the same text is parsed once.
const parseCached = memoize((key: string) => {
  const [region, mode] = key.split('|', 2) as [CountryCode, PhoneMode];
  return parseUncached(key.slice(region.length + mode.length + 2), region, mode);
});

function parseUncached(input: string, region: CountryCode, mode: PhoneMode): PhoneNumber | null {
  const s = clean(input);
  if (s === null) return null;
  const digits = s.replace(/\D/g, '');
  if (digits.length < 3 || digits.length > MAX_DIGITS) return null;

  const asWritten = parsePhoneNumberFromString(s, region);
  if (asWritten?.isValid()) return toPhone(asWritten, true);
  const intl = internationalForm(s, digits);
  const international = intl ? parsePhoneNumberFromString(intl.text) : undefined;
  if (international?.isValid()) return toPhone(international, true);

  // Possible but not known to be assigned: looked up as written, when the writing is clear enough.
  if (intl?.marked) return international?.isPossible() ? toPhone(international, false) : null;
  if (mode === 'free-text') return null;
  if (asWritten?.isPossible() && writtenNationally(digits, asWritten, region)) {
    return toPhone(asWritten, false);
  }
  return international?.isPossible() ? toPhone(international, false) : null;
}

export { maskPhone } from '../domain/mask.js';
