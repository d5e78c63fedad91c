/**
 * The lease on a real redis-server (RedisLease: each holder on its own connection, as two
 * replicas); then LeaseKeeper: one holder at a time, and a takeover within two lease periods
 * when the holder stops renewing. Who holds it is read from Redis itself (the holder key).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Lease } from '../../src/state/lease.js';
import { LeaseKeeper } from '../../src/state/lease-keeper.js';
import { openRedisState, type RedisState } from '../../src/state/redis.js';
import { deletePrefix, redisCommand, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';

const url = sharedRedisUrl();
const TTL = 300;
/** Long enough that a busy CI machine does not miss a renewal by accident. */
const KEEPER_TTL = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Pair {
  /** What holder A and holder B each see (two replicas: two connections). */
  a: Lease;
  b: Lease;
  /** The holder key's value in Redis: `<token>:<holderId>`. */
  holder(name: string): Promise<{ holderId: string; token: number } | undefined>;
  close(): Promise<void>;
}

async function redisPair(redisUrl: string): Promise<Pair> {
  const prefix = uniquePrefix('lease');
  const stores: RedisState[] = [
    await openRedisState(redisUrl, { prefix }),
    await openRedisState(redisUrl, { prefix }),
  ];
  return {
    a: (stores[0] as RedisState).lease(),
    b: (stores[1] as RedisState).lease(),
    async holder(name) {
      const value = (await redisCommand(redisUrl, ['GET', `${prefix}lease:${name}:holder`])) as string | null;
      if (value === null) return undefined;
      const sep = value.indexOf(':');
      return { token: Number(value.slice(0, sep)), holderId: value.slice(sep + 1) };
    },
    async close() {
      for (const s of stores) await s.close();
      await deletePrefix(redisUrl, prefix);
    },
  };
}

/** A holder cut off: every call fails, as when its process cannot reach Redis (or is gone). */
function severable(lease: Lease): Lease & { sever(): void } {
  let cut = false;
  const guard = <T>(call: () => Promise<T>) => (cut ? Promise.reject(new Error('unreachable')) : call());
  return {
    sever: () => {
      cut = true;
    },
    acquire: (n, h, t) => guard(() => lease.acquire(n, h, t)),
    renew: (n, h, t) => guard(() => lease.renew(n, h, t)),
    release: (n, h) => guard(() => lease.release(n, h)),
  };
}

function describeLease(name: string, make: () => Promise<Pair> | Pair): void {
  describe(`${name}`, () => {
    let pair: Pair | undefined;
    let keepers: LeaseKeeper[] = [];
    const open = async () => {
      pair = await make();
      return pair;
    };
    afterEach(async () => {
      for (const k of keepers) await k.stop();
      keepers = [];
      await pair?.close();
      pair = undefined;
    });

    it('two holders at once: exactly one wins', async () => {
      const { a, b } = await open();
      const tries = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const holder = i % 2 ? 'A' : 'B';
          return { holder, token: await (i % 2 ? a : b).acquire('poller', holder, TTL) };
        }),
      );
      const winners = new Set(tries.filter((t) => t.token !== undefined).map((t) => t.holder));
      expect(winners.size).toBe(1);
      const [winner] = [...winners];
      expect(new Set(tries.filter((t) => t.token !== undefined).map((t) => t.token)).size).toBe(1);
      expect((await pair?.holder('poller'))?.holderId).toBe(winner);
    });

    it('renew and release by a non-holder fail and change nothing; by the holder they work', async () => {
      const { a, b, holder } = await open();
      const token = await a.acquire('poller', 'A', TTL);
      expect(token).toBeGreaterThan(0);
      expect(await b.renew('poller', 'B', 60_000)).toBe(false);
      expect(await b.release('poller', 'B')).toBe(false);
      expect(await holder('poller')).toEqual({ holderId: 'A', token });
      expect(await b.acquire('poller', 'B', TTL)).toBeUndefined();
      expect(await a.renew('poller', 'A', TTL)).toBe(true);
      expect(await a.release('poller', 'A')).toBe(true);
      expect(await holder('poller')).toBeUndefined();
      expect(await a.renew('poller', 'A', TTL)).toBe(false);
      // Leases of other names are other leases.
      expect(await b.acquire('other', 'B', TTL)).toBeGreaterThan(0);
    });

    it('the fencing token increases with every grant; re-acquiring a lease one holds keeps it', async () => {
      const { a, b } = await open();
      const t1 = (await a.acquire('poller', 'A', TTL)) as number;
      expect(await a.acquire('poller', 'A', TTL)).toBe(t1);
      await a.release('poller', 'A');
      const t2 = (await b.acquire('poller', 'B', 150)) as number;
      expect(t2).toBeGreaterThan(t1);
      await sleep(200); // B's grant runs out
      const t3 = (await a.acquire('poller', 'A', TTL)) as number;
      expect(t3).toBeGreaterThan(t2);
    });

    it('a lease that ran out is gone, and once another took it the old holder can neither renew nor release it', async () => {
      const { a, b, holder } = await open();
      const token = (await a.acquire('poller', 'A', 150)) as number;
      expect(await holder('poller')).toEqual({ holderId: 'A', token });
      await sleep(200);
      expect(await holder('poller')).toBeUndefined();
      const next = (await b.acquire('poller', 'B', TTL)) as number;
      expect(await a.renew('poller', 'A', TTL)).toBe(false);
      expect(await a.release('poller', 'A')).toBe(false);
      expect(await holder('poller')).toEqual({ holderId: 'B', token: next });
    });

    it('LeaseKeeper: one of two holds; when it stops renewing the other takes over within two lease periods', async () => {
      const { a, b } = await open();
      const cutA = severable(a);
      const keeperA = new LeaseKeeper({ lease: cutA, name: 'poller', holderId: 'A', ttlMs: KEEPER_TTL });
      let gained: { at: number; aToken: number | undefined } | undefined;
      const keeperB = new LeaseKeeper({
        lease: b,
        name: 'poller',
        holderId: 'B',
        ttlMs: KEEPER_TTL,
        // What A thinks at the instant B gains the lease.
        onChange: (token) => {
          if (token !== undefined) gained = { at: Date.now(), aToken: keeperA.token };
        },
      });
      keepers.push(keeperA, keeperB);
      keeperA.start();
      await sleep(50);
      keeperB.start();
      await sleep(KEEPER_TTL * 2); // several renewals: A keeps it all along
      const first = keeperA.token as number;
      expect(first).toBeGreaterThan(0);
      expect(keeperB.token).toBeUndefined();
      expect(gained).toBeUndefined();

      cutA.sever(); // A can no longer renew (its process hangs, or lost Redis)
      const severed = Date.now();
      while (!gained && Date.now() - severed < 4 * KEEPER_TTL) await sleep(10);
      expect(gained).toBeDefined();
      expect((gained?.at ?? Number.POSITIVE_INFINITY) - severed).toBeLessThanOrEqual(2 * KEEPER_TTL);
      expect(keeperB.token).toBeGreaterThan(first);
      // A had stopped counting itself the holder before B gained it: never two holders at once.
      expect(gained?.aToken).toBeUndefined();
      expect(await pair?.holder('poller')).toEqual({ holderId: 'B', token: keeperB.token });
    });

    it('LeaseKeeper.stop releases the lease, so the other takes it at its next step', async () => {
      const { a, b } = await open();
      const keeperA = new LeaseKeeper({ lease: a, name: 'poller', holderId: 'A', ttlMs: 3_000, everyMs: 50 });
      const keeperB = new LeaseKeeper({ lease: b, name: 'poller', holderId: 'B', ttlMs: 3_000, everyMs: 50 });
      keepers.push(keeperA, keeperB);
      keeperA.start();
      await sleep(100);
      keeperB.start();
      await sleep(100);
      const first = keeperA.token as number;
      expect(first).toBeGreaterThan(0);
      expect(keeperB.token).toBeUndefined();
      await keeperA.stop();
      expect(keeperA.token).toBeUndefined();
      const stopped = Date.now();
      while (keeperB.token === undefined && Date.now() - stopped < 1_000) await sleep(10);
      expect(Date.now() - stopped).toBeLessThan(500); // far under the 3 s TTL: released, not expired
      expect(keeperB.token).toBeGreaterThan(first);
    });
  });
}

describe.skipIf(!url)('on Redis', () => {
  describeLease('RedisLease', () => redisPair(url as string));
});
