/**
 * Slack retries an Events API delivery it thinks went unanswered (`X-Slack-Retry-Num`, the same
 * `event_id`), and Bolt hands the retry to the listeners again. Each delivery claims its key in
 * the state store, so it is answered once, on whichever replica the store is shared by.
 */
import { MemoryStore, type StateStore } from '../../state/index.js';

export interface DeduperOptions {
  /** Default: a store of this process's own. */
  store?: StateStore;
  /** How long a key is remembered. Default 1 hour (Slack retries within minutes). */
  ttlMs?: number;
  /** Keys remembered at most by the default store. Default 10 000. */
  max?: number;
  now?: () => number;
}

export class DeliveryDeduper {
  private readonly store: StateStore;
  private readonly ttlMs: number;

  constructor(options: DeduperOptions = {}) {
    this.store =
      options.store ??
      new MemoryStore({ max: options.max ?? 10_000, ...(options.now ? { now: options.now } : {}) });
    this.ttlMs = options.ttlMs ?? 60 * 60_000;
  }

  /**
   * True the first time a key is offered (within the TTL), false for every repeat. An empty
   * key cannot identify a delivery: it is always "first" and is not remembered.
   */
  async firstTime(key: string): Promise<boolean> {
    if (key === '') return true;
    return this.store.claim(`event:${key}`, this.ttlMs);
  }
}
