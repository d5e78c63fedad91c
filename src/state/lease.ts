/**
 * A lease: "exactly one replica does this at a time" (the subscriptions poller). A holder takes
 * it for a time to live and renews it well before that runs out; a holder that dies stops
 * renewing, the lease runs out, and another takes it. Each grant carries a **fencing token**
 * that is greater than every earlier grant's, so work started under a lease can check, before
 * its side effect, that the lease is still its own (`stillHeld`).
 *
 * `RedisLease` (redis-lease.ts) is the shared one; `LocalLease` here is for one process (the
 * embedded SQLite store, or memory): the same rules, kept in a Map.
 */

export interface LeaseHolder {
  holderId: string;
  token: number;
}

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
  /** Whether `holderId` holds the lease now, under the grant whose token is `token`. */
  stillHeld(name: string, holderId: string, token: number): Promise<boolean>;
  /** Who holds the lease now (logs, metrics). */
  holder(name: string): Promise<LeaseHolder | undefined>;
}

/** The in-process lease: one process holds every lease it asks for unless it gave one to another holder id. */
export class LocalLease implements Lease {
  private readonly leases = new Map<string, LeaseHolder & { expiresAt: number }>();
  private readonly tokens = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(name: string, holderId: string, ttlMs: number): Promise<number | undefined> {
    const current = this.current(name);
    if (current && current.holderId !== holderId) return undefined;
    if (current) {
      current.expiresAt = this.now() + ttlMs;
      return current.token;
    }
    const token = (this.tokens.get(name) ?? 0) + 1;
    this.tokens.set(name, token);
    this.leases.set(name, { holderId, token, expiresAt: this.now() + ttlMs });
    return token;
  }

  async renew(name: string, holderId: string, ttlMs: number): Promise<boolean> {
    const current = this.current(name);
    if (current?.holderId !== holderId) return false;
    current.expiresAt = this.now() + ttlMs;
    return true;
  }

  async release(name: string, holderId: string): Promise<boolean> {
    if (this.current(name)?.holderId !== holderId) return false;
    this.leases.delete(name);
    return true;
  }

  async stillHeld(name: string, holderId: string, token: number): Promise<boolean> {
    const current = this.current(name);
    return current?.holderId === holderId && current.token === token;
  }

  async holder(name: string): Promise<LeaseHolder | undefined> {
    const current = this.current(name);
    return current && { holderId: current.holderId, token: current.token };
  }

  private current(name: string): (LeaseHolder & { expiresAt: number }) | undefined {
    const lease = this.leases.get(name);
    if (lease && lease.expiresAt <= this.now()) {
      this.leases.delete(name);
      return undefined;
    }
    return lease;
  }
}
