import { expect } from 'vitest';
import { makePortalLinks } from '../../src/domain/links.js';
import type { ParseSettings } from '../../src/parse/index.js';

export const PORTAL = 'https://uk.focus.subphonic.ai';

export const links = makePortalLinks({
  portal: PORTAL,
  recordingTemplate: '{portal}/recordings/{id}',
  personTemplate: '{portal}/people/{id}',
});

export const GB: ParseSettings = { defaultRegion: 'GB', links };
export const US: ParseSettings = { defaultRegion: 'US', links };

/** Expected phone lookup, by Focus form. */
export function phone(focus: string, valid = true) {
  return { kind: 'phone', phone: { focus, e164: `+${focus}`, display: expect.any(String), valid } };
}

/** Expected invalid request whose message matches. */
export function invalid(message: RegExp) {
  return { kind: 'invalid', message: expect.stringMatching(message), input: expect.any(String) };
}
