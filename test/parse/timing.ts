/**
 * CPU time of a call, for tests that bound parse time. CPU time rather than wall time, so a
 * busy machine that preempts the test does not count; the least of a few runs, so one GC pause
 * does not either. Quadratic code stays slow on every run.
 */
export function cpuMs(fn: () => unknown, bound: number, tries = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < tries && best >= bound; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}
