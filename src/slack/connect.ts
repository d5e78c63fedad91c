/**
 * Is a conversation Slack Connect (shared with another organisation)? Previews are data, so
 * they are not made there unless configured. The Events API envelope says so for channels, DMs
 * and group DMs alike (`is_ext_shared_channel`); only when it does not is `conversations.info`
 * asked, its answer kept a while. A conversation that cannot be classified counts as shared.
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
  private readonly known = new LRUCache<string, boolean>({ max: 5_000, ttl: 10 * 60_000 });

  constructor(private readonly client: App['client']) {}

  async isShared(channel: string, envelope: unknown, logger: Logger): Promise<boolean> {
    const said = sharedByEnvelope(envelope);
    if (said !== undefined) return said;
    const known = this.known.get(channel);
    if (known !== undefined) return known;
    try {
      const info = await this.client.conversations.info({ channel });
      const c = info.channel as { is_ext_shared?: boolean; is_pending_ext_shared?: boolean } | undefined;
      const shared = Boolean(c?.is_ext_shared || c?.is_pending_ext_shared);
      this.known.set(channel, shared);
      return shared;
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
