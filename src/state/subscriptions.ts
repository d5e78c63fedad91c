/**
 * Channel subscriptions and what has been delivered for them: the durable state of
 * `/focus subscribe`. A subscription follows a phone number or a person into one channel; its
 * cursor (the newest recording start seen, and the recording ids seen at that instant) and its
 * delivered ids make delivery exactly-once across restarts. The poller never sees how this is
 * stored: SQLite embedded (one replica), Redis for several.
 */

import type { Cursor, NewSubscription, Subscription, Tuning } from '../domain/subscription.js';

export type {
  Cursor,
  NewSubscription,
  Subscription,
  SubscriptionTarget,
  Tuning,
} from '../domain/subscription.js';

export interface SubscriptionStore {
  /**
   * Adds a subscription unless the channel already follows the same target (the same number,
   * or the same person id): then nothing changes and the existing one is returned.
   */
  add(sub: NewSubscription, now: Date): Promise<{ added: boolean; subscription: Subscription }>;
  /** A channel's subscriptions, oldest first. */
  list(channel: string): Promise<Subscription[]>;
  /** Every subscription this Slack user made, in any channel, paused ones included, oldest first. */
  createdBy(user: string): Promise<Subscription[]>;
  /** How many subscriptions the workspace holds, paused ones included (none: those without one). */
  countTeam(team: string | undefined): Promise<number>;
  /** Every subscription not paused, oldest first (the poller's work list). */
  active(): Promise<Subscription[]>;
  /** Removes these of the channel's subscriptions (by id); returns those removed. */
  remove(channel: string, ids: readonly number[]): Promise<Subscription[]>;
  pause(id: number, reason: string, now: Date): Promise<void>;
  /**
   * Pauses every subscription of the channel not paused yet, with this reason, in one atomic
   * step; returns those it paused (already paused ones keep their reason and are not returned).
   */
  pauseChannel(channel: string, reason: string, now: Date): Promise<Subscription[]>;
  /** Removes every subscription of the channel, with its cursor and delivered ids; returns those removed. */
  removeChannel(channel: string): Promise<Subscription[]>;
  resume(id: number): Promise<void>;
  /** Sets its filters and format, as given (a field left out: no filter, the full card). */
  tune(id: number, tuning: Tuning): Promise<void>;
  cursor(id: number): Promise<Cursor>;
  /**
   * Sets the starting point of a new subscription (its first poll): recordings up to here are
   * history, not news. Does nothing if the cursor is already set.
   */
  startAt(id: number, cursor: Cursor): Promise<void>;
  /** Whether this recording was already posted (or counted in a summary) for this subscription. */
  delivered(id: number, recordingId: number): Promise<boolean>;
  /**
   * Records that a recording was posted (or counted in an "and N more" summary), and moves the
   * cursor forward to it if it is newer; one atomic step.
   */
  markDelivered(id: number, recording: { id: number; start: string }, now: Date): Promise<void>;
  close(): Promise<void>;
}

/**
 * Distribution mode: each workspace's subscriptions apart (both backends). A workspace's store
 * sees and changes only its own; ids stay unique over all of them.
 */
export interface WorkspaceSubscriptions {
  /** The workspace's subscriptions, by installation key (undefined: single-workspace mode's). */
  subscriptionsOf(workspace: string | undefined): SubscriptionStore;
  /** The installation keys with at least one subscription not paused. */
  subscribedWorkspaces(): Promise<string[]>;
}
