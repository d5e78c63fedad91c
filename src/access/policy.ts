/**
 * Who may use the app, where, and with which Focus rights (README: "Who sees what"). The Focus API
 * runs as one service user that sees every recording, so access is decided here, for one `Asker`,
 * on every surface, every button press and before every subscription post. No Bolt: Slack and
 * Focus are reached through the injected functions.
 *
 * Checks run cheapest first: an external (Slack Connect) user is refused; then the user allow
 * list, the channel allow list, then (optionally) that the Slack user's email is an enabled Focus
 * portal user, whose `rolesAndRights` then decide each kind of answer (`rights.ts`). That answer
 * is kept per Slack user in the state store: allowed 10 min, denied 1 min; a failed check is not
 * kept and denies (fail closed).
 *
 * Channel rule: with ALLOWED_SLACK_CHANNEL_IDS set, an interaction without a channel is denied
 * too; an allow list that a channel-less surface could bypass would not restrict anything. Direct
 * messages have a channel id (`D…`) and are treated like any other channel: list it to allow it.
 */
import type { PortalUser } from '../domain/focus.js';
import type { Asker, DenyReason, LinkedUser } from '../domain/interaction.js';
import type { Logger } from '../domain/logger.js';
import { DEFAULT_RIGHTS, type RightKind, type RightsMap } from '../domain/rights.js';
import { MemoryStore, type StateStore } from '../state/index.js';
import { rightMissing } from './rights.js';

export type { DenyReason };

export type AccessDecision = { allowed: true; linked?: LinkedUser } | { allowed: false; reason: DenyReason };

/** Who a subscription posts for: its subscriber, in its channel. */
export interface Subscriber {
  user: string;
  channel: string;
  team?: string | undefined;
}

export interface AccessPolicyOptions {
  /** Empty: every user. */
  allowedUserIds: readonly string[];
  /** Empty: every channel. */
  allowedChannelIds: readonly string[];
  /** The Slack user's email must belong to an enabled Focus portal user, whose rights then count. */
  requireLinkedUser: boolean;
  /** What each kind of answer needs of a linked user (FOCUS_RIGHTS). */
  rights?: RightsMap;
  /** The email on a Slack user's profile (`users.info`, scope `users:read.email`). */
  lookupSlackEmail: (userId: string) => Promise<string | undefined>;
  /** Focus portal users matching a search text (`FocusCache.searchUsers`). */
  findPortalUsers: (search: string) => Promise<PortalUser[]>;
  logger?: Logger;
  allowTtlMs?: number;
  denyTtlMs?: number;
  /** Where answers are kept (default: this process's memory, 10 000 users at most). */
  store?: StateStore;
  now?: () => number;
}

type Linked = { status: 'linked'; user: LinkedUser } | { status: 'not_linked' | 'no_email' };

const deny = (reason: DenyReason): AccessDecision => ({ allowed: false, reason });

export class AccessPolicy {
  private readonly users: ReadonlySet<string>;
  private readonly channels: ReadonlySet<string>;
  private readonly store: StateStore;
  readonly rights: RightsMap;
  /** Checks under way, so concurrent interactions of one user make one check. */
  private readonly checking = new Map<string, Promise<Linked>>();

  constructor(private readonly options: AccessPolicyOptions) {
    this.users = new Set(options.allowedUserIds);
    this.channels = new Set(options.allowedChannelIds);
    this.rights = options.rights ?? DEFAULT_RIGHTS;
    this.store =
      options.store ?? new MemoryStore({ max: 10_000, ...(options.now ? { now: options.now } : {}) });
  }

  get requireLinkedUser(): boolean {
    return this.options.requireLinkedUser;
  }

  /** Allow (with the linked portal user, when required), or deny with the reason. Never throws. */
  async check(asker: Pick<Asker, 'surface' | 'user' | 'channel' | 'external'>): Promise<AccessDecision> {
    if (asker.external) return deny('external_user');
    const user = asker.user ?? '';
    if (this.users.size > 0 && !this.users.has(user)) return deny('user_not_allowed');
    if (this.channels.size > 0) {
      const channel = asker.channel;
      if (channel === undefined || !this.channels.has(channel)) return deny('channel_not_allowed');
    }
    if (!this.options.requireLinkedUser) return { allowed: true };
    try {
      const linked = await this.linkedStatusOf(user);
      return linked.status === 'linked' ? { allowed: true, linked: linked.user } : deny(linked.status);
    } catch (error) {
      this.options.logger?.warn('access.check_failed', { surface: asker.surface, user, error });
      return deny('check_failed');
    }
  }

  /** The right a (checked) asker lacks for `kind`, or undefined (see `rightMissing`). */
  missing(kind: RightKind, asker: Pick<Asker, 'linked'>): string | undefined {
    return rightMissing({ map: this.rights, required: this.options.requireLinkedUser }, kind, asker.linked);
  }

  /** Forgets the kept answer for one user (e.g. after an administrator's change). */
  async forget(userId: string): Promise<void> {
    await this.store.release(`linked:${userId}`);
  }

  /** The kept answer for this user, or a fresh check (kept for its TTL). */
  private async linkedStatusOf(userId: string): Promise<Linked> {
    const key = `linked:${userId}`;
    const kept = decodeLinked(await this.store.get(key));
    if (kept) return kept;
    let checking = this.checking.get(userId);
    if (!checking) {
      checking = this.linkedStatus(userId).then(async (result) => {
        const ttl =
          result.status === 'linked'
            ? (this.options.allowTtlMs ?? 10 * 60_000)
            : (this.options.denyTtlMs ?? 60_000);
        await this.store.set(key, JSON.stringify(result), ttl);
        return result;
      });
      this.checking.set(userId, checking);
      const forget = () => this.checking.delete(userId);
      checking.then(forget, forget);
    }
    return checking;
  }

  private async linkedStatus(userId: string): Promise<Linked> {
    const email = (await this.options.lookupSlackEmail(userId))?.trim().toLowerCase();
    if (!email) return { status: 'no_email' };
    const users = await this.options.findPortalUsers(email);
    const same = (value: string | undefined) => value?.trim().toLowerCase() === email;
    const match = users.find((u) => u.enabled !== false && (same(u.email) || same(u.username)));
    if (!match) return { status: 'not_linked' };
    const rights = match.rolesAndRights.filter((r): r is string => typeof r === 'string').slice(0, 200);
    return { status: 'linked', user: { id: match.id, username: match.username, rights } };
  }
}

/** A kept answer, or undefined when there is none (or it was written by an older version). */
function decodeLinked(text: string | undefined): Linked | undefined {
  if (!text?.startsWith('{')) return undefined;
  try {
    const v = JSON.parse(text) as Partial<{ status: string; user: Partial<LinkedUser> }>;
    if (v.status === 'not_linked' || v.status === 'no_email') return { status: v.status };
    const u = v.user;
    if (
      v.status === 'linked' &&
      u &&
      typeof u.id === 'number' &&
      typeof u.username === 'string' &&
      Array.isArray(u.rights) &&
      u.rights.every((r) => typeof r === 'string')
    )
      return { status: 'linked', user: { id: u.id, username: u.username, rights: u.rights } };
  } catch {
    // Not ours: check again.
  }
  return undefined;
}

const MESSAGES: Record<DenyReason, string> = {
  user_not_allowed:
    'You are not on the list of people who can use Focus for Slack. To get access, ask whoever runs ' +
    'Focus for Slack in your organisation to add your Slack member ID to ALLOWED_SLACK_USER_IDS.',
  channel_not_allowed:
    'Focus for Slack is not enabled in this conversation. Try it in a channel where it is enabled, ' +
    'or ask whoever runs Focus for Slack to add this channel to ALLOWED_SLACK_CHANNEL_IDS.',
  external_user: 'Focus for Slack answers members of the organisation that runs it only.',
  not_linked:
    'Your Slack account is not linked to an enabled Focus portal user. Ask your Focus administrator ' +
    'to add the email address on your Slack profile as a Focus portal user (or to enable that user), ' +
    'then try again in a minute.',
  no_email:
    'Focus for Slack could not read the email address on your Slack profile, so it cannot match you ' +
    'to a Focus portal user. Ask your Slack administrator to make sure your profile has an email ' +
    'address and that the app may read it (scope users:read.email).',
  check_failed: 'Focus for Slack could not check your access just now. Please try again in a moment.',
};

/** A friendly explanation of a denial and how to get access. Echoes nothing about the asker. */
export function denialMessage(reason: DenyReason): string {
  return MESSAGES[reason];
}
