import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FocusCache } from '../../src/focus/cache.js';
import type { FocusClient } from '../../src/focus/client.js';
import { FIXTURES } from '../../src/sandbox/index.js';
import { clientFor, startSimulator } from '../helpers/focus.js';

let sim: Awaited<ReturnType<typeof startSimulator>>;
let client: FocusClient;
beforeAll(async () => {
  sim = await startSimulator({ faults: { latencyMs: 30 } });
  client = clientFor(sim);
  await client.authenticate();
});
afterAll(async () => {
  await client?.close();
  await sim?.close();
});

describe('FocusCache', () => {
  it('10 concurrent identical lookups make one Focus request; later ones hit the cache', async () => {
    const cache = new FocusCache(client);
    sim.resetStats();
    const results = await Promise.all(
      Array.from({ length: 10 }, () => cache.findEndpoints(FIXTURES.jane.phone)),
    );
    expect(new Set(results).size).toBe(1);
    expect(sim.stats().byEndpoint['endpoint.search']).toBe(1);
    await cache.findEndpoints(FIXTURES.jane.phone);
    expect(sim.stats().byEndpoint['endpoint.search']).toBe(1);
  });

  it('people asked for in the same tick share one people.get', async () => {
    const cache = new FocusCache(client);
    sim.resetStats();
    const [a, b, c] = await Promise.all([
      cache.getPeople([1]),
      cache.getPeople([2, 3]),
      cache.getPeople([1, 999_999]),
    ]);
    expect(a.map((p) => p.id)).toEqual([1]);
    expect(b.map((p) => p.id)).toEqual([2, 3]);
    expect(c.map((p) => p.id)).toEqual([1]);
    expect(sim.stats().byEndpoint['people.get']).toBe(1);
  });

  it('caches "not found" only briefly and never caches errors', async () => {
    const events: string[] = [];
    const cache = new FocusCache(client, { notFoundTtlMs: 1_000 }, (kind, result) =>
      events.push(`${kind}:${result}`),
    );
    const unknown = '441632960999';
    sim.resetStats();
    expect(await cache.findEndpoints(unknown)).toEqual([]);
    expect(await cache.findEndpoints(unknown)).toEqual([]);
    expect(sim.stats().byEndpoint['endpoint.search']).toBe(1);
    await new Promise((r) => setTimeout(r, 1_100));
    await cache.findEndpoints(unknown);
    expect(sim.stats().byEndpoint['endpoint.search']).toBe(2);

    sim.setFaults({ forceStatus: 500, forceEndpoints: ['recording.comment'] });
    await expect(cache.comments(FIXTURES.manyComments.recordingId)).rejects.toMatchObject({
      code: 'unavailable',
    });
    sim.setFaults({ forceStatus: undefined, forceEndpoints: undefined });
    expect(await cache.comments(FIXTURES.manyComments.recordingId)).toHaveLength(60);
    expect(events).toContain('endpoint:hit');
  });
});

describe('FocusCache: a shared fetch lives as long as its longest waiter', () => {
  /** A signal that aborts after `ms` with a reason naming `who`. */
  const deadline = (who: string, ms: number) => {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(new Error(`${who} deadline`)), ms);
    return { signal: stop.signal, clear: () => clearTimeout(timer) };
  };
  const settle = <T>(p: Promise<T>) =>
    p.then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );

  it("the first lookup's deadline does not fail a second that asked for the same thing", async () => {
    const cache = new FocusCache(client);
    sim.resetStats();
    sim.setFaults({ latencyMs: 600 });
    try {
      const settled: string[] = [];
      const a = deadline('A', 150);
      const first = settle(cache.findEndpoints(FIXTURES.jane.phone, a.signal)).finally(() =>
        settled.push('A'),
      );
      await new Promise((r) => setTimeout(r, 50));
      const b = deadline('B', 5_000);
      const second = settle(cache.findEndpoints(FIXTURES.jane.phone, b.signal)).finally(() =>
        settled.push('B'),
      );
      // A gives up on its own deadline at once, with its own reason: before the answer came.
      expect(await first).toMatchObject({ error: { message: 'A deadline' } });
      // B gets the answer of the one request both shared.
      const answer = await second;
      b.clear();
      expect(settled).toEqual(['A', 'B']);
      expect(answer).toHaveProperty('value');
      expect((answer as { value: unknown[] }).value.length).toBeGreaterThan(0);
      expect(sim.stats().byEndpoint['endpoint.search']).toBe(1);
      expect(cache.fetchesUnderWay).toBe(0);
    } finally {
      sim.setFaults({ latencyMs: 30 });
    }
  });

  it('when every waiter has given up the Focus request is aborted, and nothing is cached', async () => {
    const calls: Array<{ status: number | 'error'; durationMs: number }> = [];
    const watched = clientFor(sim, {
      onCall: (e) => {
        if (e.endpoint === 'endpoint.search') calls.push(e);
      },
    });
    await watched.authenticate();
    const cache = new FocusCache(watched);
    sim.resetStats();
    sim.setFaults({ latencyMs: 10_000 });
    try {
      const a = deadline('A', 100);
      const b = deadline('B', 200);
      const waiters = [
        settle(cache.findEndpoints(FIXTURES.jane.phone, a.signal)),
        settle(cache.findEndpoints(FIXTURES.jane.phone, b.signal)),
      ];
      expect(await Promise.all(waiters)).toMatchObject([
        { error: { message: 'A deadline' } },
        { error: { message: 'B deadline' } },
      ]);
      // The client and the simulator are both done with the request, which the simulator never
      // answered: the connection was closed, not waited out.
      await expect.poll(() => sim.stats().inFlight, { timeout: 5_000, interval: 20 }).toBe(0);
      await expect.poll(() => calls.length, { timeout: 5_000, interval: 20 }).toBe(1);
      expect(calls[0]).toMatchObject({ status: 'error' });
      expect(sim.stats().byEndpoint['endpoint.search']).toBe(0);
      expect(cache.fetchesUnderWay).toBe(0);

      // Not cached: the next lookup asks Focus again, and gets its answer.
      sim.setFaults({ latencyMs: 30 });
      expect((await cache.findEndpoints(FIXTURES.jane.phone)).length).toBeGreaterThan(0);
      expect(calls.map((c) => c.status)).toEqual(['error', 200]);
    } finally {
      sim.setFaults({ latencyMs: 30 });
      await watched.close();
    }
  });

  it('a waiter that joins later keeps the fetch alive after the first gave up', async () => {
    const cache = new FocusCache(client);
    sim.resetStats();
    sim.setFaults({ latencyMs: 400 });
    try {
      const a = deadline('A', 100);
      const first = settle(cache.comments(FIXTURES.manyComments.recordingId, a.signal));
      const b = deadline('B', 250);
      const second = settle(cache.comments(FIXTURES.manyComments.recordingId, b.signal));
      await new Promise((r) => setTimeout(r, 200));
      const third = cache.comments(FIXTURES.manyComments.recordingId);
      expect(await first).toHaveProperty('error');
      expect(await second).toHaveProperty('error');
      expect(await third).toHaveLength(60);
      expect(sim.stats().byEndpoint['recording.comment']).toBe(1);
    } finally {
      sim.setFaults({ latencyMs: 30 });
    }
  });
});
