/**
 * Signed requests already seen, so a captured request sent again is not answered again. A
 * signature covers `v0:{timestamp}:{body}` and is accepted only while its timestamp is within the
 * window of the clock, so a signature needs remembering only until its timestamp leaves the
 * window: each claim lives exactly that long. Kept in the state store, so a replay sent to
 * another replica sharing the store is refused too.
 */
import { MemoryStore, type StateStore } from '../../state/index.js';

export interface SeenSignaturesOptions {
  /** How far a request timestamp may be from the clock, either way. */
  windowMs: number;
  /** Default: a store of this process's own. */
  store?: StateStore;
  /** Signatures remembered at most by the default store. Default 50 000. */
  max?: number;
  now?: () => number;
}

export class SeenSignatures {
  private readonly store: StateStore;
  private readonly now: () => number;

  constructor(private readonly options: SeenSignaturesOptions) {
    this.now = options.now ?? Date.now;
    this.store = options.store ?? new MemoryStore({ max: options.max ?? 50_000, now: this.now });
  }

  /**
   * True the first time a verified signature is offered, false for a replay. `timestampSec` is
   * the request's signed timestamp: the signature is remembered until it could no longer pass.
   */
  async firstTime(signature: string, timestampSec: number): Promise<boolean> {
    const ttl = timestampSec * 1000 + this.options.windowMs - this.now() + 1_000;
    if (ttl <= 0) return true;
    // The signature is an HMAC-SHA256 in hex: its first 128 bits identify it and halve the memory.
    return this.store.claim(`sig:${signature.slice(0, 35)}`, ttl);
  }
}
