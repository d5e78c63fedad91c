/**
 * A lease: "exactly one replica does this at a time" (the subscriptions poller, with Redis). A
 * holder takes it for a time to live and renews it well before that runs out; a holder that dies
 * stops renewing, the lease runs out, and another takes it. Each grant carries a **fencing
 * token** greater than every earlier grant's; the check before each subscription post
 * (`redis-lease.ts`) compares it, so a post started under an earlier grant is not sent.
 *
 * `RedisLease` (redis-lease.ts) is the one implementation. One process on SQLite needs none.
 */

export interface Lease {
  /**
   * Takes lease `name` for `holderId` for `ttlMs` unless another holder has it. Returns the
   * fencing token of the grant, or undefined when another holder has it. A holder acquiring a
   * lease it already holds extends it and keeps its token.
   */
  acquire(name: string, holderId: string, ttlMs: number): Promise<number | undefined>;
  /** Extends the lease to `ttlMs` from now, only if `holderId` still holds it; false otherwise. */
  renew(name: string, holderId: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up, only if `holderId` holds it; true when it did. */
  release(name: string, holderId: string): Promise<boolean>;
}
