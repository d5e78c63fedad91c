/** How the poller hands news to Slack (implemented in slack/): one message at a time, in order. */
import type { Subscription } from '../state/subscriptions.js';
import type { Post, PostFor } from './news.js';

export type PostResult =
  | { ok: true }
  /** Slack will not take posts for this channel any more (archived, removed, not a member). */
  | { ok: false; stop: string }
  /**
   * This post failed after its retries; the recording stays news for the next poll. `unsure`:
   * no answer came (a timeout, a connection cut, a 5xx), so Slack may have taken it.
   */
  | { ok: false; error: string; unsure?: boolean }
  /** The check before sending said no (this replica no longer holds the poller lease): nothing was sent. */
  | { ok: false; fenced: true };

/**
 * Asked right before each send of a post (after its pacing, a rate-limit wait or a retry's
 * backoff), with nothing awaited between its answer and the request: false, and nothing is sent.
 */
export type SendCheck = () => Promise<boolean>;

/** Where a "delivery stopped" notice goes. */
export type StoppedNotice = 'channel' | 'subscriber';

export interface Publisher {
  /** Posts one recording into its subscriptions' channel, naming each (the first leads). */
  recording(post: Post, check?: SendCheck): Promise<PostResult>;
  /** Posts "and N more new recordings" (of these subscriptions) for the ones not posted one by one. */
  summary(subscriptions: PostFor, more: number, check?: SendCheck): Promise<PostResult>;
  /**
   * Tells once that delivery stopped, and why: `channel` (the default) tries the channel and,
   * when it takes no posts, the subscriber; `subscriber` goes straight to the subscriber's DM.
   */
  stopped(subscription: Subscription, reason: string, tell?: StoppedNotice): Promise<void>;
}
