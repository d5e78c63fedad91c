import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_FAULTS,
  type FocusSimulator,
  generateDataset,
  startFocusSimulator,
} from '../../src/sandbox/index.js';
import { call, get, login, post } from './helpers.js';

const dataset = generateDataset();
let sim: FocusSimulator;
let token: string;

beforeAll(async () => {
  sim = await startFocusSimulator({ dataset });
  token = await login(sim);
});
afterEach(() => {
  sim.setFaults({
    ...DEFAULT_FAULTS,
    forceStatus: undefined,
    forceEndpoints: undefined,
    hangMs: undefined,
    authFails: undefined,
  });
});
afterAll(() => sim.close());

const groups = () => get(sim, '/admin/retentionGroup', token);

describe('fault knobs', () => {
  it('withholds rights with 403 naming the right', async () => {
    sim.setFaults({ withheldRights: ['Recording.View'] });
    const res = await post(sim, '/client/recording.search', token, {});
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ error: 'missing right Recording.View' });
    expect((await get(sim, '/client/recording/comment?recordingId=500001', token)).status).toBe(403);
    expect((await post(sim, '/client/people.get', token, [1])).status).toBe(200);
    sim.setFaults({ withheldRights: ['People.View', 'User.View', 'RetentionGroup.View'] });
    expect((await post(sim, '/client/people.get', token, [1])).json).toEqual({
      error: 'missing right People.View',
    });
    expect((await post(sim, '/client/people/endpoint/search', token, { type: 'phone' })).status).toBe(403);
    expect((await post(sim, '/client/user/search', token, {})).status).toBe(403);
    expect((await groups()).status).toBe(403);
  });

  it('answers 429 with Retry-After in seconds or as an HTTP date', async () => {
    sim.setFaults({ rate429: 1, retryAfter: 3 });
    const res = await groups();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    sim.setFaults({ retryAfterDate: true });
    const before = Date.now();
    const dated = await groups();
    const after = Date.now();
    // 3 s after the simulator answered, in whole seconds (an HTTP date has no milliseconds).
    const when = Date.parse(dated.headers.get('retry-after') ?? '');
    expect(when).toBeGreaterThan(before + 2000);
    expect(when).toBeLessThanOrEqual(after + 3000);
    expect((await call(sim, 'POST', '/authWithApiKey', { body: sim.credentials })).status).toBe(200);
  });

  it('answers 500 and 503 at their rates', async () => {
    sim.setFaults({ rate500: 1 });
    expect((await groups()).status).toBe(500);
    sim.setFaults({ rate500: 0, rate503: 1 });
    const res = await groups();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
  });

  it('mixes faults repeatably for a fault seed', async () => {
    const run = async () => {
      const s = await startFocusSimulator({ dataset, faultSeed: 9, faults: { rate429: 0.3, rate503: 0.2 } });
      try {
        const t = await login(s);
        const statuses: number[] = [];
        for (let i = 0; i < 30; i++) statuses.push((await get(s, '/admin/retentionGroup', t)).status);
        return statuses;
      } finally {
        await s.close();
      }
    };
    const a = await run();
    expect(await run()).toEqual(a);
    expect(new Set(a)).toEqual(new Set([200, 429, 503]));
  });

  it('sends truncated JSON bodies with 200', async () => {
    sim.setFaults({ malformedShare: 1 });
    const res = await groups();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(() => JSON.parse(res.text)).toThrow();
    expect(res.text.length).toBeGreaterThan(0);
  });

  it('forces a status on every non-auth endpoint, or only on chosen ones', async () => {
    sim.setFaults({ forceStatus: 502 });
    expect((await groups()).status).toBe(502);
    expect((await post(sim, '/client/people.get', token, [1])).status).toBe(502);
    expect((await call(sim, 'POST', '/authWithApiKey', { body: sim.credentials })).status).toBe(200);
    sim.setFaults({ forceEndpoints: ['people.get', 'auth'] });
    expect((await groups()).status).toBe(200);
    expect((await post(sim, '/client/people.get', token, [1])).status).toBe(502);
    expect((await call(sim, 'POST', '/authWithApiKey', { body: sim.credentials })).status).toBe(502);
  });

  it('fails auth on demand', async () => {
    sim.setFaults({ authFails: true });
    expect((await call(sim, 'POST', '/authWithAPIKey', { body: sim.credentials })).status).toBe(401);
    expect((await groups()).status).toBe(200);
  });

  it('adds latency and slow answers without blocking the event loop', async () => {
    // A second: the two requests arrive together however busy the machine is.
    sim.setFaults({ latencyMs: 1_000 });
    sim.resetStats();
    let t0 = performance.now();
    const [a, b] = await Promise.all([groups(), groups()]);
    const both = performance.now() - t0;
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(both).toBeGreaterThanOrEqual(995);
    // Delayed side by side, not one after the other.
    expect(sim.stats().peakInFlight).toBe(2);
    sim.setFaults({ latencyMs: 0, slowShare: 1, slowMs: 80 });
    t0 = performance.now();
    await groups();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(75);
  });

  it('tracks requests in flight', async () => {
    sim.setFaults({ latencyMs: 1_000 });
    sim.resetStats();
    const pending = Promise.all([groups(), groups(), groups()]);
    await vi.waitFor(() => expect(sim.stats().inFlight).toBe(3), { timeout: 5_000, interval: 5 });
    await pending;
    expect(sim.stats()).toMatchObject({ inFlight: 0, peakInFlight: 3 });
  });

  it('lets a client deadline expire on a hang', async () => {
    sim.setFaults({ hangMs: 60_000 });
    const t0 = performance.now();
    const res = call(sim, 'GET', '/admin/retentionGroup', { token, signal: AbortSignal.timeout(100) });
    await expect(res).rejects.toThrow();
    expect(performance.now() - t0).toBeLessThan(10_000); // the client's 100 ms, not the minute's hang
  });

  it('closes promptly with hanging requests and keep-alive sockets', async () => {
    const s = await startFocusSimulator({ dataset, faults: { hangMs: 60_000 } });
    const t = await login(s);
    const pending = get(s, '/admin/retentionGroup', t).catch((e: unknown) => e);
    await vi.waitFor(() => expect(s.stats().inFlight).toBe(1), { timeout: 5_000, interval: 5 });
    const t0 = performance.now();
    await s.close();
    // Not after the hang (a minute), nor once the keep-alive socket times out (5 s).
    expect(performance.now() - t0).toBeLessThan(2_500);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('stats', () => {
  it('counts requests per endpoint and status, in process and over HTTP', async () => {
    const s = await startFocusSimulator({ dataset });
    try {
      const t = await login(s);
      await call(s, 'POST', '/authWithAPIKey', { body: { ...s.credentials, apiKey: 'bad' } });
      await post(s, '/client/recording.search', t, {});
      await post(s, '/client/recording.search', t, { page: 0 });
      await get(s, '/client/recording/comment?recordingId=42', t);
      await get(s, '/nope', t);
      const expected = {
        total: 6,
        byEndpoint: {
          auth: 2,
          retentionGroup: 0,
          'endpoint.search': 0,
          'recording.search': 2,
          'user.search': 0,
          'recording.comment': 1,
          'people.get': 0,
        },
        byStatus: { '200': 2, '400': 1, '401': 1, '404': 2 },
        inFlight: 0,
        peakInFlight: 1,
      };
      expect(s.stats()).toEqual(expected);
      const remote = await call(s, 'GET', '/__sim/stats');
      expect(remote.json).toEqual(expected);
      s.resetStats();
      expect(s.stats().total).toBe(0);
      await call(s, 'POST', '/__sim/faults', { body: { forceStatus: 418 } });
      expect(s.faults.forceStatus).toBe(418);
      expect((await post(s, '/client/people.get', t, [1])).status).toBe(418);
      expect((await call(s, 'GET', '/__sim/stats')).json.byStatus).toEqual({ '418': 1 });
      await call(s, 'DELETE', '/__sim/stats');
      expect(s.stats().total).toBe(0);
    } finally {
      await s.close();
    }
  });
});
