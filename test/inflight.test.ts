import { describe, expect, it } from 'vitest';
import { InFlight } from '../src/inflight.js';
import { deferred } from './helpers/deferred.js';

describe('InFlight', () => {
  it('tracks promises until they settle and returns the same promise', async () => {
    const f = new InFlight();
    const a = deferred<number>();
    const b = deferred();
    const tracked = f.track(a.promise);
    expect(tracked).toBe(a.promise);
    const rejected = f.track(b.promise).catch((e: unknown) => e);
    expect(f.size).toBe(2);
    a.resolve(7);
    expect(await tracked).toBe(7);
    expect(f.size).toBe(1);
    b.reject(new Error('boom'));
    expect(await rejected).toBeInstanceOf(Error);
    expect(f.size).toBe(0);
  });

  it('drains at once when nothing is in flight', async () => {
    const f = new InFlight();
    expect(await f.drain(1_000)).toEqual({ drained: true, remaining: 0 });
  });

  it('waits for work in flight, including work tracked while draining', async () => {
    const f = new InFlight();
    const a = deferred();
    const b = deferred();
    f.track(a.promise);
    const draining = f.drain(5_000);
    f.track(b.promise);
    a.resolve();
    await new Promise((r) => setTimeout(r, 10));
    expect(f.size).toBe(1);
    b.resolve();
    expect(await draining).toEqual({ drained: true, remaining: 0 });
  });

  it('gives up after the timeout and reports what is left, without rejecting', async () => {
    const f = new InFlight();
    const stuck = deferred();
    const failing = deferred();
    f.track(stuck.promise);
    f.track(failing.promise).catch(() => {});
    f.track(new Promise(() => {}));
    failing.reject(new Error('no'));
    const started = Date.now();
    const result = await f.drain(50);
    expect(result).toEqual({ drained: false, remaining: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    expect(Date.now() - started).toBeLessThan(10_000); // gave up, not waiting for what never settles
  });

  it('does not keep the process waiting once drained', async () => {
    const f = new InFlight();
    const a = deferred();
    f.track(a.promise);
    const draining = f.drain(60_000);
    a.resolve();
    const started = Date.now();
    expect(await draining).toEqual({ drained: true, remaining: 0 });
    expect(Date.now() - started).toBeLessThan(10_000); // at once, not at the minute's timeout
  });
});
