/**
 * Notices a store that lost its subscriptions while the app ran: a Redis emptied by FLUSHALL (or
 * FLUSHDB), or restarted without persistence. At start a marker key is written into the store
 * that holds the subscriptions (kept if one is there already) and its value remembered; each
 * check reads it again. Gone or changed: everything written before it is gone too, so the log
 * says so once (`state.subscriptions_lost`, an error) and `lost` stays true until the process
 * restarts (the readiness answer and `/metrics` carry it). A store that does not answer proves
 * nothing: the check waits for the next one.
 *
 * What it cannot see: a store emptied while no process of the app was running. The first
 * process to start then finds no marker and takes the store as new.
 */
import { newRequestId } from '../domain/interaction.js';
import type { Logger } from '../domain/logger.js';
import type { StateStore } from './store.js';

/** Under the store's own key space (Redis: `<prefix>kv:state:marker`; SQLite: the kv table). */
export const MARKER_KEY = 'state:marker';
/** A marker outlives any deployment (the TTL is capped by each backend). */
const FOREVER_MS = 100 * 365 * 86_400_000;

export class StoreMarker {
  private value: string | undefined;
  private lostAt: string | undefined;

  constructor(
    private readonly store: Pick<StateStore, 'claim' | 'get'>,
    private readonly options: { logger: Logger; where: string; onLost?: () => void },
  ) {}

  /** Writes the marker unless it is there, and remembers its value. Throws when the store does not answer. */
  async init(now = new Date()): Promise<void> {
    await this.store.claim(MARKER_KEY, FOREVER_MS, `${now.toISOString()} ${newRequestId()}`);
    this.value = await this.store.get(MARKER_KEY);
  }

  /** Whether the store was found to have lost what it held (sticky). */
  get lost(): boolean {
    return this.lostAt !== undefined;
  }

  /** Reads the marker again; returns `lost`. */
  async check(): Promise<boolean> {
    if (this.lostAt !== undefined || this.value === undefined) return this.lost;
    let current: string | undefined;
    try {
      current = await this.store.get(MARKER_KEY);
    } catch {
      return false;
    }
    if (current === this.value) return false;
    this.lostAt = new Date().toISOString();
    this.options.logger.error('state.subscriptions_lost', {
      where: this.options.where,
      marker: current === undefined ? 'gone' : 'changed',
      since: this.value.split(' ')[0],
      effect:
        'the store no longer holds the subscriptions, cursors and posted recordings it held (FLUSHALL, or a Redis restarted without persistence): restore them (npm run state -- import) and restart the app',
    });
    this.options.onLost?.();
    return true;
  }
}
