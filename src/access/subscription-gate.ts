/**
 * The rule a subscription passes before every poll's posts (the poller asks once per channel
 * and subscriber): the same policy as a lookup, decided again for the subscriber in the
 * subscription's channel, plus what the posts show. In order:
 * - the subscriber may still use the app there (`AccessPolicy.check`: a member of the
 *   organisation — asked of Slack when the channel is shared —, the allow lists, still linked to
 *   an enabled Focus portal user when that is required); a failed check skips this poll (the gate
 *   throws) rather than pausing;
 * - the subscriber still holds the Focus rights for what is posted (`recordings`, and `person`
 *   for a person's subscription);
 * - the channel is not Slack Connect (unless SLACK_CONNECT_ALLOWED); when Slack cannot say, the
 *   check throws and the channel's posts wait for the next poll.
 * A refusal pauses the subscription until a new `/focus subscribe`, and says why once: in the
 * channel when that carries nothing new to anyone there, else to the subscriber by DM.
 */
import type { DenyReason } from '../domain/interaction.js';
import type { Gate, GateResult } from '../domain/subscription.js';
import type { AccessPolicy } from './policy.js';

export interface SubscriptionGateOptions {
  /** SLACK_CONNECT_ALLOWED: posts may go to Slack Connect channels. */
  slackConnectAllowed: boolean;
  /** Whether a channel is shared with another organisation (trusted 5 minutes); throws when unknown. */
  sharedStatus: (channel: string) => Promise<boolean>;
  /** Whether a user belongs to another organisation (asked only in shared channels). */
  isExternalUser: (user: string) => Promise<boolean>;
}

/** Pause reasons for a subscriber the policy refuses, and who hears about it. */
const REFUSED: Record<Exclude<DenyReason, 'check_failed'>, Extract<GateResult, { ok: false }>> = {
  // The app no longer acts in that channel: the subscriber is told, not the channel.
  channel_not_allowed: { ok: false, reason: 'channel_not_allowed', tellChannel: false },
  user_not_allowed: { ok: false, reason: 'subscriber_not_allowed', tellChannel: true },
  external_user: { ok: false, reason: 'subscriber_external', tellChannel: true },
  not_linked: { ok: false, reason: 'subscriber_not_linked', tellChannel: true },
  no_email: { ok: false, reason: 'subscriber_not_linked', tellChannel: true },
};

export function subscriptionGate(policy: AccessPolicy, options: SubscriptionGateOptions): Gate {
  return async (sub) => {
    const shared = await options.sharedStatus(sub.channel);
    const external = shared && (await options.isExternalUser(sub.createdBy));
    const decision = await policy.check({
      surface: 'subscription',
      user: sub.createdBy,
      channel: sub.channel,
      external,
    });
    if (!decision.allowed) {
      if (decision.reason === 'check_failed')
        throw new Error('the access check failed; trying again next poll');
      return REFUSED[decision.reason];
    }
    const asker = { linked: decision.linked };
    const right =
      policy.missing('recordings', asker) ??
      (sub.target.kind === 'person' ? policy.missing('person', asker) : undefined);
    if (right) return { ok: false, reason: 'subscriber_lacks_right', tellChannel: true };
    if (shared && !options.slackConnectAllowed)
      return { ok: false, reason: 'shared_channel', tellChannel: false };
    return { ok: true };
  };
}
