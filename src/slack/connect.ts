/**
 * Slack Connect: is a conversation shared with another organisation, and is a user from one?
 * Answers visible to a conversation are not made in a shared one unless configured, and an
 * external user never gets Focus data. The Events API envelope says whether a conversation is
 * shared (`is_ext_shared_channel`); only when it does not is `conversations.info` asked, its
 * answer trusted for at most 5 minutes. `channel_shared` marks a channel shared at once;
 * `channel_unshared` forgets it (asked again next time). A conversation that cannot be
 * classified counts as shared, a user who cannot be classified as external.
 */
import type { App } from '@slack/bolt';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../domain/logger.js';
import { type Home, isExternal } from './request.js';

/** What the envelope says; undefined when it does not say. */
export function sharedByEnvelope(body: unknown): boolean | undefined {
  const flag = (body as { is_ext_shared_channel?: unknown } | null)?.is_ext_shared_channel;
  return typeof flag === 'boolean' ? flag : undefined;
}

const TRUSTED_MS = 5 * 60_000;

export class ConnectChannels {
  private readonly known = new LRUCache<string, boolean>({ max: 5_000, ttl: TRUSTED_MS });
  private readonly users = new LRUCache<string, boolean>({ max: 10_000, ttl: TRUSTED_MS });

  constructor(
    private readonly client: App['client'],
    /** The installation's workspace and organisation. */
    private readonly home: Home,
  ) {}

  /** Slack said the channel is now shared with another organisation (`channel_shared`). */
  markShared(channel: string): void {
    this.known.set(channel, true);
  }

  /** Slack said the channel changed (`channel_unshared`): ask `conversations.info` next time. */
  forget(channel: string): void {
    this.known.delete(channel);
  }

  /**
   * Whether the channel is shared, from what is known or `conversations.info`; throws when
   * Slack cannot say (the caller decides what unknown means).
   */
  async sharedStatus(channel: string): Promise<boolean> {
    const known = this.known.get(channel);
    if (known !== undefined) return known;
    const info = await this.client.conversations.info({ channel });
    const c = info.channel as { is_ext_shared?: boolean; is_pending_ext_shared?: boolean } | undefined;
    const shared = Boolean(c?.is_ext_shared || c?.is_pending_ext_shared);
    this.known.set(channel, shared);
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
      logger.warn('slack.channel_unclassified', {
        channel,
        reason: data?.error ?? 'conversations.info failed',
        ...(data?.needed && { needed: data.needed }),
        error,
      });
      return true;
    }
  }

  /** Whether a user belongs to another organisation (`users.info`), kept a while. */
  async isExternalUser(user: string, logger: Logger): Promise<boolean> {
    const known = this.users.get(user);
    if (known !== undefined) return known;
    try {
      const info = await this.client.users.info({ user });
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
