/** Recordings added while the simulator runs: by the handle, by the control route, on a timer. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FIXTURES,
  type FocusSimulator,
  generateDataset,
  startFocusSimulator,
  type WireRecording,
} from '../../src/sandbox/index.js';
import { feedRecordings, LiveRecordings } from '../../src/sandbox/live.js';
import { FocusStore } from '../../src/sandbox/store.js';
import { call, login, post } from './helpers.js';

const dataset = generateDataset();
const JANE = FIXTURES.jane;
let sim: FocusSimulator;
let token: string;

beforeEach(async () => {
  sim = await startFocusSimulator({ dataset });
  token = await login(sim);
});
afterEach(() => sim.close());

const search = async (
  body: unknown,
): Promise<{ total: number; recordings: WireRecording[]; ids: number[] }> => {
  const res = await post(sim, '/client/recording.search', token, { pageSize: 1000, ...(body as object) });
  expect(res.status).toBe(200);
  return { ...res.json, ids: res.json.recordings.map((r: WireRecording) => r.interactionId) };
};

/** What a search by endpoint ids must answer, worked out by brute force over every recording. */
const expected = (all: readonly WireRecording[], endpointIds: number[]): number[] =>
  all
    .filter((r) =>
      r.endpoints.some((e) => e.endpoint.id !== undefined && endpointIds.includes(e.endpoint.id)),
    )
    .map((r) => ({ id: r.interactionId, t: Date.parse(r.startDatetimeUTC) }))
    .sort((a, b) => b.t - a.t || b.id - a.id)
    .map((x) => x.id);

describe('addRecording', () => {
  it("makes a new recording of Jane's number the newest: first in a search by her endpoint ids", async () => {
    const before = Date.now();
    const first = sim.addRecording({ phone: JANE.phone });
    expect(first.interactionId).toBeGreaterThan(Math.max(...dataset.recordings.map((r) => r.interactionId)));
    expect(Date.parse(first.startDatetimeUTC)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(first.startDatetimeUTC)).toBeLessThanOrEqual(Date.now());
    expect(first).toMatchObject({ direction: 'inbound', mediaType: 'call', durationSeconds: 60 });
    // Inbound: the caller (the counterparty) first, then Jane's endpoint with its owner.
    expect(first.endpoints).toEqual([
      { endpoint: { endpoint: FIXTURES.unknownNumber, type: 'phone' } },
      { endpoint: { id: JANE.phoneEndpointId, endpoint: JANE.phone, type: 'phone' } },
    ]);
    expect(first.people).toEqual([{ id: JANE.personId, fullName: JANE.fullName }]);

    const second = sim.addRecording({ endpointIds: [JANE.phone2EndpointId], direction: 'outbound' });
    expect(second.endpoints[0]?.endpoint.id).toBe(JANE.phone2EndpointId);
    const ids = [JANE.phoneEndpointId, JANE.phone2EndpointId, JANE.emailEndpointId];
    const found = await search({ endpointIds: { include: ids } });
    expect(found.total).toBe(JANE.recordingCount + 2);
    expect(found.ids).toEqual([second.interactionId, first.interactionId, ...JANE.recordingIds]);
    expect(found.recordings[0]).toEqual(second);
    // The given dataset stays as it was (another simulator may share it).
    expect(dataset.recordings).toHaveLength(sim.dataset.recordings.length);
    expect(dataset.recordings.some((r) => r.interactionId === first.interactionId)).toBe(false);
  });

  it('slots an older start in its place; every index still finds every recording', async () => {
    const a = sim.addRecording({
      phone: JANE.phone,
      startsAt: '2026-10-20T10:00:00Z',
      direction: 'outbound',
    });
    const b = sim.addRecording({
      phone: [FIXTURES.hostile.phone, JANE.phone2],
      startsAt: new Date('2026-09-01T08:30:00Z'),
      tags: ['live-tag'],
    });
    const c = sim.addRecording({
      endpointIds: [JANE.phoneEndpointId],
      startsAt: Date.parse('2026-10-20T10:00:00Z'),
    });
    const all = [...dataset.recordings, a, b, c];

    for (const ids of [
      [JANE.phoneEndpointId],
      [JANE.phone2EndpointId, FIXTURES.hostile.endpointId],
      [FIXTURES.firstGeneratedEndpointId, FIXTURES.firstGeneratedEndpointId + 7],
    ]) {
      expect((await search({ endpointIds: { include: ids } })).ids).toEqual(expected(all, ids));
    }
    // Ties at one instant: the larger id first.
    const janes = (await search({ endpointIds: { include: [JANE.phoneEndpointId] } })).ids;
    expect(janes.indexOf(c.interactionId)).toBe(janes.indexOf(a.interactionId) - 1);
    // By id, by third-party id and by free text, old and new alike.
    for (const r of [a, b, c, ...dataset.recordings.slice(0, 50), ...dataset.recordings.slice(-50)]) {
      expect((await search({ recordingIds: { include: [r.interactionId] } })).recordings).toEqual([r]);
    }
    expect((await search({ thirdPartyIds: { include: [b.thirdPartyId] } })).ids).toEqual([b.interactionId]);
    expect((await search({ freeText: 'live-tag' })).ids).toEqual([b.interactionId]);
    expect((await search({ freeText: dataset.recordings[0]?.thirdPartyId })).ids).toEqual([
      dataset.recordings[0]?.interactionId,
    ]);
    // Everything, newest first, one more page of total.
    const everything = await search({ pageSize: 1000, page: 1 });
    expect(everything.total).toBe(all.length);
    const starts = everything.recordings.map((r) => Date.parse(r.startDatetimeUTC));
    expect(starts).toEqual([...starts].sort((x, y) => y - x));
  });

  it('refuses a recording without a party, an unknown endpoint, a bad number or date', () => {
    expect(() => sim.addRecording({})).toThrow(/needs a party/);
    expect(() => sim.addRecording({ endpointIds: [1] })).toThrow(/no endpoint 1/);
    expect(() => sim.addRecording({ phone: 'call me' })).toThrow(/not digits/);
    expect(() => sim.addRecording({ phone: JANE.phone, startsAt: 'soon' })).toThrow(/not a date/);
  });
});

describe('POST /api/__sim/recordings', () => {
  it('adds one (no auth, not counted) and answers 201 with it; bad bodies get 400', async () => {
    sim.resetStats();
    const res = await call(sim, 'POST', '/__sim/recordings', {
      body: { phone: JANE.phone, direction: 'outbound', mediaType: 'sms', tags: ['x'] },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      direction: 'outbound',
      mediaType: 'sms',
      durationSeconds: 0,
      tags: ['x'],
    });
    expect(sim.stats().total).toBe(0);
    const found = await search({ endpointIds: { include: [JANE.phoneEndpointId] } });
    expect(found.recordings[0]).toEqual(res.json);

    for (const [body, error] of [
      [{}, /needs a party/],
      [[1, 2], /JSON object/],
      [{ endpointIds: ['10001'] }, /endpointIds must be an array of integers/],
      [{ endpointIds: [424242] }, /no endpoint 424242/],
      [{ phone: JANE.phone, direction: 'sideways' }, /direction must be one of/],
      [{ phone: JANE.phone, startsAt: true }, /startsAt/],
      [{ phone: JANE.phone, durationSeconds: -1 }, /durationSeconds/],
    ] as const) {
      const bad = await call(sim, 'POST', '/__sim/recordings', { body });
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.json.error).toMatch(error);
    }
    expect((await call(sim, 'POST', '/__sim/recordings', { raw: '{"phone":' })).status).toBe(400);
    expect((await call(sim, 'GET', '/__sim/recordings')).status).toBe(405);
  });
});

describe('newRecordingEveryMs', () => {
  it("adds a recording of Jane's number on a timer until the simulator closes", async () => {
    const fed = await startFocusSimulator({ dataset, newRecordingEveryMs: 40 });
    try {
      const t = await login(fed);
      const count = async () => {
        const res = await post(fed, '/client/recording.search', t, {
          endpointIds: { include: [JANE.phoneEndpointId] },
          pageSize: 1,
        });
        return { total: res.json.total as number, newest: res.json.recordings[0] as WireRecording };
      };
      const start = await count();
      await new Promise((r) => setTimeout(r, 250));
      const later = await count();
      expect(later.total - start.total).toBeGreaterThanOrEqual(3);
      expect(later.newest.interactionId).toBeGreaterThan(start.newest.interactionId);
      expect(later.newest.endpoints.map((e) => e.endpoint.endpoint)).toContain(JANE.phone);
    } finally {
      await fed.close();
    }
  });

  it('the feed stops when told; a malformed number is refused at start', async () => {
    const store = new FocusStore(dataset);
    const live = new LiveRecordings(store, Date.now);
    const added = () => store.searchRecordings({ page: 1, pageSize: 1 }).total - dataset.recordings.length;
    const stop = feedRecordings(live, 20, FIXTURES.accented.phone);
    await new Promise((r) => setTimeout(r, 130));
    stop();
    const n = added();
    expect(n).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 80));
    expect(added()).toBe(n);
    expect(() => feedRecordings(live, 20, '+44 7700')).toThrow(/not digits/);
  });
});
