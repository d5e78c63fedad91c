/**
 * Consent before a conversation sees a preview (a link unfurl): the modes UNFURL_CONSENT takes,
 * the basis each preview is made on (for the audit line), the key under which a user's "always
 * in this channel" is kept, and the value the prompt's buttons carry. The value holds what the
 * preview needs (where, which message, which links, whose paste) and is validated on the way
 * back like `decodeAction`: length-capped, typed, anything else is null.
 */

import { jsonObject } from './json.js';

export const CONSENT_MODES = ['ask', 'always', 'never'] as const;
export type ConsentMode = (typeof CONSENT_MODES)[number];

/** Why a preview was made: a button, a kept choice, the configuration, or nobody else can see it. */
export type ConsentBasis = 'show' | 'always_kept' | 'always_new' | 'config_always' | 'private';

/** A step of the consent flow, counted in `/metrics`: prompts, their answers (refused: not the paster), kept choices used and forgotten. */
export type ConsentStep =
  | 'prompted'
  | 'show'
  | 'not_now'
  | 'always'
  | 'always_kept'
  | 'refused'
  | 'forgotten';

/** How long "Always in this channel" is kept: a year, then the prompt comes back once. */
export const CONSENT_TTL_MS = 365 * 24 * 60 * 60_000;

/** The state-store key of one user's "always" in one conversation. */
export function consentKey(team: string | undefined, channel: string, user: string): string {
  return `consent:${team ?? '-'}:${channel}:${user}`;
}

/**
 * The key of the list of conversations one user chose "always" in (for their Home tab): an index
 * of `consentKey`s, each checked again when read (the choices themselves decide).
 */
export function consentIndexKey(team: string | undefined, user: string): string {
  return `consents:${team ?? '-'}:${user}`;
}

/** Conversations one user's index lists at most (the oldest choice drops off the list, not out of force). */
export const MAX_CONSENT_INDEX = 100;

export interface ConsentValue {
  /** The conversation the link was pasted in. */
  ch: string;
  /** The message's ts (`chat.unfurl` names the message by channel and ts). */
  ts: string;
  /** The thread, when the message is a reply (where a failure notice goes). */
  th?: string;
  /** The Slack user who pasted the link: the only one who may answer. */
  u: string;
  /** The pasted URLs to preview, as Slack sent them (the keys of `chat.unfurl`'s `unfurls`). */
  l: string[];
}

export const MAX_CONSENT_VALUE = 2000;
export const MAX_CONSENT_LINKS = 2;
const MAX_URL = 900;
const CHANNEL = /^[CDG][A-Z0-9]{1,30}$/;
const USER = /^[UW][A-Z0-9]{1,30}$/;
const TS = /^\d{1,12}(?:\.\d{1,9})?$/;

/** The value, or null when it would not fit in a button (Slack allows 2,000 characters). */
export function encodeConsent(value: ConsentValue): string | null {
  const text = JSON.stringify(value);
  return text.length <= MAX_CONSENT_VALUE ? text : null;
}

export function decodeConsent(text: string | undefined): ConsentValue | null {
  const v: Partial<Record<keyof ConsentValue, unknown>> | null = jsonObject(text, MAX_CONSENT_VALUE);
  if (!v) return null;
  const { ch, ts, th, u, l } = v;
  if (typeof ch !== 'string' || !CHANNEL.test(ch)) return null;
  if (typeof ts !== 'string' || !TS.test(ts)) return null;
  if (th !== undefined && (typeof th !== 'string' || !TS.test(th))) return null;
  if (typeof u !== 'string' || !USER.test(u)) return null;
  if (!Array.isArray(l) || l.length === 0 || l.length > MAX_CONSENT_LINKS) return null;
  if (
    !l.every(
      (url): url is string => typeof url === 'string' && url.length <= MAX_URL && /^https?:\/\//i.test(url),
    )
  )
    return null;
  return { ch, ts, ...(th !== undefined && { th }), u, l: [...l] };
}
