/**
 * Request counts per endpoint and per status, a gauge of requests in flight, and a log of the
 * latest requests with when each arrived and was answered (to check what reached Focus when).
 */
import { FOCUS_ENDPOINTS, type FocusEndpoint } from '../domain/focus.js';

/** One Focus request as the simulator saw it; times are `Date.now()` milliseconds. */
export interface RequestRecord {
  /** Undefined for an unknown path. */
  endpoint: FocusEndpoint | undefined;
  status: number;
  /** When the request arrived, before any simulated latency. */
  receivedAt: number;
  answeredAt: number;
}

/** Requests the log keeps (the oldest are dropped first). */
const REQUEST_LOG_SIZE = 20_000;

export interface SimulatorStats {
  total: number;
  byEndpoint: Record<FocusEndpoint, number>;
  byStatus: Record<string, number>;
  /** Focus requests received and not yet answered (or dropped). */
  inFlight: number;
  /** Highest `inFlight` since start or the last reset. */
  peakInFlight: number;
}

const emptyCounts = () => ({
  total: 0,
  byEndpoint: Object.fromEntries(FOCUS_ENDPOINTS.map((e) => [e, 0])) as Record<FocusEndpoint, number>,
  byStatus: {} as Record<string, number>,
});

export class StatsLog {
  private counts = emptyCounts();
  private inFlight = 0;
  private peak = 0;
  private log: RequestRecord[] = [];

  /** A request arrived; returns when (for `record`). */
  enter(): number {
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    return Date.now();
  }

  leave(): void {
    this.inFlight--;
  }

  /** `endpoint` is undefined for unknown paths (counted in total and by status only). */
  record(endpoint: FocusEndpoint | undefined, status: number, receivedAt: number): void {
    if (this.log.length >= REQUEST_LOG_SIZE) this.log.splice(0, REQUEST_LOG_SIZE / 2);
    this.log.push({ endpoint, status, receivedAt, answeredAt: Date.now() });
    this.counts.total++;
    if (endpoint) this.counts.byEndpoint[endpoint]++;
    this.counts.byStatus[status] = (this.counts.byStatus[status] ?? 0) + 1;
  }

  snapshot(): SimulatorStats {
    return { ...structuredClone(this.counts), inFlight: this.inFlight, peakInFlight: this.peak };
  }

  /** The latest requests (at most `REQUEST_LOG_SIZE`), oldest first. */
  requests(): RequestRecord[] {
    return [...this.log];
  }

  reset(): void {
    this.log = [];
    this.counts = emptyCounts();
    this.peak = this.inFlight;
  }
}
