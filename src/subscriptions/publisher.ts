/** How the poller hands news to Slack (implemented in slack/): one message at a time, in order. */
import type { Recording } from '../domain/focus.js';
import type { Subscription } from '../state/subscriptions.js';

export type PostResult =
  | { ok: true }
  /** Slack will not take posts for this channel any more (archived, removed, not a member). */
  | { ok: false; stop: string }
  /** This post failed after its retries; the recording stays news for the next poll. */
  | { ok: false; error: string };

export interface Publisher {
  /** Posts one recording into the subscription's channel; `followed`: the numbers it follows. */
  recording(
    subscription: Subscription,
    recording: Recording,
    followed: ReadonlySet<string>,
  ): Promise<PostResult>;
  /** Posts "and N more new recordings" for the ones not posted one by one. */
  summary(subscription: Subscription, more: number): Promise<PostResult>;
  /** Tells the channel (or, failing that, the subscriber) once that delivery stopped, and why. */
  stopped(subscription: Subscription, reason: string): Promise<void>;
}
