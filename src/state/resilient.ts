/**
 * Shared state that must not stop lookups: a `StateStore` that uses the shared store (Redis)
 * while it answers, and this process's memory while it does not. A call that fails or takes
 * longer than `timeoutMs` is answered from memory, the outage is logged once and counted, and
 * for `retryAfterMs` every call goes straight to memory; then the shared store is tried again.
 * Meanwhile dedupe and unfurl memory hold for this replica only (a retry landing on another
 * replica may be answered twice): correctness degrades to one replica's, answers never stop.
 */
import type { Logger } from '../domain/logger.js';
import { MemoryStore } from './memory.js';
import type { StateStore } from './store.js';

export interface ResilientOptions {
  logger: Logger;
  /** Called with true when the shared store stops answering, false when it is back. */
  onOutage?: (down: boolean) => void;
}

/** Longest wait for the shared store before memory answers (acks wait on it). */
const TIMEOUT_MS = 300;
/** How long memory answers alone after a failure. */
const RETRY_AFTER_MS = 5_000;

export class ResilientStore implements StateStore {
  private readonly fallback = new MemoryStore();
  private downUntil = 0;
  private down = false;

  constructor(
    private readonly primary: StateStore,
    private readonly options: ResilientOptions,
  ) {}

  claim(key: string, ttlMs: number, value?: string): Promise<boolean> {
    return this.run('claim', (s) => s.claim(key, ttlMs, value));
  }

  get(key: string): Promise<string | undefined> {
    return this.run('get', (s) => s.get(key));
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    return this.run('set', (s) => s.set(key, value, ttlMs));
  }

  release(key: string): Promise<void> {
    return this.run('release', (s) => s.release(key));
  }

  async close(): Promise<void> {
    await this.fallback.close();
  }

  private async run<T>(op: string, call: (store: StateStore) => Promise<T>): Promise<T> {
    if (Date.now() < this.downUntil) return call(this.fallback);
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        call(this.primary),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
        }),
      ]);
      if (this.down) {
        this.down = false;
        this.options.logger.info('state.shared_store_back', { op });
        this.options.onOutage?.(false);
      }
      return result;
    } catch (error) {
      this.downUntil = Date.now() + RETRY_AFTER_MS;
      if (!this.down) {
        this.down = true;
        // Once per outage: until it is back, every call answers from this process's memory.
        this.options.logger.warn('state.shared_store_down', { op, error, fallback: 'process memory' });
        this.options.onOutage?.(true);
      }
      return call(this.fallback);
    } finally {
      clearTimeout(timer);
    }
  }
}
