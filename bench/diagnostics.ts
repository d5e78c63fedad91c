/**
 * Evidence for the figures: the bare Focus round trip as the bench sees it (the floor under
 * any phone lookup), the app's own Prometheus sums, and when the app has stopped calling Focus.
 */
import { request } from 'undici';
import type { FocusSimulator, SimulatorStats } from '../src/sandbox/index.js';
import { percentile } from './stats.js';

/** p50 of `n` sequential endpoint searches sent straight to the simulator (no app in between). */
export async function directRoundTripMs(sim: FocusSimulator, n = 20): Promise<number> {
  const token = sim.signToken();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const res = await request(`${sim.url}/client/people/endpoint/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ type: 'phone', endpointSearch: '447700900123' }),
    });
    await res.body.dump();
    times.push(performance.now() - started);
  }
  return percentile(times, 50);
}

/** The app's `/metrics`, summed per metric name (labels dropped); empty if the route is missing. */
export async function scrapeMetrics(origin: string): Promise<Map<string, number>> {
  const sums = new Map<string, number>();
  const res = await request(`${origin}/metrics`).catch(() => undefined);
  if (!res) return sums;
  const text = await res.body.text();
  if (res.statusCode !== 200) return sums;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m) sums.set(m[1] as string, (sums.get(m[1] as string) ?? 0) + Number(m[2]));
  }
  return sums;
}

/** Mean of a histogram between two scrapes, in ms (NaN without samples). */
export function meanMs(a: Map<string, number>, b: Map<string, number>, histogram: string): number {
  const sum = (b.get(`${histogram}_sum`) ?? 0) - (a.get(`${histogram}_sum`) ?? 0);
  const count = (b.get(`${histogram}_count`) ?? 0) - (a.get(`${histogram}_count`) ?? 0);
  return count > 0 ? (1000 * sum) / count : Number.NaN;
}

/** Resolves once the simulator has seen no request for `quietMs` (background work done), or after `maxMs`. */
export async function simQuiet(sim: FocusSimulator, quietMs = 300, maxMs = 15_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let last = sim.stats().total;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, quietMs));
    const now = sim.stats();
    if (now.total === last && now.inFlight === 0) return;
    last = now.total;
  }
}

/** Focus requests between two snapshots, by endpoint, auth left out. */
export function focusCalls(a: SimulatorStats, b: SimulatorStats): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const [endpoint, n] of Object.entries(b.byEndpoint)) {
    const delta = n - a.byEndpoint[endpoint as keyof SimulatorStats['byEndpoint']];
    if (endpoint !== 'auth' && delta > 0) calls[endpoint] = delta;
  }
  return calls;
}
