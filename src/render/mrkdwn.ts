/**
 * Text that came from Focus (or from a user) made safe for Slack mrkdwn: `&`, `<` and `>`
 * escaped, so no `<!channel>`, `<@U...>` or `<url|label>` can form. Formatting characters
 * (`*`, `_`, `~`, `` ` ``) are neutralised with lookalikes so a name cannot restyle a card.
 */
import { memoize } from '../domain/memo.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const FORMATTING: Record<string, string> = { '*': '∗', _: 'ˍ', '~': '∼', '`': 'ˋ' };

export function escapeMrkdwn(text: string): string {
  return escapeEntities(text).replace(/[*_~`]/g, (c) => FORMATTING[c] ?? c);
}

/** The lookalikes `escapeMrkdwn` put in, back to the characters typed (for plain text). */
export function restoreFormatting(text: string): string {
  return text.replace(/[∗ˍ∼ˋ]/g, (c) => TYPED[c] ?? c);
}
const TYPED: Record<string, string> = Object.fromEntries(
  Object.entries(FORMATTING).map(([typed, lookalike]) => [lookalike, typed]),
);

/** Only `&`, `<`, `>`: for our own text that may use formatting on purpose. */
export function escapeEntities(text: string): string {
  return text.replace(/[&<>]/g, (c) => ESCAPES[c] ?? c);
}

/**
 * Shortens to at most `max` UTF-16 units (what Slack and `.length` count, the stricter
 * reading), never splitting an emoji or other surrogate pair, ending with an ellipsis when cut.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/**
 * Anything `safe` would change: a character to escape or neutralise, whitespace other than a
 * single inner space (a tab, a newline, two spaces, one at either end).
 */
const NEEDS_WORK = /[&<>*_~`]|[^\S ]| {2}|^ | $/;

/** Escaped and shortened: the form every Focus-derived value takes in a card. */
export function safe(text: string, max = 200): string {
  // Most names and labels need nothing: one test instead of four passes that copy the string.
  if (text.length <= max && !NEEDS_WORK.test(text)) return text;
  return escapeMrkdwn(truncate(text.replace(/\s+/g, ' ').trim(), max));
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const DATE_TIME = '{date_short_pretty} {time}';

/** Slack's date token: each reader sees the time in their own zone; the fallback is UTC. */
export function slackDate(iso: string, format = DATE_TIME): string {
  return format === DATE_TIME ? dateTimeToken(iso) : dateToken(iso, format);
}

/** Every recording line shows a start time, and the same recordings come back: remembered. */
const dateTimeToken = memoize((iso: string) => dateToken(iso, DATE_TIME));

function dateToken(iso: string, format: string): string {
  // Only an ISO-8601 date-time becomes a token: Date.parse also reads "60" or "Tue 12".
  const ms = ISO_DATE_TIME.test(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms)) return safe(iso, 40);
  const fallback = `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^${format}|${fallback}>`;
}

/** `3m 12s`, `1h 02m`, `45s`. */
export function formatDuration(seconds: number | undefined): string | undefined {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return undefined;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
