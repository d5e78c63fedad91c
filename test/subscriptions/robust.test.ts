/**
 * One bad record stops nobody: the real poller against the Focus simulator over HTTP, state in a
 * SQLite file of its own, posts into a recording publisher. A recording without a start, one dated
 * years ahead, a stored row whose date is not one, a cursor ahead of the clock, a number listed for
 * 5,000 owners, and 300 subscriptions of one number.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BadRecordKind } from '../../src/domain/subscription.js';
import { createLogger } from '../../src/log.js';
import { FIXTURES, generateDataset, type WireEndpoint, type WirePerson } from '../../src/sandbox/index.js';
import { openSqliteState, type SqliteState } from '../../src/state/sqlite.js';
import type { Subscription } from '../../src/state/subscriptions.js';
import { EndpointResolver } from '../../src/subscriptions/endpoints.js';
import { SubscriptionPoller } from '../../src/subscriptions/poller.js';
import type { PostResult, Publisher } from '../../src/subscriptions/publisher.js';
import { clientFor, startSimulator } from '../helpers/focus.js';
import { tempStatePath } from '../helpers/state.js';

const JANE = FIXTURES.jane.phone;
/** A switchboard number every one of 5,000 people lists as theirs. */
const SWITCHBOARD = '442079460000';
const OWNERS = 5_000;
const YEAR_MS = 365 * 86_400_000;

function datasetWithSwitchboard() {
  const base = generateDataset({ now: new Date() });
  const people: WirePerson[] = [];
  const endpoints: WireEndpoint[] = [];
  for (let i = 0; i < OWNERS; i++) {
    const person = { id: 900_000 + i, fullName: `Desk ${i}`, personType: 'subscriber' as const };
    const id = 800_000 + i;
    people.push({ ...person, endpoints: [{ endpoint: { id, endpoint: SWITCHBOARD, type: 'phone' } }] });
    endpoints.push({ id, endpoint: SWITCHBOARD, type: 'phone', personId: person.id, person });
  }
  return { ...base, people: [...base.people, ...people], endpoints: [...base.endpoints, ...endpoints] };
}

let sim: Awaited<ReturnType<typeof startSimulator>>;
let client: ReturnType<typeof clientFor>;
let state: ReturnType<typeof tempStatePath>;
let store: SqliteState;
let lines: string[];
let bad: BadRecordKind[];
let posts: Array<{ channel: string; recording: number }>;

const publisher: Publisher = {
  async recording({ subscriptions: [sub], recording }): Promise<PostResult> {
    posts.push({ channel: sub.channel, recording: recording.id });
    return { ok: true };
  },
  async summary(): Promise<PostResult> {
    return { ok: true };
  },
  async stopped() {},
};

const logged = (event: string) =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === event);

function poller() {
  const logger = createLogger({ level: 'debug', write: (l) => lines.push(l) });
  const resolver = new EndpointResolver({
    sources: {
      ofNumber: async (phone) =>
        (await client.searchEndpoints({ type: 'phone', value: phone, pageSize: 1_000 })).items,
      ofPerson: async () => [],
    },
    ttlMs: 60_000,
    logger,
  });
  return new SubscriptionPoller({
    store,
    client,
    endpoints: resolver.sources,
    resolver,
    publisher,
    logger,
    intervalMs: 60_000,
    onBadRecord: (kind) => bad.push(kind),
  });
}

/** A poll, and the posts it queued. */
async function pollAndDeliver(p: SubscriptionPoller) {
  const report = await p.poll();
  await p.stop();
  return report;
}

/** Made a moment ago: recordings other tests added before are history, not news. */
async function subscribe(channel: string, phone: string = JANE, team = 'T1'): Promise<Subscription> {
  const created = new Date();
  const target = { kind: 'phone', phone, display: `+${phone}` } as const;
  return (await store.add({ team, channel, createdBy: 'U1', target }, created)).subscription;
}

const postedIn = (channel: string) => posts.filter((p) => p.channel === channel).map((p) => p.recording);

beforeAll(async () => {
  sim = await startSimulator({ dataset: datasetWithSwitchboard() });
  client = clientFor(sim);
});
afterAll(async () => {
  await client?.close();
  await sim?.close();
});
beforeEach(async () => {
  // Past the recordings earlier tests added (a few ms ahead of their clock).
  await new Promise((r) => setTimeout(r, 20));
  state = tempStatePath();
  store = openSqliteState(state.path);
  lines = [];
  bad = [];
  posts = [];
});
afterEach(async () => {
  await store.close();
  state.remove();
});

describe('a bad recording', () => {
  it('without a start: skipped, logged and counted once, and every other subscription still posts', async () => {
    await subscribe('C1');
    await subscribe('C2', FIXTURES.jane.phone2);
    const p = poller();
    const broken = sim.addRecording({ phone: JANE, startsAt: Date.now() + 1, withoutStart: true });
    expect(broken).not.toHaveProperty('startDatetimeUTC');
    const good = sim.addRecording({ phone: JANE, startsAt: Date.now() + 2 });
    const other = sim.addRecording({ phone: FIXTURES.jane.phone2, startsAt: Date.now() + 2 });

    const first = await pollAndDeliver(p);
    expect(first.ok).toBe(true);
    expect(postedIn('C1')).toEqual([good.interactionId]);
    expect(postedIn('C2')).toEqual([other.interactionId]);
    const again = await pollAndDeliver(p);
    expect(again.ok).toBe(true);
    // Once per record per process, not at every poll.
    const lines = logged('subscriptions.bad_record');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ kind: 'recording_invalid', recording: broken.interactionId });
    expect(String(lines[0]?.problem)).toContain('startDatetimeUTC');
    expect(bad).toEqual(['recording_invalid']);
  });

  it('dated five years ahead: not posted, the cursor stays, later recordings and later subscribers still get theirs', async () => {
    const sub = await subscribe('C3');
    const p = poller();
    const future = sim.addRecording({ phone: JANE, startsAt: Date.now() + 5 * YEAR_MS });
    const now = sim.addRecording({ phone: JANE, startsAt: Date.now() + 2 });
    await pollAndDeliver(p);
    expect(postedIn('C3')).toEqual([now.interactionId]);
    const cursor = await store.cursor(sub.id);
    expect(Date.parse(cursor.newestStart ?? '')).toBeLessThanOrEqual(Date.now());

    await subscribe('C4');
    const later = sim.addRecording({ phone: JANE, startsAt: Date.now() + 3 });
    await pollAndDeliver(p);
    await pollAndDeliver(p);
    expect(postedIn('C3')).toEqual([now.interactionId, later.interactionId]);
    // C4 was made after `now` started: only what came after.
    expect(postedIn('C4')).toEqual([later.interactionId]);
    expect(posts.some((x) => x.recording === future.interactionId)).toBe(false);
    expect(logged('subscriptions.bad_record')).toEqual([
      expect.objectContaining({ kind: 'recording_in_future', recording: future.interactionId }),
    ]);
  });
});

describe('a bad stored row', () => {
  it('a subscription whose createdAt is not a date is skipped; the others post', async () => {
    const good = await subscribe('C5');
    const { id } = await store.restoreSubscription({
      subscription: {
        id: 1_000,
        team: 'T1',
        channel: 'C6',
        target: { kind: 'phone', phone: JANE, display: 'x' },
        createdBy: 'U1',
        createdAt: 'yesterday',
        paused: undefined,
      },
      cursor: { newestStart: undefined, idsAtNewest: [] },
      delivered: [],
    });
    const p = poller();
    const r = sim.addRecording({ phone: JANE, startsAt: Date.now() + 2 });
    const report = await pollAndDeliver(p);
    expect(report.ok).toBe(true);
    expect(postedIn('C5')).toEqual([r.interactionId]);
    expect(postedIn('C6')).toEqual([]);
    await pollAndDeliver(p);
    const rows = logged('subscriptions.bad_record').filter((l) => l.kind === 'subscription_invalid');
    expect(rows).toEqual([
      expect.objectContaining({
        kind: 'subscription_invalid',
        subscription: id,
        problem: 'createdAt is not a date',
      }),
    ]);
    expect(good.id).not.toBe(id);
  });

  it('a cursor ahead of the clock (older data) is read as now: new recordings post', async () => {
    await store.restoreSubscription({
      subscription: {
        id: 2_000,
        team: 'T1',
        channel: 'C7',
        target: { kind: 'phone', phone: JANE, display: 'x' },
        createdBy: 'U1',
        createdAt: new Date().toISOString(),
        paused: undefined,
      },
      cursor: { newestStart: new Date(Date.now() + 5 * YEAR_MS).toISOString(), idsAtNewest: [1] },
      delivered: [],
    });
    const p = poller();
    const r = sim.addRecording({ phone: JANE, startsAt: Date.now() + 3 });
    await pollAndDeliver(p);
    expect(postedIn('C7')).toEqual([r.interactionId]);
    // (The recording five years ahead another test added is counted too: each poller is a process.)
    expect(bad.filter((k) => k !== 'recording_in_future')).toEqual(['cursor_in_future']);
  });
});

describe('what a poll costs', () => {
  it('a number with 5,000 owners follows 20 endpoints: one endpoint search and one recording search, said once', async () => {
    await subscribe('C8', SWITCHBOARD);
    const p = poller();
    const r = sim.addRecording({ phone: SWITCHBOARD, startsAt: Date.now() + 2 });
    const first = await pollAndDeliver(p);
    expect(first).toMatchObject({ ok: true, endpoints: 20, focusCalls: 2 });
    expect(postedIn('C8')).toEqual([r.interactionId]);
    const second = await pollAndDeliver(p);
    // The endpoints are kept: only the recording search.
    expect(second).toMatchObject({ ok: true, endpoints: 20, focusCalls: 1 });
    expect(logged('subscriptions.endpoints_capped')).toEqual([
      // Asked for a page of 1,000: enough to know it is far past the limit.
      expect.objectContaining({ listed: 1_000, followed: 20 }),
    ]);
  });

  it('300 subscriptions of one number: one endpoint search per poll, counted in the poll', async () => {
    for (let i = 0; i < 300; i++) await subscribe(`CMANY${i}`, JANE, `T${i % 3}`);
    const p = poller();
    sim.resetStats();
    const first = await pollAndDeliver(p);
    expect(first).toMatchObject({ ok: true, subscriptions: 300, focusCalls: 2 });
    const calls = sim.requests().filter((q) => q.endpoint === 'endpoint.search');
    expect(calls).toHaveLength(1);
  });
});
