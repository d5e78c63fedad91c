/**
 * Work in flight, for a graceful shutdown: on SIGTERM, stop taking new requests, then wait
 * (at most the grace period) for the answers already started before closing connections.
 */

export interface DrainResult {
  /** True when everything tracked settled within the time allowed. */
  drained: boolean;
  /** How many were still running when `drain` returned. */
  remaining: number;
}

export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Promises tracked and not yet settled. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Tracks a promise until it settles and returns the same promise (its rejection stays the
   * caller's to handle). Work tracked while stopping is still waited for.
   */
  track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    const forget = () => {
      this.pending.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }

  /**
   * Waits until nothing is in flight (including work tracked
   * meanwhile) or `timeoutMs` has passed. Never rejects.
   */
  async drain(timeoutMs: number): Promise<DrainResult> {
    const deadline = this.now() + timeoutMs;
    while (this.pending.size > 0) {
      const left = deadline - this.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<true>((resolve) => {
        timer = setTimeout(() => resolve(true), left);
      });
      const settled = Promise.allSettled([...this.pending]).then(() => false as const);
      try {
        if (await Promise.race([settled, timedOut])) break;
      } finally {
        clearTimeout(timer);
      }
    }
    return { drained: this.pending.size === 0, remaining: this.pending.size };
  }
}
