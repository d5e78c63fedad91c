/**
 * The lease, in process (LocalLease) and on a real redis-server (RedisLease: each holder on its
 * own connection, as two replicas), by one contract; then LeaseKeeper: one holder at a time, and
 * a takeover within two lease periods when the holder stops renewing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Lease, LeaseKeeper, LocalLease } from '../../src/state/index.js';
import { openRedisState, type RedisState } from '../../src/state/redis.js';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';

const url = sharedRedisUrl();
const TTL = 300;
/** Long enough that a busy CI machine does not miss a renewal by accident. */
const KEEPER_TTL = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Pair {
  /** What holder A and holder B each see (two replicas: two connections). */
  a: Lease;
  b: Lease;
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
    async close() {
      for (const s of stores) await s.close();
      await deletePrefix(redisUrl, prefix);
    },
  };
}

function localPair(): Pair {
  const lease = new LocalLease();
  return { a: lease, b: lease, close: async () => {} };
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
    stillHeld: (n, h, t) => guard(() => lease.stillHeld(n, h, t)),
    holder: (n) => guard(() => lease.holder(n)),
  };
}

function describeLease(name: string, make: () => Promise<Pair> | Pair): void {
  describe(`${name}: Lease contract`, () => {
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
      expect((await a.holder('poller'))?.holderId).toBe(winner);
    });

    it('renew and release by a non-holder fail and change nothing; by the holder they work', async () => {
      const { a, b } = await open();
      const token = await a.acquire('poller', 'A', TTL);
      expect(token).toBeGreaterThan(0);
      expect(await b.renew('poller', 'B', 60_000)).toBe(false);
      expect(await b.release('poller', 'B')).toBe(false);
      expect(await b.holder('poller')).toEqual({ holderId: 'A', token });
      expect(await b.acquire('poller', 'B', TTL)).toBeUndefined();
      expect(await a.renew('poller', 'A', TTL)).toBe(true);
      expect(await a.release('poller', 'A')).toBe(true);
      expect(await b.holder('poller')).toBeUndefined();
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

    it('stillHeld: only for the holder under its own token, and not once the lease ran out', async () => {
      const { a, b } = await open();
      const token = (await a.acquire('poller', 'A', 150)) as number;
      expect(await a.stillHeld('poller', 'A', token)).toBe(true);
      expect(await b.stillHeld('poller', 'A', token)).toBe(true);
      expect(await a.stillHeld('poller', 'A', token - 1)).toBe(false);
      expect(await a.stillHeld('poller', 'B', token)).toBe(false);
      await sleep(200);
      expect(await a.stillHeld('poller', 'A', token)).toBe(false);
      // Run out and taken by another: the old holder can neither renew nor release it.
      const next = (await b.acquire('poller', 'B', TTL)) as number;
      expect(await a.renew('poller', 'A', TTL)).toBe(false);
      expect(await a.release('poller', 'A')).toBe(false);
      expect(await a.stillHeld('poller', 'B', next)).toBe(true);
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
      expect(await b.stillHeld('poller', 'B', keeperB.token as number)).toBe(true);
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

describeLease('LocalLease', localPair);

describe.skipIf(!url)('on Redis', () => {
  describeLease('RedisLease', () => redisPair(url as string));
});
