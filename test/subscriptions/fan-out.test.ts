/**
 * A poll's answers shared out (`fan-out.ts`): the gate asked once per (channel, subscriber) in a
 * poll, a refusal handed back, a gate that throws skipping only its subscriptions; and what is
 * news: not marked in the store (real SQLite), not pending here, and not being posted by another
 * replica (intents on a real Redis) until the grace has passed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Recording } from '../../src/domain/focus.js';
import type { Gate } from '../../src/domain/subscription.js';
import { openSqliteState } from '../../src/state/sqlite.js';
import type { SubscriptionStore } from '../../src/state/subscriptions.js';
import { FanOut, type FanOutOptions, type Share } from '../../src/subscriptions/fan-out.js';
import { sharedRedisUrl } from '../helpers/redis.js';
import { capturedLog, recordingOf, subscribe, twoReplicas, watchOf } from '../helpers/subscriptions.js';

const A = '447700900123';
const B = '447700900124';
const C = '447700900125';

let store: SubscriptionStore;
let log: ReturnType<typeof capturedLog>;

beforeEach(() => {
  store = openSqliteState(':memory:');
  log = capturedLog();
});
afterEach(async () => {
  await store.close();
});

function fanOut(options: Partial<FanOutOptions> = {}) {
  return new FanOut({ store, logger: log.logger, lookbackMs: 6 * 3_600_000, ...options });
}

const byId = (...recordings: Recording[]) => new Map(recordings.map((r) => [r.id, r]));
const nothingPending = () => new Set<number>();
/** Each share as `channel: news ids` or `channel: refused reason`. */
const summary = (shares: Share[]) =>
  shares
    .map((s) =>
      'news' in s
        ? `${s.watch.subscription.channel}: ${s.news.map((r) => r.id).join(',')}`
        : `${s.watch.subscription.channel}: refused ${s.refused.reason}`,
    )
    .sort();

describe('the gate in a poll', () => {
  it('is asked once per channel and subscriber, its answer covering all their subscriptions; again next poll', async () => {
    const watches = [
      watchOf(await subscribe(store, 'C1', A, 'U1')),
      watchOf(await subscribe(store, 'C1', B, 'U1')),
      watchOf(await subscribe(store, 'C1', C, 'U2')),
      watchOf(await subscribe(store, 'C2', A, 'U1')),
    ];
    const asked: string[] = [];
    const gate: Gate = async (sub) => {
      asked.push(`${sub.channel}/${sub.createdBy}`);
      return { ok: true };
    };
    const f = fanOut({ gate });
    const now = Date.now();
    const recordings = byId(recordingOf(1, now - 60_000, A), recordingOf(2, now, B), recordingOf(3, now, C));
    const shares = await f.share(watches, recordings, nothingPending);
    expect(asked.sort()).toEqual(['C1/U1', 'C1/U2', 'C2/U1']);
    expect(summary(shares)).toEqual(['C1: 1', 'C1: 2', 'C1: 3', 'C2: 1']);
    await f.share(watches, recordings, nothingPending);
    expect(asked).toHaveLength(6);
  });

  it('a refusal is handed back; a gate that throws skips only its subscriptions, for this poll', async () => {
    const watches = [
      watchOf(await subscribe(store, 'C1', A)),
      watchOf(await subscribe(store, 'C1', B)),
      watchOf(await subscribe(store, 'C2', A)),
      watchOf(await subscribe(store, 'C3', A)),
    ];
    let failing = true;
    const f = fanOut({
      gate: async (sub) => {
        if (sub.channel === 'C1' && failing) throw new Error('conversations.info failed');
        if (sub.channel === 'C2') return { ok: false, reason: 'channel_shared', tellChannel: true };
        return { ok: true };
      },
    });
    const recordings = byId(recordingOf(1, Date.now() - 60_000, A), recordingOf(2, Date.now() - 50_000, B));
    expect(summary(await f.share(watches, recordings, nothingPending))).toEqual([
      'C2: refused channel_shared',
      'C3: 1',
    ]);
    expect(log.logged('subscriptions.gate_failed')).toEqual([
      expect.objectContaining({ level: 'warn', channel: 'C1', subscriber: 'U1' }),
    ]);
    failing = false;
    expect(summary(await f.share(watches, recordings, nothingPending))).toEqual([
      'C1: 1',
      'C1: 2',
      'C2: refused channel_shared',
      'C3: 1',
    ]);
  });
});

describe('what is news', () => {
  it('matching candidates, oldest first, less those marked in the store and those pending here', async () => {
    const sub = await subscribe(store, 'C1', A);
    const now = Date.now();
    const [marked, pending, fresh, older] = [
      recordingOf(1, now - 40_000, A),
      recordingOf(2, now - 30_000, A),
      recordingOf(3, now - 20_000, A),
      recordingOf(4, now - 50_000, A),
    ];
    await store.markDelivered(sub.id, marked, new Date());
    const elsewhere = recordingOf(5, now - 10_000, B);
    const shares = await fanOut().share(
      [watchOf(sub)],
      byId(marked, pending, fresh, older, elsewhere),
      (id) => new Set(id === sub.id ? [pending.id] : []),
    );
    expect(summary(shares)).toEqual(['C1: 4,3']);
    // Nothing left: no share at all.
    expect(await fanOut().share([watchOf(sub)], byId(marked), nothingPending)).toEqual([]);
  });

  const url = sharedRedisUrl();
  describe.skipIf(!url)("another replica's intents (Redis)", () => {
    let pair: Awaited<ReturnType<typeof twoReplicas>>;
    afterEach(async () => {
      await pair?.close();
    });

    it('hold a recording back for the grace, then it is posted again; a withdrawn one is news at once', async () => {
      const graceMs = 200;
      pair = await twoReplicas(url as string, graceMs);
      const sub = await subscribe(pair.a.store, 'C1', A);
      const now = Date.now();
      const [abandoned, failed, fresh] = [1, 2, 3].map((id) => recordingOf(id, now - 60_000 + id, A));
      const recordings = byId(abandoned as Recording, failed as Recording, fresh as Recording);
      // B held the lease and began posting two of them; then it stopped answering.
      await pair.b.take();
      expect(await pair.b.fence.enter(sub.id, [1, 2])).toBe(true);
      await pair.b.give();
      await pair.a.take();
      const f = new FanOut({
        store: pair.a.store,
        logger: log.logger,
        lookbackMs: 6 * 3_600_000,
        fence: pair.a.fence,
      });
      const news = async () => summary(await f.share([watchOf(sub)], recordings, nothingPending));

      expect(await news()).toEqual(['C1: 3']);
      // B says its post of 2 failed (its intent withdrawn): news again at once.
      await pair.b.fence.leave(sub.id, [2]);
      expect(await news()).toEqual(['C1: 2,3']);
      expect(log.logged('subscriptions.intent_abandoned')).toEqual([]);
      // Past the grace from when A first saw it, B is taken for dead: 1 is posted again.
      await new Promise((r) => setTimeout(r, graceMs + 50));
      expect(await news()).toEqual(['C1: 1,2,3']);
      expect(log.logged('subscriptions.intent_abandoned')).toEqual([
        expect.objectContaining({ subscription: sub.id, recording: 1 }),
      ]);
    });
  });
});
