/**
 * Signed requests already seen, so a captured request sent again is not answered again. A
 * signature covers `v0:{timestamp}:{body}` and is accepted only while its timestamp is within the
 * window of the clock, so a signature needs remembering only until its timestamp leaves the
 * window: each entry lives exactly that long. Bounded: past `max` the oldest are forgotten (a
 * flood of genuinely signed requests would be needed to push one out early).
 */
import { LRUCache } from 'lru-cache';

export interface SeenSignaturesOptions {
  /** How far a request timestamp may be from the clock, either way. */
  windowMs: number;
  /** Signatures remembered at most. Default 50 000. */
  max?: number;
  now?: () => number;
}

export class SeenSignatures {
  private readonly seen: LRUCache<string, true>;
  private readonly now: () => number;

  constructor(private readonly options: SeenSignaturesOptions) {
    this.now = options.now ?? Date.now;
    this.seen = new LRUCache<string, true>({
      max: options.max ?? 50_000,
      ttlAutopurge: false,
      ttlResolution: 0,
      perf: { now: this.now },
    });
  }

  /**
   * True the first time a verified signature is offered, false for a replay. `timestampSec` is
   * the request's signed timestamp: the signature is remembered until it could no longer pass.
   */
  firstTime(signature: string, timestampSec: number): boolean {
    // The signature is an HMAC-SHA256 in hex: its first 128 bits identify it and halve the memory.
    const key = signature.slice(0, 35);
    if (this.seen.has(key)) return false;
    const ttl = timestampSec * 1000 + this.options.windowMs - this.now() + 1_000;
    if (ttl > 0) this.seen.set(key, true, { ttl });
    return true;
  }

  /** Signatures currently remembered. */
  get size(): number {
    return this.seen.size;
  }
}
