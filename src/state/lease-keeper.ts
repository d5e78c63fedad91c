/**
 * Keeps a lease for one holder: tries to take it while another has it, renews it while it is
 * held, and says when that changes. Every `everyMs` (default a third of the TTL) one step runs:
 * the holder renews; anyone else tries to acquire. A holder that stops (or dies) is replaced
 * within one TTL plus one step once its lease runs out: under two lease periods.
 *
 * `token` is the fencing token while the lease is surely held: until the TTL, counted from the
 * start of the last acquire or renew that succeeded, has passed. When Redis cannot be reached
 * the holder keeps the lease only until then, as Redis will (another replica may take it after).
 * It is a local answer, good enough to decide whether to poll; each post checks the lease in
 * Redis itself right before it is sent (`redis-lease.ts`).
 */
import type { Logger } from '../domain/logger.js';
import type { Lease } from './lease.js';

export interface LeaseKeeperOptions {
  lease: Lease;
  name: string;
  holderId: string;
  ttlMs: number;
  /** Between two steps (default ttlMs / 3). */
  everyMs?: number;
  logger?: Logger;
  /** Told when this holder gains the lease (with its token) or loses it. */
  onChange?: (token: number | undefined) => void;
}

export class LeaseKeeper {
  private readonly everyMs: number;
  private held: { token: number; until: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stepping: Promise<void> | undefined;
  private running = false;

  constructor(private readonly options: LeaseKeeperOptions) {
    this.everyMs = Math.max(1, options.everyMs ?? Math.floor(options.ttlMs / 3));
  }

  /** The fencing token while the lease is held, else undefined. */
  get token(): number | undefined {
    if (this.held && Date.now() >= this.held.until) this.lose('expired');
    return this.held?.token;
  }

  /** Starts stepping (the first step at once). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops stepping and releases the lease if held, so another holder takes it at once. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.stepping;
    if (!this.held) return;
    this.lose('stopped');
    try {
      await this.options.lease.release(this.options.name, this.options.holderId);
    } catch {
      // Unreachable: the lease runs out by itself.
    }
  }

  /** One step: renew while held, else try to acquire. */
  private async step(): Promise<void> {
    const { lease, name, holderId, ttlMs, logger } = this.options;
    const started = Date.now();
    try {
      if (this.token !== undefined) {
        if (await lease.renew(name, holderId, ttlMs)) {
          if (this.held) this.held.until = started + ttlMs;
        } else {
          this.lose('taken');
        }
        return;
      }
      const token = await lease.acquire(name, holderId, ttlMs);
      if (token === undefined) return;
      this.held = { token, until: started + ttlMs };
      logger?.info('lease_acquired', { lease: name, holder: holderId, token });
      this.options.onChange?.(token);
    } catch (error) {
      // Kept until its time is up (see `token`); tried again at the next step.
      logger?.warn('lease_step_failed', {
        lease: name,
        holder: holderId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private lose(why: 'expired' | 'taken' | 'stopped'): void {
    if (!this.held) return;
    const { token } = this.held;
    this.held = undefined;
    this.options.logger?.info('lease_lost', {
      lease: this.options.name,
      holder: this.options.holderId,
      token,
      why,
    });
    this.options.onChange?.(undefined);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.stepping = this.step().finally(() => {
        this.stepping = undefined;
        if (this.running) this.schedule(this.everyMs);
      });
    }, delayMs);
    this.timer.unref();
  }
}
