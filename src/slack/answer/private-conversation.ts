/**
 * Is a conversation seen by the person who pasted a link and nobody else? Only then may a preview
 * be made without asking them. Decided conservatively: the only such conversations are a DM
 * whose other member is the paster themself (a self-DM) or this app's bot user (the app's
 * Messages tab). Every other conversation (channels, private channels, group DMs, DMs with
 * another person) is seen by others. Only a DM (`D…`) is looked up, with `conversations.info`,
 * whose `user` names the DM's other member as the token's owner sees it; its answer is kept a
 * while. A DM that cannot be looked up counts as seen by others (fail closed).
 */
import type { App } from '@slack/bolt';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../../domain/logger.js';

export interface ConversationInfo {
  is_im?: boolean;
  /** For a DM: its other member. */
  user?: string;
}

/**
 * The rule itself: a DM (`is_im`) whose other member is the paster or the bot. With the bot's
 * token, the app's own DM with the paster names the paster; a user's view of a self-DM names
 * the user, and of the app's DM names the bot.
 */
export function privateToPaster(
  info: ConversationInfo | undefined,
  paster: string,
  botUserId: string | undefined,
): boolean {
  if (!info?.is_im || !info.user || !paster) return false;
  return info.user === paster || (botUserId !== undefined && info.user === botUserId);
}

export class PrivateConversations {
  /** A DM's other member ('' for a conversation that is not a DM); failures are not kept. */
  private readonly known = new LRUCache<string, string>({ max: 5_000, ttl: 10 * 60_000 });

  private readonly client: () => App['client'];

  /** A client, or where to get the newest one (a workspace's token can be rotated). */
  constructor(client: App['client'] | (() => App['client'])) {
    this.client = typeof client === 'function' ? client : () => client;
  }

  async isPrivateTo(
    channel: string,
    paster: string | undefined,
    botUserId: string | undefined,
    logger: Logger,
  ): Promise<boolean> {
    if (!paster || !channel.startsWith('D')) return false;
    let other = this.known.get(channel);
    if (other === undefined) {
      try {
        const info = await this.client().conversations.info({ channel });
        const c = info.channel as ConversationInfo | undefined;
        other = c?.is_im && c.user ? c.user : '';
        this.known.set(channel, other);
      } catch (error) {
        const data = (error as { data?: { error?: string } }).data;
        logger.warn('unfurl.conversation_unknown', {
          channel,
          reason: data?.error ?? 'conversations.info failed',
          error,
        });
        return false;
      }
    }
    return privateToPaster({ is_im: other !== '', user: other }, paster, botUserId);
  }
}
