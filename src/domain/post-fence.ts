/**
 * What keeps a subscription post to one replica when several share the poller lease: a check
 * right before each send, and the intents it leaves. Without it (one process on SQLite) every
 * post may go.
 *
 * `enter` asks the store, in one atomic step, whether this replica still holds the lease under
 * its own grant with at least a margin of it left, and if so records an intent ("this replica is
 * posting these recordings now") beside the subscription. A replica that later holds the lease
 * and finds another's intent on a recording that is not marked posted leaves that recording
 * alone for `graceMs` from when it first saw the intent: the replica that wrote it is paused,
 * slow, or cut off from the store, and its mark (or its word that the post failed) comes when it
 * can write again. Only after the grace is the recording posted again (its writer is taken for
 * dead, with the post in flight).
 *
 * A post can be for several subscriptions of one channel (one post per recording per channel):
 * its intent is recorded for each of them (`also`), so a replica that would post it for any one
 * of them sees it.
 */
export interface PostFence {
  /** How long another replica's intent holds a recording back, from when this replica first saw it. */
  readonly graceMs: number;
  /**
   * Right before a send: true when this replica holds the lease with enough of it left that the
   * request leaves before it can run out, and the subscription is still there and not paused
   * (it may have been stopped on another replica while the post waited); then the intents for
   * these recordings are recorded, for it and for the subscriptions `also` (the post's others).
   * False (nothing recorded, or recorded and withdrawn) otherwise.
   */
  enter(subscription: number, recordingIds: readonly number[], also?: readonly number[]): Promise<boolean>;
  /** Of these recordings, those with another replica's intent on them. */
  othersSending(subscription: number, recordingIds: readonly number[]): Promise<Set<number>>;
  /** Withdraws this replica's intents, for it and for `also` (the post failed, or was not sent). */
  leave(subscription: number, recordingIds: readonly number[], also?: readonly number[]): Promise<void>;
}
