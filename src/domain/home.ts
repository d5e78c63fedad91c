/**
 * The App Home tab's vocabulary: a lookup as the person's recent list keeps it, and the value its
 * buttons and its `private_metadata` carry. Values are validated on the way back like
 * `decodeAction`: typed, bounded, anything else is null (a forged one names nothing).
 */

import { jsonObject } from './json.js';

/** One lookup the person made, as its card showed it (a phone number masked), for the Home tab. */
export interface RecentLookup {
  /** The lookup's kind (`phone`, `person`, `recording`, …). */
  kind: string;
  /** The card's title as plain text, any phone number in it masked (`•••123`). */
  title: string;
  /** When it was answered (ms since the epoch). */
  at: number;
}

/** At most this many recent lookups are kept, for at most this long. */
export const RECENT_LOOKUPS = { max: 10, ttlMs: 24 * 3_600_000 } as const;

/**
 * What a Home button carries: the subscription it acts on (`s`), the conversation whose kept
 * preview choice it forgets (`ch`), and the page of subscriptions shown (`o`, the offset). The
 * view's `private_metadata` carries the app's DM with the person (`ch`) and the page.
 */
export interface HomeValue {
  s?: number;
  ch?: string;
  o?: number;
}

const CHANNEL = /^[CDG][A-Z0-9]{1,30}$/;
const MAX_VALUE = 200;

export function encodeHome(value: HomeValue): string {
  return JSON.stringify(value);
}

export function decodeHome(text: string | undefined): HomeValue | null {
  const v: Partial<Record<keyof HomeValue, unknown>> | null = jsonObject(text, MAX_VALUE);
  if (!v) return null;
  const { s, ch, o } = v;
  if (s !== undefined && !(Number.isSafeInteger(s) && (s as number) >= 1 && (s as number) <= 2_147_483_647))
    return null;
  if (ch !== undefined && !(typeof ch === 'string' && CHANNEL.test(ch))) return null;
  if (o !== undefined && !(Number.isSafeInteger(o) && (o as number) >= 0 && (o as number) <= 10_000))
    return null;
  return {
    ...(s !== undefined && { s: s as number }),
    ...(ch !== undefined && { ch: ch as string }),
    ...(o !== undefined && { o: o as number }),
  };
}
