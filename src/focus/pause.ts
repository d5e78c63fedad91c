/**
 * One pause for the whole tenant. Focus limits requests per service user, and every call of
 * this process runs as that user: when Focus answers 429 (or 503 with `Retry-After`), every
 * call waits until the time it gave, not only the call that was told.
 */
import { setTimeout as sleep } from 'node:timers/promises';

/** The longest pause honoured, whatever `Retry-After` says. */
export const MAX_PAUSE_MS = 60_000;

export class TenantPause {
  private until = 0;

  constructor(
    /** Real time: a pause is waited out with timers (an injected test clock may stand still). */
    private readonly now: () => number = Date.now,
    /** Called with the new end (ms since the epoch) whenever a pause starts or is extended. */
    private readonly onPause?: (untilMs: number) => void,
  ) {}

  /**
   * Pauses every call for `ms` from now (at most `MAX_PAUSE_MS`). A pause already running
   * longer is kept. Returns the end of the pause now in force.
   */
  pauseFor(ms: number): number {
    const until = this.now() + Math.min(Math.max(0, ms), MAX_PAUSE_MS);
    if (until > this.until) {
      this.until = until;
      this.onPause?.(until);
    }
    return this.until;
  }

  /** When the last pause ends or ended (ms since the epoch); 0 if there never was one. */
  pausedUntil(): number {
    return this.until;
  }

  /** Milliseconds until calls may go again (0 when they may now). */
  remainingMs(): number {
    return Math.max(0, this.until - this.now());
  }

  /** Resolves once no pause is on (one extended meanwhile is waited for too); rejects when `signal` aborts. */
  async wait(signal?: AbortSignal): Promise<void> {
    // Sleeps again only for an extended pause, so a clock that does not move cannot spin.
    for (let seen = Number.NaN; this.until !== seen && this.remainingMs() > 0; ) {
      seen = this.until;
      await sleep(this.remainingMs(), undefined, { signal });
    }
  }
}

/** What the user is told when a lookup could not wait out a pause. */
export function slowDownHint(ms: number): string {
  return `Focus asked us to slow down; try again in ${Math.max(1, Math.ceil(ms / 1_000))} s.`;
}
