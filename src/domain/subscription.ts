/**
 * A channel subscription: a channel follows a phone number or a person, and each new recording
 * of it is posted there once (see `state/subscriptions.ts` for how they are kept); and what the
 * poller reports of its work.
 */

export type SubscriptionTarget =
  | { kind: 'phone' /** Focus form: digits with country code, no `+`. */; phone: string; display: string }
  | { kind: 'person'; personId: number; name: string };

/** Which way a call went, as a subscription filters on it. */
export type Direction = 'inbound' | 'outbound' | 'internal';

/**
 * Which recordings a subscription posts (see `domain/filters.ts`): nothing set, every one. A
 * filter passes only what Focus says matches it: a recording without a direction (or a length)
 * passes no direction (or length) filter.
 */
export interface SubscriptionFilters {
  /** Only recordings Focus gives one of these directions. */
  directions?: Direction[];
  /** Only recordings that lasted longer than this many seconds. */
  longerThanSeconds?: number;
}

/** How each recording is posted: the card (the default), or one line. */
export type PostFormat = 'full' | 'compact';

/** What `/focus subscribe` may say besides its target; absent fields: no filter, the full card. */
export interface Tuning {
  filters?: SubscriptionFilters | undefined;
  format?: PostFormat | undefined;
}

export interface Subscription extends Tuning {
  /** Assigned by the store, increasing. */
  id: number;
  /**
   * Distribution mode: the workspace's installation key (its team id, or its organisation's
   * enterprise id for an org-wide install), whose token posts it and whose Focus tenant it
   * follows. Absent in single-workspace mode.
   */
  workspace?: string | undefined;
  team: string | undefined;
  channel: string;
  target: SubscriptionTarget;
  /** Slack user id of who subscribed. */
  createdBy: string;
  /** ISO-8601 UTC. */
  createdAt: string;
  /** Set while delivery is stopped (the channel is archived, the app was removed, ...). */
  paused: { reason: string; at: string } | undefined;
}

export type NewSubscription = Pick<Subscription, 'workspace' | 'team' | 'channel' | 'target' | 'createdBy'> &
  Tuning;

/** Where delivery for one subscription has got to. */
export interface Cursor {
  /** Start (ISO-8601 UTC) of the newest recording delivered or skipped; undefined before the first poll. */
  newestStart: string | undefined;
  /** Recording ids already handled whose start is `newestStart` (ties at the same instant). */
  idsAtNewest: number[];
}

/** `/focus subscribe …`, `/focus subscriptions`, `/focus unsubscribe …`, as parsed. */
export type SubscriptionCommand =
  | ({
      kind: 'subscribe';
      target:
        | { kind: 'phone'; phone: string; display: string }
        | { kind: 'person'; id: number }
        | { kind: 'person'; query: string };
    } & Tuning)
  | { kind: 'subscriptions' }
  /** Numbers as `/focus subscriptions` lists them (1-based), or every one. */
  | { kind: 'unsubscribe'; which: 'all' | number[] }
  | { kind: 'invalid'; message: string };

/**
 * Whether a subscription may still post: checked by the poller once per channel and subscriber
 * in each poll, before anything of theirs is queued (`access/subscription-gate.ts` decides).
 */
export type GateResult =
  | { ok: true }
  /**
   * Not any more: the subscription is paused with `reason`, and told once, in the channel when
   * `tellChannel` is true, else to the subscriber by DM.
   */
  | { ok: false; reason: string; tellChannel: boolean };

/** Whether this subscription may still post (policy, Slack Connect, subscriber still allowed). */
export type Gate = (subscription: Subscription) => Promise<GateResult>;

/** What one poll of the subscriptions poller did (its `onPoll`, counted in `/metrics`). */
export interface PollReport {
  ok: boolean;
  subscriptions: number;
  endpoints: number;
  focusCalls: number;
  /** Recordings handed to delivery by this poll. */
  queued: number;
  durationMs: number;
}

/** A record the poller cannot use, logged and counted once per process (`subscriptions/bad-records.ts`). */
export type BadRecordKind =
  /** A recording in a search answer that does not parse (no start, no id, a start that is not a date). */
  | 'recording_invalid'
  /** A recording that starts more than the allowed clock skew after now: skipped until then. */
  | 'recording_in_future'
  /** A stored subscription that cannot be polled (a date that is not one, an unreadable target). */
  | 'subscription_invalid'
  /** A stored cursor ahead of the clock (older data): read as now. */
  | 'cursor_in_future';
