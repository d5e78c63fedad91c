/** Who asked, where, on which surface: the fields every answer, audit line and metric carries. */

export type Surface = 'command' | 'console' | 'shortcut' | 'unfurl' | 'mention' | 'button';

/** Why someone was refused (see `slack/access.ts`). */
export type DenyReason =
  | 'user_not_allowed'
  | 'channel_not_allowed'
  | 'not_linked'
  | 'no_email'
  | 'check_failed';

export interface Asker {
  surface: Surface;
  team?: string | undefined;
  user?: string | undefined;
  channel?: string | undefined;
  /** The interaction's reference: quoted on failure cards, carried by every log line. */
  requestId?: string | undefined;
}

/**
 * Letters only, so it reads aloud well and no log scrubber mistakes it for a phone number.
 * A reference, not a secret: Math.random is enough (and far cheaper than crypto per request).
 */
const ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz';

export function newRequestId(): string {
  let id = '';
  for (let i = 0; i < 10; i++) id += ID_ALPHABET[Math.floor(Math.random() * ID_ALPHABET.length)];
  return id;
}
