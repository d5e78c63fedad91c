/**
 * Slack retries an Events API delivery it thinks went unanswered (`X-Slack-Retry-Num`, the same
 * `event_id`), and Bolt hands the retry to the listeners again. This remembers the
 * keys it has seen for a bounded time, so each delivery is answered once.
 */
import { LRUCache } from 'lru-cache';

export interface DeduperOptions {
  /** Keys remembered at most; the oldest are forgotten first. Default 10 000. */
  max?: number;
  /** How long a key is remembered. Default 1 hour (Slack retries within minutes). */
  ttlMs?: number;
  now?: () => number;
}

export class DeliveryDeduper {
  private readonly seen: LRUCache<string, true>;

  constructor(options: DeduperOptions = {}) {
    this.seen = new LRUCache<string, true>({
      max: options.max ?? 10_000,
      ttl: options.ttlMs ?? 60 * 60_000,
      ttlResolution: 0,
      ...(options.now ? { perf: { now: options.now } } : {}),
    });
  }

  /**
   * True the first time a key is offered (within the TTL), false for every repeat. An empty
   * key cannot identify a delivery: it is always "first" and is not remembered.
   */
  firstTime(key: string): boolean {
    if (key === '') return true;
    if (this.seen.has(key)) return false;
    this.seen.set(key, true);
    return true;
  }

  /** Keys currently remembered. */
  get size(): number {
    return this.seen.size;
  }
}
