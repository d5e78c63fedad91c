/**
 * Interactive buttons: their action ids, and the value they carry. A value holds the lookup
 * as the command text a user could have typed (so the parser validates it on the way back),
 * the page, and who may use it.
 */
import type { FocusLookupRequest } from './request.js';

export const ACTIONS = {
  open: 'open_in_focus',
  more: 'more_recordings',
  share: 'share_in_channel',
  comments: 'show_comments',
  pick: 'pick_choice',
  /** The consent prompt of a link preview (`domain/consent.ts` carries their value). */
  consentShow: 'unfurl_consent_show',
  consentNotNow: 'unfurl_consent_not_now',
  consentAlways: 'unfurl_consent_always',
  /** The Home tab's buttons (their value: `domain/home.ts`). */
  homePause: 'home_pause',
  homeResume: 'home_resume',
  homeUnsubscribe: 'home_unsubscribe',
  homeForget: 'home_forget_previews',
  homePage: 'home_page',
} as const;

export interface ActionValue {
  /** Command text, e.g. `phone +447897897897`. */
  c: string;
  /** Page wanted. */
  p?: number;
  /** The Slack user who ran the lookup (share is theirs alone). */
  u?: string;
}

/** The `/focus` text that asks for `request` again. */
export function commandText(request: FocusLookupRequest): string {
  switch (request.kind) {
    case 'phone':
      return `phone ${request.phone.e164}`;
    case 'person':
      return 'id' in request ? `person ${request.id}` : `person "${request.query.replace(/"/g, '')}"`;
    case 'recording':
      return `recording ${request.id}`;
    case 'comments':
      return `comments ${request.recordingId} ${request.page}`;
    case 'user':
      return `user ${request.query}`;
    case 'retention':
      return 'retention';
  }
}

export function encodeAction(value: ActionValue): string {
  return JSON.stringify(value);
}

export function decodeAction(text: string | undefined): ActionValue | null {
  if (!text || text.length > 2000) return null;
  try {
    const v = JSON.parse(text) as Partial<ActionValue> | null;
    if (!v || typeof v.c !== 'string') return null;
    const page =
      typeof v.p === 'number' && Number.isSafeInteger(v.p) && v.p >= 1 && v.p <= 10_000 ? v.p : undefined;
    const user = typeof v.u === 'string' && /^[UW][A-Z0-9]{2,}$/.test(v.u) ? v.u : undefined;
    return { c: v.c, ...(page && { p: page }), ...(user && { u: user }) };
  } catch {
    return null;
  }
}
