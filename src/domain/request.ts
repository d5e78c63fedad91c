/**
 * What a user asked for, as parsed from a slash command, a mention, a message or a link.
 * Produced by `parse/`, run by `lookup/`.
 */

/** A phone number normalised for Focus. */
export interface PhoneNumber {
  /** Focus form: digits with country code, no `+` (`447897897897`). */
  focus: string;
  /** E.164 (`+447897897897`). */
  e164: string;
  /** International format for people (`+44 7897 897897`). */
  display: string;
  /** False when libphonenumber's metadata does not know the range (accepted as written internationally). */
  valid: boolean;
}

export type LookupRequest =
  | { kind: 'phone'; phone: PhoneNumber; page?: number }
  | { kind: 'person'; id: number; page?: number }
  | { kind: 'person'; query: string }
  | { kind: 'recording'; id: number }
  | { kind: 'user'; query: string }
  | { kind: 'comments'; recordingId: number; page: number }
  | { kind: 'retention' }
  | { kind: 'help'; reason: 'asked' | 'empty' | 'unknown'; unknown?: string }
  | { kind: 'invalid'; message: string; input: string };

export type LookupKind = LookupRequest['kind'];

/** Lookups that reach Focus (help and invalid never do). */
export type FocusLookupRequest = Exclude<LookupRequest, { kind: 'help' } | { kind: 'invalid' }>;

export function isFocusLookup(r: LookupRequest): r is FocusLookupRequest {
  return r.kind !== 'help' && r.kind !== 'invalid';
}
