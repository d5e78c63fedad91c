/**
 * The lease on a real redis-server (RedisLease: each holder on its own connection, as two
 * replicas); then LeaseKeeper: one holder at a time, and a takeover within two lease periods
 * when the holder stops renewing. Who holds it is read from Redis itself (the holder key). No
 * outcome depends on how busy the machine is: a grant that must run out is ended by the test,
 * and a takeover is counted in the keeper's steps rather than timed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Lease } from '../../src/state/lease.js';
import { LeaseKeeper } from '../../src/state/lease-keeper.js';
import { openRedisState, type RedisState } from '../../src/state/redis.js';
import { deletePrefix, redisCommand, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';

const url = sharedRedisUrl();
/**
 * Long enough that no read finds a grant gone by itself, however busy the machine: where a test
 * needs a grant to run out it ends it (`runOut`), as its time to live passing would.
 */
const TTL = 60_000;
/**
 * The keepers' lease: a holder keeps it through its renewals (every third of it) unless its
 * process stalls for two thirds of it, far longer than a busy machine starves a test.
 */
const KEEPER_TTL = 1_500;
/** A keeper's step at that TTL: its default, a third. */
const STEP = KEEPER_TTL / 3;

interface Pair {
  /** What holder A and holder B each see (two replicas: two connections). */
  a: Lease;
  b: Lease;
  /** The holder key's value in Redis: `<token>:<holderId>`. */
  holder(name: string): Promise<{ holderId: string; token: number } | undefined>;
  /** The holder key's time to live left, in ms (negative when there is none). */
  ttlLeft(name: string): Promise<number>;
  /** Ends the grant now, as its time to live running out would (PEXPIRE 0 deletes the key). */
  runOut(name: string): Promise<void>;
  close(): Promise<void>;
}

async function redisPair(redisUrl: string): Promise<Pair> {
  const prefix = uniquePrefix('lease');
  const stores: RedisState[] = [
    await openRedisState(redisUrl, { prefix }),
    await openRedisState(redisUrl, { prefix }),
  ];
  const holderKey = (name: string) => `${prefix}lease:${name}:holder`;
  return {
    a: (stores[0] as RedisState).lease(),
    b: (stores[1] as RedisState).lease(),
    async holder(name) {
      const value = (await redisCommand(redisUrl, ['GET', holderKey(name)])) as string | null;
      if (value === null) return undefined;
      const sep = value.indexOf(':');
      return { token: Number(value.slice(0, sep)), holderId: value.slice(sep + 1) };
    },
    async ttlLeft(name) {
      return Number(await redisCommand(redisUrl, ['PTTL', holderKey(name)]));
    },
    async runOut(name) {
      await redisCommand(redisUrl, ['PEXPIRE', holderKey(name), '0']);
    },
    async close() {
      for (const s of stores) await s.close();
      await deletePrefix(redisUrl, prefix);
    },
  };
}

/** One call a holder made on its lease. `started` and `settled` order every call of a test. */
interface Call {
  holder: string;
  op: 'acquire' | 'renew' | 'release';
  started: number;
  settled?: number;
  outcome?: 'granted' | 'refused' | 'failed';
}

/**
 * The calls of a test's holders, in the order they started, so a test counts a keeper's steps
 * instead of timing them: a step waits at least its interval, however busy the machine.
 */
function watching() {
  const calls: Call[] = [];
  let seq = 0;
  /** `lease` as `holder` calls it, logged; after `sever()` every call fails, as when its process cannot reach Redis (or is gone). */
  const watch = (lease: Lease, holder: string): Lease & { sever(): void } => {
    let cut = false;
    const run = <T>(op: Call['op'], call: () => Promise<T>, granted: (result: T) => boolean): Promise<T> => {
      const entry: Call = { holder, op, started: seq++ };
      calls.push(entry);
      const settle = (outcome: Call['outcome']) => {
        entry.outcome = outcome;
        entry.settled = seq++;
      };
      if (cut) {
        settle('failed');
        return Promise.reject(new Error('unreachable'));
      }
      return call().then(
        (result) => {
          settle(granted(result) ? 'granted' : 'refused');
          return result;
        },
        (error: unknown) => {
          settle('failed');
          throw error;
        },
      );
    };
    return {
      sever: () => {
        cut = true;
      },
      acquire: (n, h, t) =>
        run(
          'acquire',
          () => lease.acquire(n, h, t),
          (token) => token !== undefined,
        ),
      renew: (n, h, t) =>
        run(
          'renew',
          () => lease.renew(n, h, t),
          (ok) => ok,
        ),
      release: (n, h) =>
        run(
          'release',
          () => lease.release(n, h),
          (ok) => ok,
        ),
    };
  };
  const count = (holder: string, op: Call['op'], outcome: Call['outcome']) =>
    calls.filter((c) => c.holder === holder && c.op === op && c.outcome === outcome).length;
  return { calls, watch, count };
}

/** Resolves once `check` holds (polled); `timeoutMs` only ends a test that would otherwise hang. */
async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
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
      const { a, b, runOut } = await open();
      const t1 = (await a.acquire('poller', 'A', TTL)) as number;
      expect(await a.acquire('poller', 'A', TTL)).toBe(t1);
      await a.release('poller', 'A');
      const t2 = (await b.acquire('poller', 'B', TTL)) as number;
      expect(t2).toBeGreaterThan(t1);
      await runOut('poller'); // B's grant runs out
      const t3 = (await a.acquire('poller', 'A', TTL)) as number;
      expect(t3).toBeGreaterThan(t2);
    });

    it('a lease that ran out is gone, and once another took it the old holder can neither renew nor release it', async () => {
      const { a, b, holder, ttlLeft, runOut } = await open();
      const token = (await a.acquire('poller', 'A', TTL)) as number;
      expect(await holder('poller')).toEqual({ holderId: 'A', token });
      // Redis keeps the grant for its time to live, and no longer.
      const left = await ttlLeft('poller');
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(TTL);
      await runOut('poller');
      expect(await holder('poller')).toBeUndefined();
      const next = (await b.acquire('poller', 'B', TTL)) as number;
      expect(await a.renew('poller', 'A', TTL)).toBe(false);
      expect(await a.release('poller', 'A')).toBe(false);
      expect(await holder('poller')).toEqual({ holderId: 'B', token: next });
    });

    it('LeaseKeeper: one of two holds; when it stops renewing the other takes over within two lease periods', async () => {
      const { a, b, holder, ttlLeft } = await open();
      const { calls, watch, count } = watching();
      const cutA = watch(a, 'A');
      const keeperA = new LeaseKeeper({ lease: cutA, name: 'poller', holderId: 'A', ttlMs: KEEPER_TTL });
      let gained: { aToken: number | undefined } | undefined;
      const keeperB = new LeaseKeeper({
        lease: watch(b, 'B'),
        name: 'poller',
        holderId: 'B',
        ttlMs: KEEPER_TTL,
        // What A thinks at the instant B gains the lease.
        onChange: (token) => {
          if (token !== undefined) gained = { aToken: keeperA.token };
        },
      });
      keepers.push(keeperA, keeperB);
      keeperA.start();
      await until(() => keeperA.token !== undefined);
      keeperB.start();
      // Several renewals, B trying meanwhile: A keeps it all along.
      await until(() => count('A', 'renew', 'granted') >= 2 && count('B', 'acquire', 'refused') >= 2);
      const first = keeperA.token as number;
      expect(first).toBeGreaterThan(0);
      expect(keeperB.token).toBeUndefined();
      expect(gained).toBeUndefined();
      // A renews it for one lease period at a time.
      expect(await ttlLeft('poller')).toBeLessThanOrEqual(KEEPER_TTL);

      cutA.sever(); // A can no longer renew (its process hangs, or lost Redis)
      await until(() => gained !== undefined);
      // Counted in B's steps (a third of a lease period each, or longer on a busy machine) from
      // A's last renewal: B gained the lease within two lease periods of them.
      const lastRenewal = calls.filter((c) => c.holder === 'A' && c.outcome === 'granted').at(-1) as Call;
      const tries = calls.filter(
        (c) => c.holder === 'B' && c.op === 'acquire' && c.started > (lastRenewal.settled as number),
      );
      expect(tries.at(-1)?.outcome).toBe('granted');
      expect(tries.length).toBeLessThanOrEqual((2 * KEEPER_TTL) / STEP);
      expect(keeperB.token).toBeGreaterThan(first);
      // A had stopped counting itself the holder before B gained it: never two holders at once.
      expect(gained?.aToken).toBeUndefined();
      expect(await holder('poller')).toEqual({ holderId: 'B', token: keeperB.token });
    });

    it('LeaseKeeper.stop releases the lease, so the other takes it at its next step', async () => {
      const { a, b } = await open();
      const { calls, watch, count } = watching();
      const keeperA = new LeaseKeeper({ lease: a, name: 'poller', holderId: 'A', ttlMs: TTL, everyMs: 50 });
      const keeperB = new LeaseKeeper({
        lease: watch(b, 'B'),
        name: 'poller',
        holderId: 'B',
        ttlMs: TTL,
        everyMs: 50,
      });
      keepers.push(keeperA, keeperB);
      keeperA.start();
      await until(() => keeperA.token !== undefined);
      keeperB.start();
      await until(() => count('B', 'acquire', 'refused') >= 1);
      const first = keeperA.token as number;
      expect(first).toBeGreaterThan(0);
      expect(keeperB.token).toBeUndefined();
      await keeperA.stop();
      expect(keeperA.token).toBeUndefined();
      // B's next step takes it (or the one under way did): released, not run out (the TTL is a
      // minute), so no try B started after the stop was refused.
      const stopped = calls.length;
      const triedSince = () => calls.slice(stopped).some((c) => c.op === 'acquire' && c.outcome);
      await until(() => keeperB.token !== undefined || triedSince());
      expect(calls.slice(stopped).filter((c) => c.op === 'acquire' && c.outcome !== 'granted')).toEqual([]);
      expect(keeperB.token).toBeGreaterThan(first);
    });
  });
}

describe.skipIf(!url)('on Redis', () => {
  describeLease('RedisLease', () => redisPair(url as string));
});
