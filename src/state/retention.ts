/**
 * The retention window after an uninstall (UNINSTALL_RETENTION_DAYS, 30 by default): the
 * tokens are deleted at once (lifecycle.ts), the workspace's other data (workspace-data.ts) once
 * the window has passed, so an accidental uninstall reinstalled within it keeps its Focus
 * connection and choices. The uninstall time is kept in the state store; a sweep runs at start
 * and every hour. Every replica sweeps: a sweep deletes only while the mark it read stands, so
 * two at once delete the same things once, and a reinstall racing one keeps its data.
 */
import type { Logger } from '../domain/logger.js';
import type { WorkspaceData } from './workspace-data.js';

const SWEEP_EVERY_MS = 3_600_000;

export interface UninstallRetentionOptions {
  data: WorkspaceData;
  windowMs: number;
  logger: Logger;
  /** Default: every hour. */
  everyMs?: number;
  now?: () => number;
}

export class UninstallRetention {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<string[]> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: UninstallRetentionOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The installation under `key` was removed (`by`: the event): its data goes after the window. */
  async uninstalled(key: string, by: string): Promise<void> {
    const at = this.now();
    await this.options.data.markUninstalled(key, at);
    this.options.logger.info('retention.scheduled', {
      key,
      by,
      forgetAfter: new Date(at + this.options.windowMs).toISOString(),
      effect: 'a reinstall before then keeps the Focus connection and choices',
    });
  }

  /** Sweeps now, then every hour (the timer does not hold the process open). */
  start(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.options.everyMs ?? SWEEP_EVERY_MS);
    this.timer.unref();
  }

  /**
   * Forgets every workspace uninstalled at least the window before `nowMs` (default: the
   * clock); resolves with their keys. One sweep at a time in a process; never rejects (a
   * failure is logged, and the next sweep tries again).
   */
  sweep(nowMs = this.now()): Promise<string[]> {
    this.sweeping ??= this.run(nowMs).finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  private async run(nowMs: number): Promise<string[]> {
    const forgotten: string[] = [];
    try {
      for (const [key, at] of await this.options.data.uninstalls()) {
        if (at + this.options.windowMs > nowMs) continue;
        const done = await this.options.data.forget(key, at);
        if (done.done) forgotten.push(key);
        this.options.logger.info(done.done ? 'retention.forgotten' : 'retention.kept', {
          key,
          uninstalledAt: new Date(at).toISOString(),
          ...done,
          ...(!done.done && { effect: 'reinstalled meanwhile: the rest is kept' }),
        });
      }
    } catch (error) {
      this.options.logger.warn('retention.sweep_failed', { error, effect: 'tried again at the next sweep' });
    }
    return forgotten;
  }
}
