/** Request counts per endpoint and per status, and a gauge of requests in flight. */
import { FOCUS_ENDPOINTS, type FocusEndpoint } from '../domain/focus.js';

export interface SimulatorStats {
  total: number;
  byEndpoint: Record<FocusEndpoint, number>;
  byStatus: Record<string, number>;
  /** Focus requests received and not yet answered (or dropped). */
  inFlight: number;
  /** Highest `inFlight` since start or the last reset. */
  peakInFlight: number;
}

export class StatsLog {
  private counts = StatsLog.empty();
  private inFlight = 0;
  private peak = 0;

  static empty(): Pick<SimulatorStats, 'total' | 'byEndpoint' | 'byStatus'> {
    const byEndpoint = Object.fromEntries(FOCUS_ENDPOINTS.map((e) => [e, 0])) as Record<
      FocusEndpoint,
      number
    >;
    return { total: 0, byEndpoint, byStatus: {} };
  }

  /** `endpoint` is undefined for unknown paths (counted in total and by status only). */
  record(endpoint: FocusEndpoint | undefined, status: number): void {
    this.counts.total++;
    if (endpoint) this.counts.byEndpoint[endpoint]++;
    const key = String(status);
    this.counts.byStatus[key] = (this.counts.byStatus[key] ?? 0) + 1;
  }

  enter(): void {
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
  }

  leave(): void {
    this.inFlight--;
  }

  snapshot(): SimulatorStats {
    return { ...structuredClone(this.counts), inFlight: this.inFlight, peakInFlight: this.peak };
  }

  reset(): void {
    this.counts = StatsLog.empty();
    this.peak = this.inFlight;
  }
}
