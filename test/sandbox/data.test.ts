import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { FIXTURES, generateDataset } from '../../src/sandbox/index.js';

const data = generateDataset();
const DAY = 86_400_000;
const nowMs = Date.parse(FIXTURES.now);
const byId = new Map(data.people.map((p) => [p.id, p]));

describe('generateDataset', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(JSON.stringify(generateDataset({ seed: 42 }))).toBe(JSON.stringify(data));
    const other = generateDataset({ seed: 7 });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(data));
    expect(other.recordings.map((r) => r.startDatetimeUTC)).not.toEqual(
      data.recordings.map((r) => r.startDatetimeUTC),
    );
  });

  it('defaults to seed 42 at FIXTURES.now and follows a given now', () => {
    expect(data.seed).toBe(42);
    expect(data.now).toBe(FIXTURES.now);
    const later = generateDataset({ now: new Date('2027-03-01T09:30:00Z') });
    expect(Date.parse(later.recordings[0]?.startDatetimeUTC ?? '')).toBeLessThan(
      Date.parse('2027-03-01T09:30:00Z'),
    );
    expect(Date.parse(later.recordings[0]?.startDatetimeUTC ?? '')).toBeGreaterThan(
      Date.parse('2027-02-28T00:00:00Z'),
    );
  });

  it('has the promised volumes', () => {
    expect(data.people.length).toBeGreaterThanOrEqual(200);
    expect(data.endpoints.length).toBeGreaterThanOrEqual(400);
    expect(data.recordings.length).toBeGreaterThanOrEqual(5000);
    expect(data.users).toHaveLength(21);
    expect(data.retentionGroups.length).toBeGreaterThanOrEqual(3);
    expect(data.retentionGroups.filter((g) => g.default)).toHaveLength(1);
    const types = new Set(data.people.map((p) => p.personType));
    expect([...types].sort()).toEqual(['contact', 'subscriber', 'user']);
  });

  it('puts every recording in the 90 days before now, newest first, with realistic durations', () => {
    const problems: string[] = [];
    const bad = (r: { interactionId: number }, why: string) => problems.push(`${r.interactionId}: ${why}`);
    let prev = Number.POSITIVE_INFINITY;
    for (const r of data.recordings) {
      const t = Date.parse(r.startDatetimeUTC);
      if (!(t < nowMs && t > nowMs - 90 * DAY)) bad(r, 'outside the window');
      if (t > prev) bad(r, 'out of order');
      prev = t;
      if (!r.startDatetimeUTC.endsWith('Z') || !r.endDatetimeUTC.endsWith('Z')) bad(r, 'not UTC');
      if (r.endpoints.length !== 2) bad(r, 'not two parties');
      const d = r.durationSeconds;
      if (r.mediaType === 'sms' && d !== 0) bad(r, 'sms with a duration');
      if (r.mediaType === 'call' && (d < 20 || d > 2400)) bad(r, `call of ${d}s`);
      if (r.mediaType === 'teams' && (d < 300 || d > 5400)) bad(r, `teams of ${d}s`);
      if (Date.parse(r.endDatetimeUTC) - t !== d * 1000) bad(r, 'end does not match duration');
    }
    expect(problems).toEqual([]);
    const calls = data.recordings.filter((r) => r.mediaType === 'call').map((r) => r.durationSeconds);
    const median = calls.sort((a, b) => a - b)[Math.floor(calls.length / 2)] ?? 0;
    expect(median).toBeLessThan(300);
    expect(data.recordings.some((r) => /\.\d+Z$/.test(r.startDatetimeUTC))).toBe(true);
    expect(data.recordings.some((r) => /:\d\dZ$/.test(r.startDatetimeUTC))).toBe(true);
    expect(new Set(data.recordings.map((r) => r.mediaType))).toEqual(new Set(['call', 'sms', 'teams']));
    expect(new Set(data.recordings.map((r) => r.direction))).toEqual(
      new Set(['inbound', 'outbound', 'internal']),
    );
  });

  it('keeps ids unique and references consistent', () => {
    const unique = (xs: unknown[]) => new Set(xs).size === xs.length;
    expect(unique(data.people.map((p) => p.id))).toBe(true);
    expect(unique(data.endpoints.map((e) => e.id))).toBe(true);
    expect(unique(data.recordings.map((r) => r.interactionId))).toBe(true);
    expect(unique(data.recordings.map((r) => r.thirdPartyId))).toBe(true);
    expect(unique(Object.values(data.comments).flatMap((cs) => cs.map((c) => c.id)))).toBe(true);
    const endpoints = new Map(data.endpoints.map((e) => [e.id, e]));
    for (const e of data.endpoints) {
      const owner = byId.get(e.personId);
      expect(owner?.endpoints.some((h) => h.endpoint.id === e.id)).toBe(true);
      expect(e.person.fullName).toBe(owner?.fullName);
    }
    for (const r of data.recordings) {
      for (const { endpoint } of r.endpoints) {
        if (endpoint.id !== undefined) expect(endpoints.get(endpoint.id)?.endpoint).toBe(endpoint.endpoint);
      }
      for (const p of r.people) expect(byId.get(p.id)?.fullName).toBe(p.fullName);
    }
  });

  it('uses phone numbers libphonenumber-js accepts (except the documented drama number)', () => {
    const phones = new Set([
      ...data.endpoints.filter((e) => e.type === 'phone').map((e) => e.endpoint),
      ...data.recordings.flatMap((r) =>
        r.endpoints.filter((e) => e.endpoint.type === 'phone').map((e) => e.endpoint.endpoint),
      ),
    ]);
    const invalid = [...phones].filter((n) => !parsePhoneNumberFromString(`+${n}`)?.isValid());
    expect(invalid).toEqual([FIXTURES.jane.phone]);
    expect([...phones].every((n) => /^\d{10,15}$/.test(n))).toBe(true);
    const countries = new Set([...phones].map((n) => parsePhoneNumberFromString(`+${n}`)?.country));
    expect(countries).toEqual(new Set(['GB', 'US', 'IE', undefined]));
  });

  it('contains the hostile fixtures', () => {
    const jane = byId.get(FIXTURES.jane.personId);
    expect(jane?.fullName).toBe('Jane Smith');
    expect(jane?.endpoints.map((e) => e.endpoint.endpoint)).toEqual([
      FIXTURES.jane.phone,
      FIXTURES.jane.phone2,
      FIXTURES.jane.email,
    ]);
    expect(jane?.endpoints.map((e) => e.endpoint.id)).toEqual([
      FIXTURES.jane.phoneEndpointId,
      FIXTURES.jane.phone2EndpointId,
      FIXTURES.jane.emailEndpointId,
    ]);
    expect(byId.get(FIXTURES.hostile.personId)?.fullName).toBe(
      '<!channel> *Bob* & <@U123> <https://evil.example|click>',
    );
    expect(byId.get(FIXTURES.hostile.personId)?.endpoints[0]?.endpoint.endpoint).toBe('442079460958');
    expect(byId.get(FIXTURES.accented.personId)?.fullName).toBe('Zoë Ó Súilleabháin');
    expect(byId.get(FIXTURES.longName.personId)?.fullName).toHaveLength(300);
    expect(byId.get(FIXTURES.manyEndpoints.personId)?.endpoints).toHaveLength(20);
    expect(byId.get(FIXTURES.noEndpoints.personId)?.endpoints).toEqual([]);
    expect(data.people.some((p) => /\p{Extended_Pictographic}/u.test(p.fullName))).toBe(true);
    const owners = data.endpoints.filter((e) => e.endpoint === FIXTURES.sharedNumber.phone);
    expect(owners.map((e) => e.personId)).toEqual([...FIXTURES.sharedNumber.personIds]);
    expect(owners.map((e) => e.id)).toEqual([...FIXTURES.sharedNumber.endpointIds]);
  });

  it('has an unowned number on recordings', () => {
    expect(data.endpoints.some((e) => e.endpoint === FIXTURES.unknownNumber)).toBe(false);
    const on = data.recordings.filter((r) =>
      r.endpoints.some((e) => e.endpoint.endpoint === FIXTURES.unknownNumber),
    );
    expect(on.length).toBeGreaterThanOrEqual(3);
    for (const r of on) {
      const ep = r.endpoints.find((e) => e.endpoint.endpoint === FIXTURES.unknownNumber);
      expect(ep?.endpoint.id).toBeUndefined();
    }
  });

  it('gives Jane exactly her fixture recordings, newest first', () => {
    const janeIds = new Set<number>([
      FIXTURES.jane.phoneEndpointId,
      FIXTURES.jane.phone2EndpointId,
      FIXTURES.jane.emailEndpointId,
    ]);
    const hers = data.recordings.filter((r) => r.endpoints.some((e) => janeIds.has(e.endpoint.id ?? -1)));
    expect(hers.map((r) => r.interactionId)).toEqual([...FIXTURES.jane.recordingIds]);
    expect(hers.length).toBeGreaterThanOrEqual(8);
  });

  it('has comments: mostly 0-3 per recording, 60 on the fixture', () => {
    expect(data.comments[FIXTURES.manyComments.recordingId]).toHaveLength(60);
    const counts = data.recordings.map((r) => data.comments[r.interactionId]?.length ?? 0);
    const small = counts.filter((n) => n <= 3).length;
    expect(small / counts.length).toBeGreaterThan(0.99);
    expect(counts.filter((n) => n === 0).length).toBeGreaterThan(counts.length / 3);
    const recs = new Map(data.recordings.map((r) => [r.interactionId, r]));
    for (const [id, list] of Object.entries(data.comments)) {
      const rec = recs.get(Number(id));
      expect(rec).toBeDefined();
      for (const c of list) {
        expect(c.endOffset).toBeGreaterThanOrEqual(c.startOffset);
        expect(Date.parse(c.createdDatetimeUTC)).toBeLessThanOrEqual(nowMs);
      }
    }
  });

  it('has portal users with roles and rights, one of them disabled', () => {
    const jane = data.users.find((u) => u.username === FIXTURES.users.jane.username);
    expect(jane).toMatchObject({ id: FIXTURES.users.jane.id, enabled: true });
    expect(jane?.rolesAndRights).toEqual(
      expect.arrayContaining(['Admin', 'Recording.View', 'Recording.Play']),
    );
    expect(data.users.find((u) => u.id === FIXTURES.users.disabled.id)?.enabled).toBe(false);
    const roles = new Set(data.users.flatMap((u) => u.rolesAndRights.filter((r) => !r.includes('.'))));
    expect(roles).toEqual(new Set(['Admin', 'Compliance Officer', 'Supervisor', 'Auditor', 'Viewer']));
    // The viewer sees people, not recordings: the rights tests' linked user without Recording.View.
    expect(data.users.find((u) => u.id === FIXTURES.users.viewer.id)?.rolesAndRights).toEqual([
      'Viewer',
      'People.View',
    ]);
    expect(data.users.every((u) => u.username.includes('@'))).toBe(true);
  });
});
