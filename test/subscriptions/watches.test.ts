/**
 * What a poll works on (`watches.ts`): the active subscriptions of a real SQLite store, their
 * endpoints resolved through the Focus simulator over HTTP (a number by `endpoint.search`, a
 * person by `people.get`). Bad stored rows are skipped and said once, a cursor ahead of the clock
 * is read as now, and a target Focus cannot resolve waits for the next poll.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BadRecordKind } from '../../src/domain/subscription.js';
import { FIXTURES } from '../../src/sandbox/index.js';
import { openSqliteState, type SqliteState } from '../../src/state/sqlite.js';
import type { Subscription } from '../../src/state/subscriptions.js';
import { BadRecords } from '../../src/subscriptions/bad-records.js';
import { EndpointResolver } from '../../src/subscriptions/endpoints.js';
import { activeWatches } from '../../src/subscriptions/watches.js';
import { clientFor, startSimulator } from '../helpers/focus.js';
import { capturedLog, subscribe } from '../helpers/subscriptions.js';

const JANE = FIXTURES.jane;
const YEAR_MS = 365 * 86_400_000;

let sim: Awaited<ReturnType<typeof startSimulator>>;
let client: ReturnType<typeof clientFor>;
let store: SqliteState;
let log: ReturnType<typeof capturedLog>;
let bad: BadRecordKind[];
let read: (now?: Date) => ReturnType<typeof activeWatches>;
let focusCalls: number;

beforeAll(async () => {
  sim = await startSimulator();
  client = clientFor(sim);
});
afterAll(async () => {
  await client?.close();
  await sim?.close();
});
beforeEach(() => {
  store = openSqliteState(':memory:');
  log = capturedLog();
  bad = [];
  focusCalls = 0;
  const { logger } = log;
  const resolver = new EndpointResolver({
    sources: {
      ofNumber: async (phone) =>
        (await client.searchEndpoints({ type: 'phone', value: phone, pageSize: 1_000 })).items,
      ofPerson: async (id) => (await client.getPeople([id]))[0]?.endpoints ?? [],
    },
    ttlMs: 60_000,
    logger,
  });
  const sources = { store, resolver, bad: new BadRecords(logger, (k) => bad.push(k)), logger };
  read = async (now = new Date()) => {
    const counter = { focusCalls: 0 };
    const watches = await activeWatches({ ...sources, now: () => now }, counter);
    focusCalls += counter.focusCalls;
    return watches;
  };
});
afterEach(async () => {
  sim.setFaults({ forceStatus: undefined, forceEndpoints: undefined });
  await store.close();
});

/** A stored row as older data may hold it (the store keeps what it is given back). */
async function restore(subscription: Partial<Subscription>, newestStart?: string): Promise<number> {
  const row = {
    id: 1_000,
    team: 'T1',
    channel: 'C9',
    target: { kind: 'phone', phone: JANE.phone, display: 'x' },
    createdBy: 'U1',
    createdAt: new Date(Date.now() - 3_600_000).toISOString(),
    paused: undefined,
    ...subscription,
  } as Subscription;
  const cursor = { newestStart, idsAtNewest: newestStart ? [1] : [] };
  return (await store.restoreSubscription({ subscription: row, cursor, delivered: [] })).id;
}

describe('the active subscriptions as watches', () => {
  it('each with its stored cursor and the endpoints Focus lists; paused ones are not watched', async () => {
    const number = await subscribe(store, 'C1', JANE.phone);
    const added = await store.add(
      { team: 'T1', channel: 'C2', createdBy: 'U1', target: { kind: 'person', personId: 1, name: 'Jane' } },
      new Date(Date.now() - 3_600_000),
    );
    const paused = await subscribe(store, 'C3', FIXTURES.hostile.phone);
    await store.pause(paused.id, 'channel_archived', new Date());
    const posted = new Date(Date.now() - 60_000).toISOString();
    await store.markDelivered(number.id, { id: 7, start: posted }, new Date());

    const watches = await read();
    expect(watches.map((w) => w.subscription.id)).toEqual([number.id, added.subscription.id]);
    const [byNumber, byPerson] = watches;
    expect(byNumber?.cursor).toEqual({ newestStart: posted, idsAtNewest: [7] });
    expect(byNumber?.endpointIds).toEqual([JANE.phoneEndpointId]);
    expect([...(byNumber?.numbers ?? [])]).toEqual([JANE.phone]);
    expect(byPerson?.cursor.newestStart).toBeUndefined();
    expect(byPerson?.endpointIds).toEqual([JANE.phoneEndpointId, JANE.phone2EndpointId]);
    // One endpoint search (the number); a person's endpoints come from the directory.
    expect(focusCalls).toBe(1);
  });

  it('a stored row that cannot be polled is skipped and said once; the others are watched', async () => {
    const good = await subscribe(store, 'C1', JANE.phone);
    const broken = await restore({ createdAt: 'yesterday' });
    for (let i = 0; i < 2; i++) expect((await read()).map((w) => w.subscription.id)).toEqual([good.id]);
    expect(bad).toEqual(['subscription_invalid']);
    expect(log.logged('subscriptions.bad_record')).toEqual([
      expect.objectContaining({ subscription: broken, problem: 'createdAt is not a date' }),
    ]);
  });

  it('stored filters this version cannot read: the row is skipped (said once), not posted unfiltered', async () => {
    const good = await subscribe(store, 'C1', JANE.phone);
    const broken = await restore({
      filters: { directions: ['sideways'] } as unknown as Subscription['filters'],
    });
    expect((await read()).map((w) => w.subscription.id)).toEqual([good.id]);
    expect(log.logged('subscriptions.bad_record')).toEqual([
      expect.objectContaining({ subscription: broken, problem: 'filters name a direction that is not one' }),
    ]);
  });

  it('a cursor ahead of the clock is read as now (said once); one behind it is kept', async () => {
    const now = new Date();
    const ahead = await restore({ id: 1_000 }, new Date(now.getTime() + 5 * YEAR_MS).toISOString());
    const behind = new Date(now.getTime() - 60_000).toISOString();
    await restore({ id: 1_001, channel: 'C10' }, behind);
    for (let i = 0; i < 2; i++) {
      const [first, second] = await read(now);
      expect(first?.subscription.id).toBe(ahead);
      expect(first?.cursor).toEqual({ newestStart: now.toISOString(), idsAtNewest: [] });
      expect(second?.cursor).toEqual({ newestStart: behind, idsAtNewest: [1] });
    }
    expect(bad).toEqual(['cursor_in_future']);
  });

  it('a target Focus cannot resolve waits for the next poll; the others are watched', async () => {
    const number = await subscribe(store, 'C1', JANE.phone);
    const person = await store.add(
      { team: 'T1', channel: 'C2', createdBy: 'U1', target: { kind: 'person', personId: 1, name: 'Jane' } },
      new Date(Date.now() - 3_600_000),
    );
    sim.setFaults({ forceStatus: 500, forceEndpoints: ['endpoint.search'] });
    expect((await read()).map((w) => w.subscription.id)).toEqual([person.subscription.id]);
    expect(log.logged('subscriptions.endpoints_failed')).toEqual([
      expect.objectContaining({ level: 'warn', subscriptions: 1, effect: 'these wait for the next poll' }),
    ]);
    sim.setFaults({ forceStatus: undefined, forceEndpoints: undefined });
    expect((await read()).map((w) => w.subscription.id)).toEqual([number.id, person.subscription.id]);
  });

  it('a store that does not answer fails the read (the poll)', async () => {
    await subscribe(store, 'C1', JANE.phone);
    await store.close();
    await expect(read()).rejects.toThrow();
    store = openSqliteState(':memory:');
  });
});
