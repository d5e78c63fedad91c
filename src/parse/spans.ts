/**
 * URLs and email addresses in text, as offsets, found by one left-to-right scan each. Regexes for
 * these (`[\w.+-]+@…`, `\b[a-z][a-z0-9+.-]*:\/\/\S+`) retry a long run of dots or letters from
 * every position: quadratic on a 40 KB message. Here every character is read a bounded number
 * of times.
 */

export interface Span {
  start: number;
  end: number;
}

const isWordChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** `[a-z0-9+.-]`, case-insensitive: a URL scheme. */
const isSchemeChar = (c: number): boolean => (isWordChar(c) ? c !== 95 : c === 43 || c === 45 || c === 46);
/** `[\w.+-]`: the local part of an email address. */
const isLocalChar = (c: number): boolean => isWordChar(c) || c === 43 || c === 45 || c === 46;
/** `[\w-]`: one label of a domain. */
const isLabelChar = (c: number): boolean => isWordChar(c) || c === 45;
/** `\s` as far as text from Slack goes. */
const isSpace = (c: number): boolean =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000 ||
  c === 0xfeff;

/**
 * Every `scheme://rest` (scheme `[a-z][a-z0-9+.-]*` starting at a word boundary, rest up to the
 * next space), as `\b[a-z][a-z0-9+.-]*:\/\/\S+` would match them.
 */
export function urlSpans(text: string): Span[] {
  const spans: Span[] = [];
  let floor = 0;
  for (let sep = text.indexOf('://'); sep !== -1; sep = text.indexOf('://', Math.max(sep + 1, floor))) {
    let runStart = sep;
    while (runStart > floor && isSchemeChar(text.charCodeAt(runStart - 1))) runStart -= 1;
    let start = -1;
    for (let i = runStart; i < sep && start === -1; i++) {
      const atBoundary = i === 0 || !isWordChar(text.charCodeAt(i - 1));
      if (isLetter(text.charCodeAt(i)) && atBoundary) start = i;
    }
    floor = sep + 1;
    if (start === -1 || sep + 3 >= text.length || isSpace(text.charCodeAt(sep + 3))) continue;
    let end = sep + 3;
    while (end < text.length && !isSpace(text.charCodeAt(end))) end += 1;
    spans.push({ start, end });
    floor = end;
  }
  return spans;
}

/** The end of `[\w-]+(?:\.[\w-]+)+` from `from`, or -1 when there is no such domain. */
function domainEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && isLabelChar(text.charCodeAt(i))) i += 1;
  if (i === from) return -1;
  let labels = 0;
  while (text.charCodeAt(i) === 46 && i + 1 < text.length && isLabelChar(text.charCodeAt(i + 1))) {
    i += 1;
    while (i < text.length && isLabelChar(text.charCodeAt(i))) i += 1;
    labels += 1;
  }
  return labels > 0 ? i : -1;
}

/** Every email address (`[\w.+-]+@[\w-]+(?:\.[\w-]+)+`, the local part as long as it runs). */
export function emailSpans(text: string): Span[] {
  const spans: Span[] = [];
  let floor = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', Math.max(at + 1, floor))) {
    let start = at;
    while (start > floor && isLocalChar(text.charCodeAt(start - 1))) start -= 1;
    const end = start < at ? domainEnd(text, at + 1) : -1;
    if (end === -1) {
      floor = at + 1;
      continue;
    }
    spans.push({ start, end });
    floor = end;
  }
  return spans;
}

/** Replaces every span with spaces of the same length, keeping offsets. Spans in order. */
export function blankSpans(text: string, spans: readonly Span[]): string {
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const { start, end } of spans) {
    if (start < at) continue;
    out += text.slice(at, start) + ' '.repeat(end - start);
    at = end;
  }
  return out + text.slice(at);
}

/** Replaces every match of a global regex with spaces of the same length, keeping offsets. */
export function blank(text: string, re: RegExp): string {
  return text.replace(re, (m) => ' '.repeat(m.length));
}
