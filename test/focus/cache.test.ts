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
