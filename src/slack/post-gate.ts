/**
 * The first gate subscriptions pass before each poll's posts (see subscriptions/gate.ts): what
 * the access configuration says today. Checked in this order:
 * - the channel is on ALLOWED_SLACK_CHANNEL_IDS (when set), else `channel_not_allowed`, said to
 *   the subscriber (the app no longer acts in that channel);
 * - the subscriber is on ALLOWED_SLACK_USER_IDS (when set), else `subscriber_not_allowed`, said
 *   in the channel (its members should know why posts stopped);
 * - the channel is not Slack Connect (unless UNFURL_IN_SHARED_CHANNELS=true), else
 *   `shared_channel`, said to the subscriber. When Slack cannot say, the check throws: the
 *   channel's posts wait for the next poll, nothing is paused.
 */
import type { Gate } from '../subscriptions/gate.js';

export interface PostGateOptions {
  allowedChannelIds: readonly string[];
  allowedUserIds: readonly string[];
  /** Whether a channel is shared with another organisation; throws when unknown. */
  sharedStatus?: (channel: string) => Promise<boolean>;
  inSharedChannels: boolean;
}

export function postGate(options: PostGateOptions): Gate {
  const channels = new Set(options.allowedChannelIds);
  const users = new Set(options.allowedUserIds);
  return async (sub) => {
    if (channels.size > 0 && !channels.has(sub.channel)) {
      return { ok: false, reason: 'channel_not_allowed', tellChannel: false };
    }
    if (users.size > 0 && !users.has(sub.createdBy)) {
      return { ok: false, reason: 'subscriber_not_allowed', tellChannel: true };
    }
    if (!options.inSharedChannels && options.sharedStatus && (await options.sharedStatus(sub.channel))) {
      return { ok: false, reason: 'shared_channel', tellChannel: false };
    }
    return { ok: true };
  };
}
