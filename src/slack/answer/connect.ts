/**
 * Slack Connect: is a conversation shared with another organisation, and is a user from one?
 * Answers visible to a conversation are not made in a shared one unless configured, and an
 * external user never gets Focus data. The Events API envelope says whether a conversation is
 * shared (`is_ext_shared_channel`); only when it does not is `conversations.info` asked, its
 * answer trusted for at most 5 minutes. `channel_shared` marks a channel shared at once;
 * `channel_unshared` forgets it (asked again next time). A conversation that cannot be
 * classified counts as shared, a user who cannot be classified as external. A private channel
 * the app is not in cannot be classified either (`channel_not_found`): it counts as shared too,
 * but is remembered as one the app cannot see, so a subscribe there can say to invite the app
 * rather than blame Slack Connect.
 */
import { type App, webApi } from '@slack/bolt';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../../domain/logger.js';
import { type Home, isExternal } from '../inbound/request.js';

/** What the envelope says; undefined when it does not say. */
export function sharedByEnvelope(body: unknown): boolean | undefined {
  const flag = (body as { is_ext_shared_channel?: unknown } | null)?.is_ext_shared_channel;
  return typeof flag === 'boolean' ? flag : undefined;
}

const TRUSTED_MS = 5 * 60_000;

/** Slack's own code of a failed Web API call (`data.error`), when Slack answered with one. */
export function platformErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; data?: { error?: unknown } } | null;
  if (e?.code !== webApi.ErrorCode.PlatformError) return undefined;
  return typeof e.data?.error === 'string' ? e.data.error : undefined;
}

/** `conversations.info` errors that mean the app is not in the channel (a private one, unseen). */
const NOT_A_MEMBER = new Set(['channel_not_found', 'not_in_channel']);

export class ConnectChannels {
  private readonly known = new LRUCache<string, boolean>({ max: 5_000, ttl: TRUSTED_MS });
  private readonly users = new LRUCache<string, boolean>({ max: 10_000, ttl: TRUSTED_MS });
  /** Channels `conversations.info` last said the app is not in (until it says otherwise). */
  private readonly unseen = new LRUCache<string, true>({ max: 5_000, ttl: TRUSTED_MS });

  private readonly client: () => App['client'];

  constructor(
    /** A client, or where to get the newest one (a workspace's token can be rotated). */
    client: App['client'] | (() => App['client']),
    /** The installation's workspace and organisation. */
    private readonly home: Home,
  ) {
    this.client = typeof client === 'function' ? client : () => client;
  }

  /** Slack said the channel is now shared with another organisation (`channel_shared`). */
  markShared(channel: string): void {
    this.unseen.delete(channel);
    this.known.set(channel, true);
  }

  /** Slack said the channel changed (`channel_unshared`): ask `conversations.info` next time. */
  forget(channel: string): void {
    this.unseen.delete(channel);
    this.known.delete(channel);
  }

  /**
   * Whether the channel is shared, from what is known or `conversations.info`; throws when
   * Slack cannot say (the caller decides what unknown means).
   */
  async sharedStatus(channel: string): Promise<boolean> {
    const known = this.known.get(channel);
    if (known !== undefined) return known;
    const info = await this.client().conversations.info({ channel });
    const c = info.channel as { is_ext_shared?: boolean; is_pending_ext_shared?: boolean } | undefined;
    const shared = Boolean(c?.is_ext_shared || c?.is_pending_ext_shared);
    this.known.set(channel, shared);
    this.unseen.delete(channel);
    return shared;
  }

  async isShared(channel: string, envelope: unknown, logger: Logger): Promise<boolean> {
    const said = sharedByEnvelope(envelope);
    if (said !== undefined) return said;
    try {
      return await this.sharedStatus(channel);
    } catch (error) {
      // Unclassified: treat as shared (fail closed), and say why.
      const data = (error as { data?: { error?: string; needed?: string } }).data;
      if (NOT_A_MEMBER.has(platformErrorCode(error) ?? '')) this.unseen.set(channel, true);
      logger.warn('slack.channel_unclassified', {
        channel,
        reason: data?.error ?? 'conversations.info failed',
        ...(data?.needed && { needed: data.needed }),
        error,
      });
      return true;
    }
  }

  /**
   * Whether the last `conversations.info` for this channel said the app is not in it (a private
   * channel it was not invited to). Such a channel still counts as shared; this only says why.
   */
  cannotSee(channel: string): boolean {
    return this.unseen.has(channel);
  }

  /** Whether a user belongs to another organisation (`users.info`), kept a while. */
  async isExternalUser(user: string, logger: Logger): Promise<boolean> {
    const known = this.users.get(user);
    if (known !== undefined) return known;
    try {
      const info = await this.client().users.info({ user });
      const u = info.user as
        | { team_id?: string; is_stranger?: boolean; enterprise_user?: { enterprise_id?: string } }
        | undefined;
      const external =
        u?.is_stranger === true ||
        (isExternal(u?.team_id, u?.enterprise_user?.enterprise_id, this.home) ?? true);
      this.users.set(user, external);
      return external;
    } catch (error) {
      logger.warn('slack.user_unclassified', { user, error });
      return true;
    }
  }
}
