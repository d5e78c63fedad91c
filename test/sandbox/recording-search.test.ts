import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURES,
  type FocusSimulator,
  generateDataset,
  startFocusSimulator,
} from '../../src/sandbox/index.js';
import { login, post } from './helpers.js';

const dataset = generateDataset();
let sim: FocusSimulator;
let token: string;

beforeAll(async () => {
  sim = await startFocusSimulator({ dataset });
  token = await login(sim);
});
afterAll(() => sim.close());

const search = async (body?: unknown) => {
  const res = await post(sim, '/client/recording.search', token, body);
  return {
    status: res.status,
    ...res.json,
    ids: (res.json?.recordings ?? []).map((r: { interactionId: number }) => r.interactionId) as number[],
  };
};
const jane = [FIXTURES.jane.phoneEndpointId, FIXTURES.jane.phone2EndpointId, FIXTURES.jane.emailEndpointId];

describe('recording.search', () => {
  it('returns everything newest first, 100 a page, with an empty or missing body', async () => {
    for (const body of [undefined, {}]) {
      const res = await search(body);
      expect(res).toMatchObject({ status: 200, total: dataset.recordings.length, page: 1, pageSize: 100 });
      expect(res.ids).toEqual(dataset.recordings.slice(0, 100).map((r) => r.interactionId));
    }
    const starts = (await search({ pageSize: 1000 })).recordings.map((r: { startDatetimeUTC: string }) =>
      Date.parse(r.startDatetimeUTC),
    );
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
  });

  it('filters by endpoint ids and pages', async () => {
    const all = await search({ endpointIds: { include: jane } });
    expect(all.total).toBe(FIXTURES.jane.recordingCount);
    expect(all.ids).toEqual([...FIXTURES.jane.recordingIds]);
    const p3 = await search({ endpointIds: { include: jane }, page: 3, pageSize: 5 });
    expect(p3).toMatchObject({ total: 12, page: 3, pageSize: 5 });
    expect(p3.ids).toEqual(FIXTURES.jane.recordingIds.slice(10));
    expect((await search({ endpointIds: { include: jane }, page: 4, pageSize: 5 })).ids).toEqual([]);
    const notHostile = await search({
      endpointIds: { include: jane, exclude: [FIXTURES.hostile.endpointId] },
    });
    expect(notHostile.total).toBe(9);
  });

  it('filters by recording and third-party ids', async () => {
    const ids = await search({ recordingIds: { include: [500003, 500001, 1] } });
    expect(ids.ids).toEqual([500001, 500003]);
    const ex = await search({ recordingIds: { include: [500003, 500001], exclude: [500001] } });
    expect(ex.ids).toEqual([500003]);
    const tp = await search({ thirdPartyIds: { include: ['CUCM-FIXTURE-0001'] } });
    expect(tp.ids).toEqual([500001]);
    const exTp = await search({
      endpointIds: { include: jane },
      thirdPartyIds: { exclude: ['CUCM-FIXTURE-0001'] },
    });
    expect(exTp.total).toBe(11);
    const everythingBut = await search({ recordingIds: { exclude: [500001] } });
    expect(everythingBut.total).toBe(dataset.recordings.length - 1);
  });

  it('matches free text over numbers, names, tags and third-party ids', async () => {
    const byName = await search({ freeText: '<!CHANNEL>', pageSize: 1000 });
    expect(byName.total).toBeGreaterThan(0);
    expect(
      byName.recordings.every((r: { people: { id: number }[] }) =>
        r.people.some((p) => p.id === FIXTURES.hostile.personId),
      ),
    ).toBe(true);
    const byNumber = await search({ freeText: FIXTURES.unknownNumber });
    expect(byNumber.total).toBe(
      dataset.recordings.filter((r) =>
        r.endpoints.some((e) => e.endpoint.endpoint === FIXTURES.unknownNumber),
      ).length,
    );
    expect((await search({ freeText: 'cucm-fixture-0002' })).ids).toEqual([500002]);
    const vip = await search({ freeText: 'vip', endpointIds: { include: jane } });
    expect(vip.ids).toEqual([500001, 500005, 500009]);
    expect((await search({ freeText: 'no such thing anywhere' })).total).toBe(0);
  });

  it('filters by start time (from and to inclusive)', async () => {
    const r = dataset.recordings[10];
    const from = r?.startDatetimeUTC ?? '';
    const res = await search({ startDatetimeUTC: { from }, pageSize: 1000 });
    expect(res.total).toBe(
      dataset.recordings.filter((x) => Date.parse(x.startDatetimeUTC) >= Date.parse(from)).length,
    );
    const window = await search({
      startDatetimeUTC: { from: '2026-10-01T00:00:00Z', to: '2026-10-02T00:00:00.000Z' },
      pageSize: 1000,
    });
    const expected = dataset.recordings.filter((x) => {
      const t = Date.parse(x.startDatetimeUTC);
      return t >= Date.parse('2026-10-01T00:00:00Z') && t <= Date.parse('2026-10-02T00:00:00Z');
    });
    expect(window.total).toBe(expected.length);
    expect(window.ids).toEqual(expected.map((x) => x.interactionId));
    const janeLastDay = await search({
      endpointIds: { include: jane },
      startDatetimeUTC: { from: '2026-10-31T12:00:00Z' },
    });
    expect(janeLastDay.ids).toEqual([500001, 500002]);
  });

  it('validates the body', async () => {
    expect((await search({ pageSize: 5000 })).pageSize).toBe(1000);
    expect((await search({ page: 0 })).status).toBe(400);
    expect((await search({ pageSize: 'ten' })).status).toBe(400);
    expect((await search({ recordingIds: { include: ['1'] } })).status).toBe(400);
    expect((await search({ startDatetimeUTC: { from: 'yesterday' } })).status).toBe(400);
    expect((await search([])).status).toBe(400);
  });
});
