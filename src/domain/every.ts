/**
 * Runs `run` every `intervalMs`, counted from each run's start (or right after a run that took
 * longer), one run at a time: `now()` (a test's) and the timer share the run under way. The
 * timer never holds the process open.
 */
export class Every<T> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<T> | undefined;
  private stopped = true;

  constructor(
    private readonly intervalMs: number,
    private readonly run: () => Promise<T>,
  ) {}

  /** Between `start()` and `stop()`. */
  get active(): boolean {
    return !this.stopped;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** No new run starts; resolves once the run under way has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** A run now, or the one under way. */
  now(): Promise<T> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      void this.now()
        .catch(() => undefined)
        .finally(() => this.schedule(Math.max(0, this.intervalMs - (Date.now() - started))));
    }, delayMs);
    this.timer.unref();
  }
}
