/**
 * Whether a subscription may still post: checked by the poller once per channel and subscriber
 * in each poll, before anything of theirs is queued. An access module implements `Gate` without
 * knowing the poller.
 */
import type { Subscription } from '../domain/subscription.js';

export type GateResult =
  | { ok: true }
  /**
   * Not any more: the subscription is paused with `reason`, and told once, in the channel when
   * `tellChannel` is true, else to the subscriber by DM.
   */
  | { ok: false; reason: string; tellChannel: boolean };

/** Whether this subscription may still post (policy, Slack Connect, subscriber still allowed). */
export type Gate = (subscription: Subscription) => Promise<GateResult>;
