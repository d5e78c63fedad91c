/**
 * The poll's scan of Focus (`search.ts`) against the simulator over HTTP, a fresh one per test
 * (it sorts newest first and filters by date, as the tenants met so far do): chunks of endpoint
 * ids, pages, the early stop between sweeps and the sweep that reads everything, and a recording
 * dated ahead of the clock held back until it is due.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BadRecordKind } from '../../src/domain/subscription.js';
import { FIXTURES } from '../../src/sandbox/index.js';
import type { Subscription } from '../../src/state/subscriptions.js';
import { BadRecords } from '../../src/subscriptions/bad-records.js';
import { RecordingSearch, type SearchOptions } from '../../src/subscriptions/search.js';
import { clientFor, startSimulator } from '../helpers/focus.js';
import { capturedLog, watchOf } from '../helpers/subscriptions.js';

const JANE = FIXTURES.jane;
const YEAR_MS = 365 * 86_400_000;

let sim: Awaited<ReturnType<typeof startSimulator>>;
let client: ReturnType<typeof clientFor>;
let bad: BadRecordKind[];
/** The subscriptions' creation: the generated data is older, so only what a test adds is recent. */
let since: number;

beforeEach(async () => {
  sim = await startSimulator();
  client = clientFor(sim);
  bad = [];
  since = Date.now() - 60_000;
});
afterEach(async () => {
  await client.close();
  await sim.close();
});

function search(options: Partial<SearchOptions> = {}, now = () => new Date()) {
  const { logger } = capturedLog();
  const found = new BadRecords(logger, (k) => bad.push(k));
  return new RecordingSearch({ client, logger, bad: found, now, lookbackMs: 6 * 3_600_000, ...options });
}

/** A watch of Jane's number (or of these endpoints), made at `since`. */
function watch(endpointIds: number[] = [JANE.phoneEndpointId]) {
  const subscription: Subscription = {
    id: 1,
    team: 'T1',
    channel: 'C1',
    target: { kind: 'phone', phone: JANE.phone, display: 'x' },
    createdBy: 'U1',
    createdAt: new Date(since).toISOString(),
    paused: undefined,
  };
  return watchOf(subscription, endpointIds);
}

/** One poll's search: the ids found, and the Focus calls it made. */
async function poll(s: RecordingSearch, watches = [watch()]) {
  const report = { focusCalls: 0, endpoints: 0 };
  const found = await s.recent(watches, report);
  return { ids: sorted([...found.keys()]), ...report };
}

const sorted = (ids: Array<number | undefined>) => [...ids].sort((a, b) => (a ?? 0) - (b ?? 0));

const add = (at: number, phone: string = JANE.phone) =>
  sim.addRecording({ phone, startsAt: at }).interactionId;

describe('the recording search', () => {
  it('between sweeps it stops at the first page with nothing unseen; a sweep reads every page', async () => {
    const s = search({ pageSize: 2, sweepEveryPolls: 3 });
    const six = [1, 2, 3, 4, 5, 6].map((k) => add(since + k * 5_000));
    // The first poll is a sweep: three pages of two.
    expect(await poll(s)).toMatchObject({ ids: sorted(six), focusCalls: 3, endpoints: 1 });
    // Nothing new: the first page (the newest two, already seen) ends it.
    expect(await poll(s)).toMatchObject({ ids: sorted(six.slice(4)), focusCalls: 1 });
    // A new one on top, and one that appears late (a long call) and sorts below all the others.
    const newest = add(since + 40_000);
    const late = add(since + 1_000);
    const between = await poll(s);
    expect(between).toMatchObject({ ids: sorted([newest, six[5]]), focusCalls: 1 });
    // The third poll after the first sweep: every page again, and the late one is found.
    const sweep = await poll(s);
    expect(sweep.focusCalls).toBe(4);
    expect(sweep.ids).toEqual(sorted([...six, newest, late]));
  });

  it('endpoint ids are searched in chunks, each followed endpoint once', async () => {
    const s = search({ idsPerSearch: 2 });
    const hostile = add(since + 1_000, FIXTURES.hostile.phone);
    const mine = add(since + 2_000, JANE.phone2);
    const watches = [
      watch([JANE.phoneEndpointId, JANE.phone2EndpointId]),
      watch([JANE.phone2EndpointId, FIXTURES.hostile.endpointId]),
    ];
    expect(await poll(s, watches)).toEqual({ ids: sorted([hostile, mine]), endpoints: 3, focusCalls: 2 });
    sim.resetStats();
    await poll(s, watches);
    const asked = sim.requests().filter((q) => q.endpoint === 'recording.search');
    expect(asked).toHaveLength(2);
  });

  it('a recording dated ahead of the clock is held back (said once) until it is due', async () => {
    let clock = Date.now();
    const s = search({}, () => new Date(clock));
    const ahead = add(Date.now() + YEAR_MS);
    const now = add(since + 1_000);
    // Held back: nothing can post it or move a cursor to it.
    for (let i = 0; i < 2; i++) expect((await poll(s)).ids).toEqual([now]);
    expect(bad).toEqual(['recording_in_future']);
    clock = Date.now() + YEAR_MS + 60_000;
    expect((await poll(s)).ids).toEqual(sorted([ahead, now]));
  });

  it('no followed endpoint: no search', async () => {
    expect(await poll(search(), [watch([])])).toEqual({ ids: [], endpoints: 0, focusCalls: 0 });
  });
});
