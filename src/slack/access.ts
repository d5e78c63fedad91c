/**
 * Who may use the app, and where (README: the Focus API runs as one service user that sees
 * every recording, so access is decided here). Checks run cheapest first: the user allow list,
 * the channel allow list, then (optionally) that the Slack user's email is an enabled Focus
 * portal user. That last answer is kept per Slack user in the state store: allowed 10 min,
 * denied 1 min; a failed check is not kept and denies (fail closed).
 *
 * Channel rule: with ALLOWED_SLACK_CHANNEL_IDS set, an interaction without a channel (a surface
 * that carries none) is denied too; an allow list that a channel-less surface could bypass would
 * not restrict anything. Direct messages have a channel id (`D…`) and are treated like any other
 * channel: list it to allow it.
 *
 * No Bolt here: Slack and Focus are reached through the two injected functions.
 */
import type { PortalUser } from '../domain/focus.js';
import type { DenyReason, Surface } from '../domain/interaction.js';
import type { Logger } from '../domain/logger.js';
import { MemoryStore, type StateStore } from '../state/index.js';

export type { DenyReason };

export type AccessDecision = { allowed: true } | { allowed: false; reason: DenyReason };

/** One interaction: who asked, on which surface, where. */
export interface Interaction {
  surface: Surface;
  userId: string;
  channelId?: string | undefined;
  teamId?: string | undefined;
}

export interface AccessPolicyOptions {
  /** Empty: every user. */
  allowedUserIds: readonly string[];
  /** Empty: every channel. */
  allowedChannelIds: readonly string[];
  /** The Slack user's email must belong to an enabled Focus portal user. */
  requireLinkedUser: boolean;
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

const LINKED = ['linked', 'not_linked', 'no_email'] as const;
type Linked = (typeof LINKED)[number];
const isLinked = (v: string | undefined): v is Linked => (LINKED as readonly string[]).includes(v ?? '');

const ALLOW: AccessDecision = { allowed: true };
const deny = (reason: DenyReason): AccessDecision => ({ allowed: false, reason });

export class AccessPolicy {
  private readonly users: ReadonlySet<string>;
  private readonly channels: ReadonlySet<string>;
  private readonly store: StateStore;
  /** Checks under way, so concurrent interactions of one user make one check. */
  private readonly checking = new Map<string, Promise<Linked>>();

  constructor(private readonly options: AccessPolicyOptions) {
    this.users = new Set(options.allowedUserIds);
    this.channels = new Set(options.allowedChannelIds);
    this.store =
      options.store ?? new MemoryStore({ max: 10_000, ...(options.now ? { now: options.now } : {}) });
  }

  /** Allow, or deny with the reason. Never throws. */
  async check(interaction: Interaction): Promise<AccessDecision> {
    if (this.users.size > 0 && !this.users.has(interaction.userId)) return deny('user_not_allowed');
    if (this.channels.size > 0) {
      const channel = interaction.channelId;
      if (channel === undefined || !this.channels.has(channel)) return deny('channel_not_allowed');
    }
    if (!this.options.requireLinkedUser) return ALLOW;
    try {
      const linked = await this.linkedStatusOf(interaction.userId);
      return linked === 'linked' ? ALLOW : deny(linked);
    } catch (error) {
      this.options.logger?.warn('access.check_failed', {
        surface: interaction.surface,
        user: interaction.userId,
        error,
      });
      return deny('check_failed');
    }
  }

  /** Forgets the kept answer for one user (e.g. after an administrator's change). */
  async forget(userId: string): Promise<void> {
    await this.store.release(`linked:${userId}`);
  }

  /** The kept answer for this user, or a fresh check (kept for its TTL). */
  private async linkedStatusOf(userId: string): Promise<Linked> {
    const key = `linked:${userId}`;
    const kept = await this.store.get(key);
    if (isLinked(kept)) return kept;
    let checking = this.checking.get(userId);
    if (!checking) {
      checking = this.linkedStatus(userId).then(async (result) => {
        const ttl =
          result === 'linked' ? (this.options.allowTtlMs ?? 10 * 60_000) : (this.options.denyTtlMs ?? 60_000);
        await this.store.set(key, result, ttl);
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
    if (!email) return 'no_email';
    const users = await this.options.findPortalUsers(email);
    const same = (value: string | undefined) => value?.trim().toLowerCase() === email;
    const match = users.some((u) => u.enabled !== false && (same(u.email) || same(u.username)));
    return match ? 'linked' : 'not_linked';
  }
}

const MESSAGES: Record<DenyReason, string> = {
  user_not_allowed:
    'You are not on the list of people who can use Focus for Slack. To get access, ask whoever runs ' +
    'Focus for Slack in your organisation to add your Slack member ID to ALLOWED_SLACK_USER_IDS.',
  channel_not_allowed:
    'Focus for Slack is not enabled in this conversation. Try it in a channel where it is enabled, ' +
    'or ask whoever runs Focus for Slack to add this channel to ALLOWED_SLACK_CHANNEL_IDS.',
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
