/**
 * Is a conversation Slack Connect (shared with another organisation)? Previews are data, so
 * they are not made there unless configured. The Events API envelope says so for channels, DMs
 * and group DMs alike (`is_ext_shared_channel`); only when it does not is `conversations.info`
 * asked, its answer trusted for at most 5 minutes. `channel_shared` marks a channel shared at
 * once; `channel_unshared` forgets it (asked again next time). A conversation that cannot be
 * classified counts as shared.
 */
import type { App } from '@slack/bolt';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../domain/logger.js';

/** What the envelope says; undefined when it does not say. */
export function sharedByEnvelope(body: unknown): boolean | undefined {
  const flag = (body as { is_ext_shared_channel?: unknown } | null)?.is_ext_shared_channel;
  return typeof flag === 'boolean' ? flag : undefined;
}

export class ConnectChannels {
  private readonly known = new LRUCache<string, boolean>({ max: 5_000, ttl: 5 * 60_000 });

  constructor(private readonly client: App['client']) {}

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
      logger.warn('unfurl.channel_unclassified', {
        channel,
        reason: data?.error ?? 'conversations.info failed',
        ...(data?.needed && { needed: data.needed }),
        error,
      });
      return true;
    }
  }
}
