/**
 * RedisState against a real redis-server: the contract suites SqliteState passes, then what
 * only Redis has (key layout, two replicas on one Redis, pruning, TTL limits).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRedisState, type RedisState } from '../../src/state/redis.js';
import { deletePrefix, redisCommand, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';
import {
  checkDeliveredPruning,
  describeStateStore,
  describeSubscriptionStore,
  describeWorkspaceSubscriptions,
  type Place,
} from './contract.js';

const url = sharedRedisUrl();

/** A prefix of its own per test; what it wrote is deleted after. */
function redisPlace(redisUrl: string): Place<RedisState> {
  const prefix = uniquePrefix('redis-contract');
  return {
    open: () => openRedisState(redisUrl, { prefix }),
    destroy: async () => {
      await deletePrefix(redisUrl, prefix);
    },
  };
}

const PHONE = { kind: 'phone', phone: '447700900123', display: '+44 7700 900123' } as const;

describe.skipIf(!url)('RedisState', () => {
  const redisUrl = url as string;

  describeStateStore('RedisState', () => redisPlace(redisUrl), { realTime: true });
  describeSubscriptionStore('RedisState', () => redisPlace(redisUrl), { realTime: true });
  describeWorkspaceSubscriptions('RedisState', () => redisPlace(redisUrl), { realTime: true });

  describe('on one Redis', () => {
    const prefix = uniquePrefix('redis');
    let a: RedisState;
    let b: RedisState;
    beforeAll(async () => {
      a = await openRedisState(redisUrl, { prefix });
      b = await openRedisState(redisUrl, { prefix });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await deletePrefix(redisUrl, prefix);
    });

    it('two replicas adding the same subscription at once get one; their claims race to one winner', async () => {
      const sub = { team: 'T1', channel: 'CR', target: PHONE, createdBy: 'U1' };
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).add(sub, new Date('2026-11-28T09:00:00Z'))),
      );
      expect(results.filter((r) => r.added)).toHaveLength(1);
      expect(new Set(results.map((r) => r.subscription.id)).size).toBe(1);
      expect(await a.list('CR')).toEqual(await b.list('CR'));
      const won = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim('event:E1', 60_000)),
      );
      expect(won.filter(Boolean)).toHaveLength(1);
    });

    it('keys sit under the prefix, in the documented layout, and nothing else is written', async () => {
      const { subscription } = await a.add(
        { team: undefined, channel: 'CK', target: PHONE, createdBy: 'U1' },
        new Date(),
      );
      await a.markDelivered(subscription.id, { id: 7, start: '2026-11-28T09:00:00Z' }, new Date());
      await a.set('linked:U1', 'yes', 60_000);
      const keys = (await redisCommand(redisUrl, ['KEYS', `${prefix}*`])) as string[];
      const id = subscription.id;
      expect(keys.map((k) => k.slice(prefix.length))).toEqual(
        expect.arrayContaining([
          'subs:next',
          'subs:all',
          'subs:active',
          `sub:${id}`,
          `sub:${id}:cursor`,
          `sub:${id}:delivered`,
          'channel:CK:subs',
          'channel:CK:targets',
          'kv:linked:U1',
        ]),
      );
      expect(await redisCommand(redisUrl, ['PTTL', `${prefix}kv:linked:U1`])).toBeGreaterThan(59_000);
      expect(
        await redisCommand(redisUrl, ['HGET', `${prefix}channel:CK:targets`, 'phone:447700900123']),
      ).toBe(String(id));
      // No key outside the prefix was written by this store (CK is this test's own channel).
      const anywhere = (await redisCommand(redisUrl, ['KEYS', '*:CK:*'])) as string[];
      expect(anywhere.length).toBe(2);
      expect(anywhere.every((k) => k.startsWith(prefix))).toBe(true);
    });

    it('removing a subscription deletes every key it had', async () => {
      const { subscription } = await a.add(
        { team: 'T1', channel: 'CD', target: PHONE, createdBy: 'U1' },
        new Date(),
      );
      await a.markDelivered(subscription.id, { id: 1, start: '2026-11-28T09:00:00Z' }, new Date());
      await a.pause(subscription.id, 'is_archived', new Date());
      await a.remove('CD', [subscription.id]);
      const keys = (await redisCommand(redisUrl, ['KEYS', `${prefix}*`])) as string[];
      expect(keys.filter((k) => k.includes(`sub:${subscription.id}`) || k.includes('channel:CD:'))).toEqual(
        [],
      );
    });

    it('pause and resume of an id that does not exist create nothing', async () => {
      await a.pause(987_654, 'channel_not_found', new Date());
      await a.resume(987_654);
      await a.startAt(987_654, { newestStart: '2026-11-28T09:00:00Z', idsAtNewest: [1] });
      await a.markDelivered(987_654, { id: 1, start: 'not a date' }, new Date());
      expect(
        await redisCommand(redisUrl, ['EXISTS', `${prefix}sub:987654`, `${prefix}sub:987654:cursor`]),
      ).toBe(0);
      expect((await a.active()).map((s) => s.id)).not.toContain(987_654);
    });

    it('a TTL of zero, a fraction or centuries is stored as Redis allows (1 ms, rounded up, capped)', async () => {
      expect(await a.claim('ttl:zero', 0)).toBe(true);
      await a.set('ttl:fraction', 'v', 0.4);
      await a.set('ttl:huge', 'v', Number.MAX_SAFE_INTEGER);
      expect(await a.get('ttl:huge')).toBe('v');
      const huge = (await redisCommand(redisUrl, ['PTTL', `${prefix}kv:ttl:huge`])) as number;
      expect(huge).toBeGreaterThan(99 * 365 * 86_400_000);
      await new Promise((r) => setTimeout(r, 5));
      expect(await a.get('ttl:zero')).toBeUndefined();
      expect(await a.get('ttl:fraction')).toBeUndefined();
    });
  });

  it('delivered ids are pruned when the cursor moves: those started over the retention behind it go', async () => {
    const prefix = uniquePrefix('redis-prune');
    const store = await openRedisState(redisUrl, { prefix });
    try {
      await checkDeliveredPruning(store);
      const { id } = (
        await store.add({ team: 'T1', channel: 'C2', target: PHONE, createdBy: 'U' }, new Date())
      ).subscription;
      await expect(store.markDelivered(id, { id: 6, start: 'yesterday' }, new Date())).rejects.toThrow(
        /not a date/,
      );
      expect(await store.delivered(id, 6)).toBe(false);
    } finally {
      await store.close();
      await deletePrefix(redisUrl, prefix);
    }
  });

  it('the open reports where Redis is (no password)', async () => {
    const store = await openRedisState(redisUrl, { prefix: uniquePrefix('redis-where') });
    try {
      expect(store.where).toBe(redisUrl.replace(/\/\/[^@]*@/, '//'));
    } finally {
      await store.close();
    }
    // Closing twice is fine; a call after the close fails as unreachable.
    await store.close();
    await expect(store.get('x')).rejects.toMatchObject({ code: 'state_unreachable' });
  });
});
