/**
 * The behaviour every state backend owes its callers, as reusable suites: a backend's test file
 * calls `describeStateStore` and/or `describeSubscriptionStore` with a way to make a fresh,
 * empty place for one test and to open it (more than once, for the restart tests).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { StateStore, SubscriptionStore, SubscriptionTarget } from '../../src/state/index.js';
import type { SubscriptionArchive, SubscriptionRecord } from '../../src/state/snapshot.js';
import type { WorkspaceSubscriptions } from '../../src/state/subscriptions.js';

/** One test's storage: opened any number of times (each open sees what earlier ones wrote). */
export interface Place<T> {
  open(now: () => number): Promise<T> | T;
  /** Removes what the place holds (called after the test, once every opened store is closed). */
  destroy(): Promise<void> | void;
}

export interface ContractOptions {
  /** The backend keeps what it holds across a close and a new open (default true). */
  durable?: boolean;
  /** The backend keeps time itself (e.g. Redis TTLs): the clock really waits instead of jumping. */
  realTime?: boolean;
}

interface Harness<T> {
  open(): Promise<T>;
  /** Closes every store this test opened. */
  closeAll(): Promise<void>;
  advance(ms: number): Promise<void>;
}

function harness<T extends { close(): Promise<void> }>(
  make: () => Promise<Place<T>> | Place<T>,
  options: ContractOptions,
): { current(): Harness<T> } {
  let h: Harness<T> | undefined;
  let place: Place<T> | undefined;
  let opened: T[] = [];
  let fake = 1_750_000_000_000;
  const now = options.realTime ? Date.now : () => fake;
  afterEach(async () => {
    await h?.closeAll();
    await place?.destroy();
    h = undefined;
    place = undefined;
  });
  return {
    current() {
      h ??= {
        async open() {
          place ??= await make();
          const store = await place.open(now);
          opened.push(store);
          return store;
        },
        async closeAll() {
          for (const s of opened) await s.close();
          opened = [];
        },
        async advance(ms) {
          if (options.realTime) await new Promise((r) => setTimeout(r, ms));
          else fake += ms;
        },
      };
      return h;
    },
  };
}

export function describeStateStore(
  name: string,
  make: () => Promise<Place<StateStore>> | Place<StateStore>,
  options: ContractOptions = {},
): void {
  describe(`${name}: StateStore contract`, () => {
    const t = harness(make, options);

    it('claim: the first caller wins until the TTL passes, then the next one does', async () => {
      const h = t.current();
      const store = await h.open();
      expect(await store.claim('event:1', 300)).toBe(true);
      expect(await store.claim('event:1', 300)).toBe(false);
      await h.advance(200);
      expect(await store.claim('event:1', 300)).toBe(false);
      await h.advance(150);
      expect(await store.claim('event:1', 300, 'again')).toBe(true);
      expect(await store.get('event:1')).toBe('again');
    });

    it('claim is atomic for racing callers: exactly one of 50 wins', async () => {
      const store = await t.current().open();
      const won = await Promise.all(Array.from({ length: 50 }, () => store.claim('race', 60_000)));
      expect(won.filter(Boolean)).toHaveLength(1);
    });

    it('claim keeps its value; a lost claim does not overwrite it', async () => {
      const store = await t.current().open();
      expect(await store.claim('unfurl:C1:x', 60_000, 'first')).toBe(true);
      expect(await store.claim('unfurl:C1:x', 60_000, 'second')).toBe(false);
      expect(await store.get('unfurl:C1:x')).toBe('first');
      expect(await store.claim('plain', 60_000)).toBe(true);
      expect(await store.get('plain')).toBe('1');
    });

    it('get, set (overwrites value and TTL) and expiry', async () => {
      const h = t.current();
      const store = await h.open();
      expect(await store.get('linked:U1')).toBeUndefined();
      await store.set('linked:U1', 'yes', 200);
      expect(await store.get('linked:U1')).toBe('yes');
      await store.set('linked:U1', 'no', 600);
      await h.advance(300);
      expect(await store.get('linked:U1')).toBe('no');
      await h.advance(400);
      expect(await store.get('linked:U1')).toBeUndefined();
    });

    it('set over a claim replaces it; release forgets a key so it can be claimed again', async () => {
      const store = await t.current().open();
      expect(await store.claim('sig:abc', 60_000)).toBe(true);
      await store.set('sig:abc', 'v', 60_000);
      expect(await store.get('sig:abc')).toBe('v');
      await store.release('sig:abc');
      expect(await store.get('sig:abc')).toBeUndefined();
      expect(await store.claim('sig:abc', 60_000)).toBe(true);
      await store.release('never-set');
    });

    it('keys and values are any strings (unicode, quotes, long)', async () => {
      const store = await t.current().open();
      const key = `event:${'é\'"%_\u0000'.repeat(3)}${'k'.repeat(500)}`;
      const value = `{"json":"yes"} ✓ ${'v'.repeat(5_000)}`;
      await store.set(key, value, 60_000);
      expect(await store.get(key)).toBe(value);
      expect(await store.get(key.slice(0, -1))).toBeUndefined();
    });

    it.runIf(options.durable ?? true)('keys survive a close and a new open, TTLs included', async () => {
      const h = t.current();
      const first = await h.open();
      await first.set('kept', 'v', 500);
      expect(await first.claim('claimed', 60_000)).toBe(true);
      await first.close();
      const second = await h.open();
      expect(await second.get('kept')).toBe('v');
      expect(await second.claim('claimed', 60_000)).toBe(false);
      await h.advance(600);
      expect(await second.get('kept')).toBeUndefined();
    });
  });
}

const JANE: Extract<SubscriptionTarget, { kind: 'phone' }> = {
  kind: 'phone',
  phone: '447700900123',
  display: '+44 7700 900123',
};
const HARRIET: Extract<SubscriptionTarget, { kind: 'person' }> = {
  kind: 'person',
  personId: 1002,
  name: 'Harriet Quill',
};
const T0 = new Date('2026-11-28T09:00:00.000Z');

export function describeSubscriptionStore(
  name: string,
  make: () => Promise<Place<SubscriptionStore>> | Place<SubscriptionStore>,
  options: ContractOptions = {},
): void {
  describe(`${name}: SubscriptionStore contract`, () => {
    const t = harness(make, options);
    const sub = (
      channel: string,
      target: SubscriptionTarget,
      createdBy = 'U1',
      team: string | undefined = 'T1',
    ) => ({
      team,
      channel,
      target,
      createdBy,
    });

    it('add: a new subscription gets an id, its creator and time; nothing is paused', async () => {
      const store = await t.current().open();
      const a = await store.add(sub('C1', JANE), T0);
      expect(a.added).toBe(true);
      expect(a.subscription).toEqual({
        id: expect.any(Number),
        team: 'T1',
        channel: 'C1',
        target: JANE,
        createdBy: 'U1',
        createdAt: T0.toISOString(),
        paused: undefined,
      });
      const b = await store.add({ ...sub('C1', HARRIET, 'U2'), team: undefined }, T0);
      expect(b.subscription.target).toEqual(HARRIET);
      expect(b.subscription.team).toBeUndefined();
      expect(b.subscription.id).toBeGreaterThan(a.subscription.id);
    });

    it('add: the same number or person twice in one channel is a no-op returning the first', async () => {
      const store = await t.current().open();
      const first = await store.add(sub('C1', JANE), T0);
      const again = await store.add(sub('C1', { ...JANE, display: '07700 900123' }, 'U9'), new Date());
      expect(again).toEqual({ added: false, subscription: first.subscription });
      const person = await store.add(sub('C1', HARRIET), T0);
      const renamed = await store.add(sub('C1', { ...HARRIET, name: 'H. Quill' }), T0);
      expect(renamed).toEqual({ added: false, subscription: person.subscription });
      // Another channel, or another number, is another subscription.
      expect((await store.add(sub('C2', JANE), T0)).added).toBe(true);
      expect((await store.add(sub('C1', { ...JANE, phone: '447700900124' }), T0)).added).toBe(true);
      expect(await store.list('C1')).toHaveLength(3);
    });

    it('filters and format: kept as given, read back by every read; none given, none read', async () => {
      const store = await t.current().open();
      const filters = { directions: ['inbound', 'internal'] as const, longerThanSeconds: 150 };
      const tuned = await store.add(
        {
          ...sub('C1', JANE),
          filters: { ...filters, directions: [...filters.directions] },
          format: 'compact',
        },
        T0,
      );
      expect(tuned.subscription).toMatchObject({ filters, format: 'compact' });
      const plain = (await store.add(sub('C1', HARRIET), T0)).subscription;
      expect(plain).not.toHaveProperty('filters');
      expect(plain).not.toHaveProperty('format');
      for (const list of [await store.list('C1'), await store.active(), await store.createdBy('U1')])
        expect(list).toEqual([tuned.subscription, plain]);
      // The same target again: the first, as it was (`tune` changes it).
      expect((await store.add(sub('C1', JANE), T0)).subscription).toEqual(tuned.subscription);
    });

    it('tune: sets, changes and clears the filters and format; a removed id is left alone', async () => {
      const store = await t.current().open();
      const { id } = (await store.add(sub('C1', JANE), T0)).subscription;
      await store.tune(id, { filters: { directions: ['outbound'] } });
      expect((await store.list('C1'))[0]).toMatchObject({ filters: { directions: ['outbound'] } });
      expect((await store.list('C1'))[0]).not.toHaveProperty('format');
      await store.tune(id, { filters: { longerThanSeconds: 60 }, format: 'compact' });
      expect((await store.active())[0]).toMatchObject({
        filters: { longerThanSeconds: 60 },
        format: 'compact',
      });
      await store.tune(id, { filters: {}, format: 'full' });
      const cleared = (await store.list('C1'))[0];
      expect(cleared).not.toHaveProperty('filters');
      expect(cleared).not.toHaveProperty('format');
      await store.remove('C1', [id]);
      await store.tune(id, { format: 'compact' });
      expect(await store.list('C1')).toEqual([]);
    });

    it('countTeam: every subscription of the workspace, paused ones included; none for another', async () => {
      const store = await t.current().open();
      expect(await store.countTeam('T1')).toBe(0);
      await store.add(sub('C1', JANE), T0);
      const paused = await store.add(sub('C2', JANE), T0);
      await store.pause(paused.subscription.id, 'is_archived', T0);
      await store.add(sub('C3', JANE, 'U1', 'T2'), T0);
      await store.add({ ...sub('C4', JANE), team: undefined }, T0);
      expect(await store.countTeam('T1')).toBe(2);
      expect(await store.countTeam('T2')).toBe(1);
      expect(await store.countTeam(undefined)).toBe(1);
      expect(await store.countTeam('T3')).toBe(0);
    });

    it('racing adds of the same target: exactly one is added', async () => {
      const store = await t.current().open();
      const results = await Promise.all(Array.from({ length: 20 }, () => store.add(sub('C1', JANE), T0)));
      expect(results.filter((r) => r.added)).toHaveLength(1);
      expect(new Set(results.map((r) => r.subscription.id)).size).toBe(1);
    });

    it('list: one channel, oldest first; active: every channel, paused ones left out', async () => {
      const store = await t.current().open();
      const a = (await store.add(sub('C1', JANE), T0)).subscription;
      const b = (await store.add(sub('C2', JANE), T0)).subscription;
      const c = (await store.add(sub('C1', HARRIET), T0)).subscription;
      expect((await store.list('C1')).map((s) => s.id)).toEqual([a.id, c.id]);
      expect(await store.list('C3')).toEqual([]);
      expect((await store.active()).map((s) => s.id)).toEqual([a.id, b.id, c.id]);

      const at = new Date('2026-11-28T10:00:00.000Z');
      await store.pause(b.id, 'channel_not_found', at);
      expect((await store.active()).map((s) => s.id)).toEqual([a.id, c.id]);
      expect((await store.list('C2'))[0]?.paused).toEqual({
        reason: 'channel_not_found',
        at: at.toISOString(),
      });
      await store.resume(b.id);
      expect((await store.active()).map((s) => s.id)).toEqual([a.id, b.id, c.id]);
      expect((await store.list('C2'))[0]?.paused).toBeUndefined();
    });

    it("createdBy: one user's subscriptions in every channel, paused ones included, oldest first", async () => {
      const store = await t.current().open();
      const a = (await store.add(sub('C2', JANE, 'U1'), T0)).subscription;
      await store.add(sub('C1', JANE, 'U2'), T0);
      const c = (await store.add(sub('C1', HARRIET, 'U1', 'T2'), T0)).subscription;
      await store.pause(a.id, 'is_archived', T0);
      const mine = await store.createdBy('U1');
      expect(mine.map((s) => [s.id, s.channel])).toEqual([
        [a.id, 'C2'],
        [c.id, 'C1'],
      ]);
      expect(mine[0]?.paused?.reason).toBe('is_archived');
      expect(await store.createdBy('U3')).toEqual([]);
      await store.remove('C2', [a.id]);
      expect((await store.createdBy('U1')).map((s) => s.id)).toEqual([c.id]);
    });

    it("remove: only the channel's own ids, returning what stopped; ids are never reused", async () => {
      const store = await t.current().open();
      const a = (await store.add(sub('C1', JANE), T0)).subscription;
      const b = (await store.add(sub('C1', HARRIET), T0)).subscription;
      const other = (await store.add(sub('C2', JANE), T0)).subscription;
      const removed = await store.remove('C1', [b.id, other.id, 999_999, b.id]);
      expect(removed).toEqual([b]);
      expect((await store.list('C1')).map((s) => s.id)).toEqual([a.id]);
      expect((await store.list('C2')).map((s) => s.id)).toEqual([other.id]);
      expect(await store.remove('C1', [])).toEqual([]);
      const readded = (await store.add(sub('C1', HARRIET), T0)).subscription;
      expect(readded.id).toBeGreaterThan(other.id);
    });

    it('pauseChannel: every active one of the channel at once, returning those it paused; others untouched', async () => {
      const store = await t.current().open();
      const a = (await store.add(sub('C1', JANE), T0)).subscription;
      const b = (await store.add(sub('C1', HARRIET, 'U2'), T0)).subscription;
      const other = (await store.add(sub('C2', JANE), T0)).subscription;
      const earlier = new Date('2026-11-28T09:30:00.000Z');
      await store.pause(b.id, 'channel_not_found', earlier);
      const at = new Date('2026-11-28T10:00:00.000Z');
      const paused = await store.pauseChannel('C1', 'is_archived', at);
      expect(paused).toEqual([{ ...a, paused: { reason: 'is_archived', at: at.toISOString() } }]);
      // Already paused: keeps its first reason. Another channel: still active.
      expect(await store.list('C1')).toEqual([
        { ...a, paused: { reason: 'is_archived', at: at.toISOString() } },
        { ...b, paused: { reason: 'channel_not_found', at: earlier.toISOString() } },
      ]);
      expect((await store.active()).map((s) => s.id)).toEqual([other.id]);
      // Again: nothing left to pause. An unknown channel: nothing.
      expect(await store.pauseChannel('C1', 'bot_removed', at)).toEqual([]);
      expect(await store.pauseChannel('C404', 'bot_removed', at)).toEqual([]);
      // A resumed one can be paused again.
      await store.resume(a.id);
      expect((await store.pauseChannel('C1', 'shared_channel', at)).map((s) => s.id)).toEqual([a.id]);
    });

    it('removeChannel: every one of the channel with its cursor and delivered ids; the channel can subscribe again', async () => {
      const store = await t.current().open();
      const a = (await store.add(sub('C1', JANE), T0)).subscription;
      const b = (await store.add(sub('C1', HARRIET), T0)).subscription;
      const other = (await store.add(sub('C2', JANE), T0)).subscription;
      await store.pause(b.id, 'is_archived', T0);
      await store.markDelivered(a.id, { id: 7, start: '2026-11-28T09:01:00Z' }, T0);
      await store.markDelivered(other.id, { id: 7, start: '2026-11-28T09:01:00Z' }, T0);
      const removed = await store.removeChannel('C1');
      expect(removed).toEqual([a, { ...b, paused: { reason: 'is_archived', at: T0.toISOString() } }]);
      expect(await store.list('C1')).toEqual([]);
      expect((await store.active()).map((s) => s.id)).toEqual([other.id]);
      expect(await store.delivered(a.id, 7)).toBe(false);
      expect(await store.cursor(a.id)).toEqual({ newestStart: undefined, idsAtNewest: [] });
      expect(await store.delivered(other.id, 7)).toBe(true);
      expect(await store.removeChannel('C1')).toEqual([]);
      const again = await store.add(sub('C1', JANE), T0);
      expect(again.added).toBe(true);
      expect(again.subscription.id).toBeGreaterThan(other.id);
    });

    it('cursor: empty before the first poll; startAt sets it once', async () => {
      const store = await t.current().open();
      const { id } = (await store.add(sub('C1', JANE), T0)).subscription;
      expect(await store.cursor(id)).toEqual({ newestStart: undefined, idsAtNewest: [] });
      await store.startAt(id, { newestStart: '2026-11-28T08:00:00Z', idsAtNewest: [7, 8] });
      expect(await store.cursor(id)).toEqual({ newestStart: '2026-11-28T08:00:00Z', idsAtNewest: [7, 8] });
      await store.startAt(id, { newestStart: '2026-11-28T08:30:00Z', idsAtNewest: [9] });
      expect(await store.cursor(id)).toEqual({ newestStart: '2026-11-28T08:00:00Z', idsAtNewest: [7, 8] });
    });

    it('startAt with nothing seen yet leaves the cursor unset, so a later start still takes', async () => {
      const store = await t.current().open();
      const { id } = (await store.add(sub('C1', JANE), T0)).subscription;
      await store.startAt(id, { newestStart: undefined, idsAtNewest: [] });
      expect((await store.cursor(id)).newestStart).toBeUndefined();
      await store.startAt(id, { newestStart: '2026-11-28T08:00:00Z', idsAtNewest: [1] });
      expect(await store.cursor(id)).toEqual({ newestStart: '2026-11-28T08:00:00Z', idsAtNewest: [1] });
    });

    it('markDelivered: delivered from then on; the cursor moves to newer, gathers ties, ignores older', async () => {
      const store = await t.current().open();
      const { id } = (await store.add(sub('C1', JANE), T0)).subscription;
      const other = (await store.add(sub('C2', JANE), T0)).subscription;
      expect(await store.delivered(id, 100)).toBe(false);
      await store.markDelivered(id, { id: 100, start: '2026-11-28T09:01:00Z' }, T0);
      expect(await store.delivered(id, 100)).toBe(true);
      expect(await store.delivered(other.id, 100)).toBe(false);
      expect(await store.cursor(id)).toEqual({ newestStart: '2026-11-28T09:01:00Z', idsAtNewest: [100] });

      // Same instant, another spelling: a tie.
      await store.markDelivered(id, { id: 101, start: '2026-11-28T09:01:00.000Z' }, T0);
      expect(await store.cursor(id)).toEqual({
        newestStart: '2026-11-28T09:01:00Z',
        idsAtNewest: [100, 101],
      });
      // Again: nothing changes.
      await store.markDelivered(id, { id: 101, start: '2026-11-28T09:01:00Z' }, T0);
      expect((await store.cursor(id)).idsAtNewest).toEqual([100, 101]);
      // Older: delivered, cursor stays.
      await store.markDelivered(id, { id: 99, start: '2026-11-28T08:59:00Z' }, T0);
      expect(await store.delivered(id, 99)).toBe(true);
      expect((await store.cursor(id)).newestStart).toBe('2026-11-28T09:01:00Z');
      // Newer: the cursor moves and starts a new tie list.
      await store.markDelivered(id, { id: 102, start: '2026-11-28T09:05:00.1234567Z' }, T0);
      expect(await store.cursor(id)).toEqual({
        newestStart: '2026-11-28T09:05:00.1234567Z',
        idsAtNewest: [102],
      });
      expect(await store.delivered(id, 100)).toBe(true);
    });

    it('markDelivered is atomic: racing marks of one instant all land in the cursor', async () => {
      const store = await t.current().open();
      const { id } = (await store.add(sub('C1', JANE), T0)).subscription;
      const ids = Array.from({ length: 25 }, (_, i) => 500 + i);
      await Promise.all(
        ids.map((r) => store.markDelivered(id, { id: r, start: '2026-11-28T09:10:00Z' }, T0)),
      );
      expect([...(await store.cursor(id)).idsAtNewest].sort((a, b) => a - b)).toEqual(ids);
      for (const r of ids) expect(await store.delivered(id, r)).toBe(true);
    });

    it('a removed subscription takes its cursor and delivered ids with it; marks for it are ignored', async () => {
      const store = await t.current().open();
      const { id } = (await store.add(sub('C1', JANE), T0)).subscription;
      await store.markDelivered(id, { id: 1, start: '2026-11-28T09:01:00Z' }, T0);
      await store.remove('C1', [id]);
      await store.markDelivered(id, { id: 2, start: '2026-11-28T09:02:00Z' }, T0);
      await store.startAt(id, { newestStart: '2026-11-28T09:03:00Z', idsAtNewest: [3] });
      expect(await store.delivered(id, 1)).toBe(false);
      expect(await store.delivered(id, 2)).toBe(false);
      expect(await store.cursor(id)).toEqual({ newestStart: undefined, idsAtNewest: [] });
      const again = (await store.add(sub('C1', JANE), T0)).subscription;
      expect(again.id).not.toBe(id);
      expect(await store.cursor(again.id)).toEqual({ newestStart: undefined, idsAtNewest: [] });
    });

    it.runIf(options.durable ?? true)('everything survives a close and a new open', async () => {
      const h = t.current();
      const first = await h.open();
      const a = (await first.add(sub('C1', JANE), T0)).subscription;
      const b = (await first.add(sub('C1', HARRIET), T0)).subscription;
      const at = new Date('2026-11-28T10:00:00.000Z');
      await first.pause(b.id, 'is_archived', at);
      await first.tune(b.id, {
        filters: { directions: ['inbound'], longerThanSeconds: 120 },
        format: 'compact',
      });
      await first.markDelivered(a.id, { id: 42, start: '2026-11-28T09:30:00Z' }, T0);
      await first.close();

      const second = await h.open();
      expect(await second.list('C1')).toEqual([
        a,
        {
          ...b,
          paused: { reason: 'is_archived', at: at.toISOString() },
          filters: { directions: ['inbound'], longerThanSeconds: 120 },
          format: 'compact',
        },
      ]);
      expect((await second.active()).map((s) => s.id)).toEqual([a.id]);
      expect(await second.delivered(a.id, 42)).toBe(true);
      expect(await second.cursor(a.id)).toEqual({ newestStart: '2026-11-28T09:30:00Z', idsAtNewest: [42] });
      expect((await second.add(sub('C1', JANE), T0)).added).toBe(false);
      const c = (await second.add(sub('C2', HARRIET), T0)).subscription;
      expect(c.id).toBeGreaterThan(b.id);
    });
  });
}

/**
 * Delivered ids are pruned when the cursor moves: those started more than the retention (7 days)
 * behind it go. Run by each backend.
 */
export async function checkDeliveredPruning(store: SubscriptionStore): Promise<void> {
  const day = 86_400_000;
  const { id } = (await store.add({ team: 'T1', channel: 'C1', target: JANE, createdBy: 'U' }, new Date()))
    .subscription;
  const at = (days: number) => new Date(Date.UTC(2026, 10, 1) + days * day).toISOString();
  await store.markDelivered(id, { id: 1, start: at(0) }, new Date());
  await store.markDelivered(id, { id: 2, start: at(2) }, new Date());
  await store.markDelivered(id, { id: 3, start: at(8) }, new Date());
  const held = async () => {
    const ids: number[] = [];
    for (const recording of [1, 2, 3, 4, 5]) if (await store.delivered(id, recording)) ids.push(recording);
    return ids;
  };
  expect(await held()).toEqual([2, 3]);
  // An older mark does not move the cursor, so it prunes nothing.
  await store.markDelivered(id, { id: 4, start: at(-30) }, new Date());
  expect(await held()).toEqual([2, 3, 4]);
  await store.markDelivered(id, { id: 5, start: at(9.5) }, new Date());
  expect(await held()).toEqual([3, 5]);
}

/**
 * Distribution mode: each workspace's subscriptions apart on one backend. Two workspaces (and
 * single-workspace mode's, stored without one) follow the same target in the same channel (a
 * Slack Connect channel both installed the app in), and each sees, counts, pauses and removes
 * only its own; an export carries the workspace and an import puts it back in its place.
 */
export function describeWorkspaceSubscriptions(
  name: string,
  make: () =>
    | Promise<Place<SubscriptionStore & WorkspaceSubscriptions & SubscriptionArchive>>
    | Place<SubscriptionStore & WorkspaceSubscriptions & SubscriptionArchive>,
  options: ContractOptions = {},
): void {
  describe(`${name}: each workspace's subscriptions apart`, () => {
    const t = harness(make, options);
    const sub = (channel: string, team: string, createdBy = 'U1') => ({
      team,
      channel,
      target: JANE,
      createdBy,
    });

    it('the same target in the same channel once per workspace; lists, counts and the active list are per workspace', async () => {
      const store = await t.current().open();
      const w1 = store.subscriptionsOf('T1');
      const w2 = store.subscriptionsOf('T2');
      const a = await w1.add(sub('C1', 'T1'), T0);
      const b = await w2.add(sub('C1', 'T2'), T0);
      const single = await store.add(sub('C1', 'T1'), T0);
      expect([a.added, b.added, single.added]).toEqual([true, true, true]);
      expect(new Set([a.subscription.id, b.subscription.id, single.subscription.id]).size).toBe(3);
      expect(a.subscription.workspace).toBe('T1');
      expect(single.subscription).not.toHaveProperty('workspace');
      expect((await w1.add(sub('C1', 'T1', 'U2'), T0)).added).toBe(false);

      expect((await w1.list('C1')).map((s) => s.id)).toEqual([a.subscription.id]);
      expect((await w2.list('C1')).map((s) => s.id)).toEqual([b.subscription.id]);
      expect((await store.list('C1')).map((s) => s.id)).toEqual([single.subscription.id]);
      expect(await w1.countTeam('T1')).toBe(1);
      expect(await w2.countTeam('T1')).toBe(0);
      expect((await w2.createdBy('U1')).map((s) => s.id)).toEqual([b.subscription.id]);
      expect((await w1.active()).map((s) => s.id)).toEqual([a.subscription.id]);
      expect((await store.active()).map((s) => s.id)).toEqual([single.subscription.id]);
      expect(await store.subscribedWorkspaces()).toEqual(['T1', 'T2']);
    });

    it("a workspace pauses, resumes and removes only its own, even given another's ids", async () => {
      const store = await t.current().open();
      const w1 = store.subscriptionsOf('T1');
      const w2 = store.subscriptionsOf('T2');
      const a = (await w1.add(sub('C1', 'T1'), T0)).subscription;
      const b = (await w2.add(sub('C1', 'T2'), T0)).subscription;

      await w2.pause(a.id, 'paused_by_subscriber', T0);
      expect((await w1.active()).map((s) => s.id)).toEqual([a.id]);
      expect(await w2.remove('C1', [a.id])).toEqual([]);
      expect(await w1.list('C1')).toHaveLength(1);

      expect((await w1.pauseChannel('C1', 'is_archived', T0)).map((s) => s.id)).toEqual([a.id]);
      expect((await w2.active()).map((s) => s.id)).toEqual([b.id]);
      expect(await store.subscribedWorkspaces()).toEqual(['T2']);
      await w2.resume(a.id);
      expect(await w1.active()).toEqual([]);
      await w1.resume(a.id);
      expect((await w1.active()).map((s) => s.id)).toEqual([a.id]);

      expect((await w2.removeChannel('C1')).map((s) => s.id)).toEqual([b.id]);
      expect((await w1.list('C1')).map((s) => s.id)).toEqual([a.id]);
      expect(await store.subscribedWorkspaces()).toEqual(['T1']);
    });

    it('an export carries the workspace; an import puts each back in its own workspace', async () => {
      const store = await t.current().open();
      await store.subscriptionsOf('T1').add(sub('C1', 'T1'), T0);
      await store.add(sub('C1', 'T1'), T0);
      const dump = await store.dumpSubscriptions();
      expect(dump.map((r) => r.subscription.workspace)).toEqual(['T1', undefined]);
      await store.subscriptionsOf('T1').removeChannel('C1');
      // Its id was issued here already, so it comes back under a new one.
      const back = await store.restoreSubscription(dump[0] as SubscriptionRecord);
      expect(back.added).toBe(true);
      expect((await store.subscriptionsOf('T1').list('C1')).map((s) => s.id)).toEqual([back.id]);
      expect(await store.list('C1')).toHaveLength(1);
    });
  });
}
