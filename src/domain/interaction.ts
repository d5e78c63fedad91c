/**
 * Who asks: the one identity every answer, button, audit line and metric is decided for. Built
 * once per Slack payload (`slack/inbound/request.ts`), completed by the access check (the linked Focus
 * portal user and their rights), and carried to every lookup and every button.
 */
import type { Logger } from './logger.js';

/**
 * Where a request comes from; `subscription` is the poller deciding for a subscriber before it
 * posts; `home` the App Home tab and its buttons, `dm` a message in the app's Messages tab,
 * `workflow` the Workflow Builder step, deciding for the person running the workflow.
 */
export type Surface =
  | 'command'
  | 'console'
  | 'shortcut'
  | 'unfurl'
  | 'mention'
  | 'button'
  | 'subscription'
  | 'home'
  | 'dm'
  | 'workflow';

/** Why someone was refused (see `access/policy.ts`). */
export type DenyReason =
  | 'user_not_allowed'
  | 'channel_not_allowed'
  | 'external_user'
  | 'not_linked'
  | 'no_email'
  | 'check_failed';

/** The Focus portal user a Slack user is linked to (by email), with what they may see. */
export interface LinkedUser {
  id: number;
  username: string;
  rights: readonly string[];
}

export interface Asker {
  surface: Surface;
  /** The Slack user who asked (or pasted, or pressed). */
  user?: string | undefined;
  /** The asker's own workspace and organisation (Enterprise Grid), as the payload gives them. */
  team?: string | undefined;
  enterprise?: string | undefined;
  /** Where it was asked. */
  channel?: string | undefined;
  /** The asker belongs to another organisation (a Slack Connect user): they never get Focus data. */
  external?: boolean | undefined;
  /**
   * The conversation is shared with another organisation (Slack Connect); undefined when the
   * payload does not say (then it is asked only for answers the channel would see).
   */
  sharedConversation?: boolean | undefined;
  /** Set by the access check when linked users are required. */
  linked?: LinkedUser | undefined;
  /** The interaction's reference: quoted on failure cards, carried by every log line. */
  requestId: string;
  /** Carries `requestId` and `surface` on every line. */
  logger: Logger;
}

/** The same asker with a sub-reference (`abc-2`), for one of several lookups of one interaction. */
export function askerPart(asker: Asker, index: number): Asker {
  const requestId = `${asker.requestId}-${index}`;
  return { ...asker, requestId, logger: asker.logger.child({ requestId }) };
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
