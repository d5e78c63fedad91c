/**
 * The limits of channel subscriptions, in one place (the README's "Limits" lists them). They bound
 * what one channel, one workspace or one subscription can cost the poller: the Focus calls of a
 * poll grow with the endpoints followed, and every subscription is read at every poll.
 */

export const SUBSCRIPTION_LIMITS = {
  /** Subscriptions one channel may hold (paused ones count). */
  perChannel: 50,
  /**
   * Subscriptions one workspace (Slack team) may hold, over all its channels: what
   * `npm run bench:subscriptions` shows one process serves (1,000 over 2,000 endpoints).
   */
  perWorkspace: 1_000,
  /**
   * Phone endpoints one subscription follows at most: a number listed for more owners (or a
   * person with more numbers) follows the first ones by endpoint id, and says so.
   */
  endpointsPerSubscription: 20,
} as const;

/**
 * How far ahead of this process's clock a recording's start (or a stored date) may be and still
 * be trusted: clocks differ by seconds, not by years. A recording that starts later is skipped for
 * now (and counted); a stored cursor later than this is read as now.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** What `npm run state -- import` accepts (see `state/snapshot.ts`). */
export const IMPORT_LIMITS = {
  /** Subscription ids are issued by the store one by one: anything above this is not one of ours. */
  maxSubscriptionId: 2_147_483_647,
  /** Focus ids (people, recordings): positive, and well inside a safe integer. */
  maxFocusId: 1_000_000_000_000,
  /** Dates before this are not from this app. */
  earliest: Date.parse('2000-01-01T00:00:00Z'),
  /** One subscription's JSON (with its delivered ids) at most; a larger one is skipped unread. */
  maxRecordChars: 4 * 1024 * 1024,
  /** Delivered ids one record may carry. */
  maxDelivered: 100_000,
} as const;

/** A Slack conversation id a subscription may post to: a channel (`C…`) or a private channel (`G…`). */
export const CHANNEL_ID = /^[CG][A-Z0-9]{1,31}$/;
/** A Slack user id (`U…`, or `W…` on Enterprise Grid). */
export const USER_ID = /^[UW][A-Z0-9]{1,31}$/;
/** A Slack workspace (`T…`) or Enterprise Grid organisation (`E…`) id. */
export const TEAM_ID = /^[TE][A-Z0-9]{1,31}$/;
