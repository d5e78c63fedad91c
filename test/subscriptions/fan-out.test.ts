/**
 * A poll's answers shared out (`fan-out.ts`): the gate asked once per (channel, subscriber) in a
 * poll, a refusal handed back, a gate that throws skipping only its subscriptions; and what is
 * news: not marked in the store (real SQLite), not pending here, and not being posted by another
 * replica (intents on a real Redis) until the grace has passed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Recording } from '../../src/domain/focus.js';
import type { Gate, Subscription } from '../../src/domain/subscription.js';
import { openSqliteState } from '../../src/state/sqlite.js';
import type { SubscriptionStore } from '../../src/state/subscriptions.js';
import { FanOut, type FanOutOptions, type Share } from '../../src/subscriptions/fan-out.js';
import type { Watch } from '../../src/subscriptions/news.js';
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
/** A person's subscription following these numbers (as `watchOf` a number's). */
const following = (subscription: Subscription, ...numbers: string[]): Watch => ({
  ...watchOf(subscription),
  numbers: new Set(numbers),
});
/** Each post as `lead: recording for subscriptions`. */
const posts = (shares: Share[]) =>
  shares.flatMap((s) =>
    'posts' in s
      ? s.posts.map(
          (p) =>
            `${s.watch.subscription.id}: ${p.recording.id} for ${p.subscriptions.map((x) => x.id).join(',')}`,
        )
      : [],
  );
const nothingPending = () => new Set<number>();
/** Each share as `channel: news ids` or `channel: refused reason`. */
const summary = (shares: Share[]) =>
  shares
    .map((s) =>
      'posts' in s
        ? `${s.watch.subscription.channel}: ${s.posts.map((p) => p.recording.id).join(',')}`
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
      (channel) => new Set(channel === sub.channel ? [pending.id] : []),
    );
    expect(summary(shares)).toEqual(['C1: 4,3']);
    // Nothing left: no share at all.
    expect(await fanOut().share([watchOf(sub)], byId(marked), nothingPending)).toEqual([]);
  });

  it('one post for a recording news for two subscriptions of a channel, led by the oldest, naming both', async () => {
    const number = await subscribe(store, 'C1', A, 'U1');
    const owner = await subscribe(store, 'C1', B, 'U2');
    const elsewhere = await subscribe(store, 'C2', A, 'U1');
    const now = Date.now();
    const shares = await fanOut().share(
      [watchOf(number), following(owner, A, B), watchOf(elsewhere)],
      byId(recordingOf(1, now - 30_000, A), recordingOf(2, now - 20_000, B)),
      nothingPending,
    );
    expect(posts(shares).sort()).toEqual(
      [
        `${elsewhere.id}: 1 for ${elsewhere.id}`,
        `${number.id}: 1 for ${number.id},${owner.id}`,
        `${owner.id}: 2 for ${owner.id}`,
      ].sort(),
    );
  });

  it('marked for any subscription of the channel following it: not posted; marked for those lacking it', async () => {
    const number = await subscribe(store, 'C1', A, 'U1');
    const owner = await subscribe(store, 'C1', B, 'U2');
    // Another person with the same number, wanting inbound calls only.
    const inbound = await subscribe(store, 'C1', C, 'U3');
    const r = recordingOf(1, Date.now() - 30_000, A);
    // Posted for the number alone (a crash between two marks, or the owner's gate failed then).
    await store.markDelivered(number.id, r, new Date());
    const watches = [
      watchOf(number),
      following(owner, A, B),
      following({ ...inbound, filters: { directions: ['inbound'] } }, A, C),
    ];
    expect(await fanOut().share(watches, byId(r), nothingPending)).toEqual([]);
    expect(await store.delivered(owner.id, 1)).toBe(true);
    // Its filter does not let the recording through: not news for it, so not marked for it either.
    expect(await store.delivered(inbound.id, 1)).toBe(false);
    expect(log.logged('subscriptions.settled')).toEqual([
      expect.objectContaining({ channel: 'C1', recording: 1, subscriptions: [owner.id] }),
    ]);
    // Nothing more to do next time.
    expect(await fanOut().share(watches, byId(r), nothingPending)).toEqual([]);
    expect(log.logged('subscriptions.settled')).toHaveLength(1);
  });

  it('a subscription whose gate threw only follows: the post is for the others; its mark comes next poll', async () => {
    const number = await subscribe(store, 'C1', A, 'U1');
    const owner = await subscribe(store, 'C1', B, 'U2');
    let failing = true;
    const f = fanOut({
      gate: async (sub) => {
        if (sub.createdBy === 'U1' && failing) throw new Error('users.info failed');
        return { ok: true };
      },
    });
    const r = recordingOf(1, Date.now() - 30_000, A);
    const watches = [watchOf(number), following(owner, A, B)];
    expect(posts(await f.share(watches, byId(r), nothingPending))).toEqual([
      `${owner.id}: 1 for ${owner.id}`,
    ]);
    // Delivery posts it and marks it for the owner; next poll the number's gate answers.
    await store.markDelivered(owner.id, r, new Date());
    failing = false;
    expect(await f.share(watches, byId(r), nothingPending)).toEqual([]);
    expect(await store.delivered(number.id, 1)).toBe(true);
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

    it('an intent for any subscription of the channel following it holds it back for every other', async () => {
      pair = await twoReplicas(url as string, 60_000);
      const number = await subscribe(pair.a.store, 'C1', A, 'U1');
      const owner = await subscribe(pair.a.store, 'C1', B, 'U2');
      const r = recordingOf(1, Date.now() - 30_000, A);
      // B began posting it for the owner alone (on B the number's gate had failed).
      await pair.b.take();
      expect(await pair.b.fence.enter(owner.id, [1])).toBe(true);
      await pair.b.give();
      await pair.a.take();
      const f = fanOut({ store: pair.a.store, fence: pair.a.fence });
      // On A, only the number may post: still held back.
      const gate: Gate = async (sub) =>
        sub.createdBy === 'U2' ? Promise.reject(new Error('x')) : { ok: true };
      const onlyNumber = fanOut({ store: pair.a.store, fence: pair.a.fence, gate });
      const watches = [watchOf(number), following(owner, A, B)];
      expect(await onlyNumber.share(watches, byId(r), nothingPending)).toEqual([]);
      expect(await f.share(watches, byId(r), nothingPending)).toEqual([]);
      // B's post failed: its intent withdrawn, the post is A's, for both.
      await pair.b.fence.leave(owner.id, [1]);
      expect(posts(await f.share(watches, byId(r), nothingPending))).toEqual([
        `${number.id}: 1 for ${number.id},${owner.id}`,
      ]);
    });
  });
});
