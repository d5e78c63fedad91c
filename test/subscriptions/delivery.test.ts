/**
 * Posting news (`delivery.ts`) into a Publisher that records what it is handed, marks in a real
 * SQLite store, and on a real Redis the post fence of two replicas: in order, stopping at the first
 * failure; marks the store cannot take held (counted as posted) and written in order once it
 * answers; an unsure failure keeping its intent, the others withdrawing it; a stop pausing and
 * telling once; a refusal told after the post under way.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Recording } from '../../src/domain/focus.js';
import { openSqliteState, type SqliteState } from '../../src/state/sqlite.js';
import type { Subscription, SubscriptionStore } from '../../src/state/subscriptions.js';
import { Delivery, type DeliveryOptions } from '../../src/subscriptions/delivery.js';
import { FanOut } from '../../src/subscriptions/fan-out.js';
import type { PostResult } from '../../src/subscriptions/publisher.js';
import { deferred } from '../helpers/deferred.js';
import { sharedRedisUrl } from '../helpers/redis.js';
import {
  capturedLog,
  postsOf,
  RecordingPublisher,
  recordingOf,
  subscribe,
  twoReplicas,
  until,
  watchOf,
} from '../helpers/subscriptions.js';

const PHONE = '447700900123';

let sqlite: SqliteState;
let log: ReturnType<typeof capturedLog>;
let publisher: RecordingPublisher;
let outcomes: string[];
let mayPost: boolean;

beforeEach(() => {
  sqlite = openSqliteState(':memory:');
  log = capturedLog();
  publisher = new RecordingPublisher();
  outcomes = [];
  mayPost = true;
});
afterEach(async () => {
  await sqlite.close();
});

function delivery(options: Partial<DeliveryOptions> = {}) {
  return new Delivery({
    store: sqlite,
    publisher,
    logger: log.logger,
    intervalMs: 60_000,
    markRetryMs: 20,
    onPost: (result) => outcomes.push(result),
    now: () => new Date(),
    mayPost: () => mayPost,
    ...options,
  });
}

/** `count` recordings of PHONE, oldest first, ids from `first`. */
function news(count: number, first = 1): Recording[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => recordingOf(first + i, now - 60_000 + i * 1_000, PHONE));
}

const numbers = new Set([PHONE]);

async function delivered(store: SubscriptionStore, sub: Subscription, ids: number[]): Promise<boolean[]> {
  return Promise.all(ids.map((id) => store.delivered(sub.id, id)));
}

const fails =
  (id: number, result: PostResult) =>
  (recording: number): PostResult =>
    recording === id ? result : { ok: true };

describe('delivery', () => {
  it('posts in order, each marked after Slack took it with one audit line; stops at the first failure', async () => {
    const sub = await subscribe(sqlite, 'C1', PHONE);
    const d = delivery();
    publisher.answer = fails(2, { ok: false, error: 'ratelimited' });
    d.enqueue(sub, postsOf([sub], news(3), numbers));
    expect([...d.pending(sub.channel)]).toEqual([1, 2, 3]);
    await d.settle();
    expect(publisher.posts).toEqual([1, 2]);
    expect(await delivered(sqlite, sub, [1, 2, 3])).toEqual([true, false, false]);
    expect(outcomes).toEqual(['ok', 'failed']);
    expect(log.logged('audit')).toEqual([
      expect.objectContaining({
        kind: 'subscription_post',
        authorisedBy: 'U1',
        channel: 'C1',
        recordingIds: [1],
      }),
    ]);
    expect(log.logged('subscriptions.post_failed')).toEqual([
      expect.objectContaining({ subscription: sub.id, error: 'ratelimited' }),
    ]);
    // Nothing is held: what failed is news for the next poll.
    expect(d.pending(sub.channel).size).toBe(0);
  });

  it('more than ten: the newest ten one by one, then one summary for the older rest (its audit line names none)', async () => {
    const sub = await subscribe(sqlite, 'C1', PHONE);
    const d = delivery();
    d.enqueue(sub, postsOf([sub], news(12), numbers));
    await d.settle();
    expect(publisher.posts).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(publisher.summaries).toEqual([2]);
    expect(await delivered(sqlite, sub, [1, 2, 12])).toEqual([true, true, true]);
    const audit = log.logged('audit');
    expect(audit).toHaveLength(11);
    expect(audit.at(-1)).toMatchObject({ recordingIds: [] });
  });

  it('nothing is posted while this process may not (the lease gone): it stays news', async () => {
    const sub = await subscribe(sqlite, 'C1', PHONE);
    const d = delivery();
    mayPost = false;
    d.enqueue(sub, postsOf([sub], news(2), numbers));
    await d.settle();
    expect(publisher.posts).toEqual([]);
    expect(await delivered(sqlite, sub, [1, 2])).toEqual([false, false]);
    expect(d.pending(sub.channel).size).toBe(0);
  });

  it('marks the store cannot take are held, counted as posted, and written in order once it answers', async () => {
    const sub = await subscribe(sqlite, 'C1', PHONE);
    const cut = severable(sqlite);
    const d = delivery({ store: cut.store });
    // The store goes away while the first post is on its way: none of the three marks can be written.
    publisher.answer = (id) => {
      if (id === 1) cut.down = true;
      return { ok: true };
    };
    d.enqueue(sub, postsOf([sub], news(3), numbers));
    await until(() => publisher.posts.length === 3 && d.pending(sub.channel).size === 3);
    expect(outcomes).toEqual(['ok', 'ok', 'ok']);
    expect(await delivered(sqlite, sub, [1, 2, 3])).toEqual([false, false, false]);
    // Counted as posted: the next poll does not find them news, though the store does not know yet.
    const next = await new FanOut({ store: sqlite, logger: log.logger, lookbackMs: 3_600_000 }).share(
      [watchOf(sub)],
      new Map(news(3).map((r) => [r.id, r])),
      (channel) => d.pending(channel),
    );
    expect(next).toEqual([]);
    expect(log.logged('subscriptions.mark_deferred')).toHaveLength(1);

    cut.down = false;
    await until(() => cut.written.length === 3);
    expect(cut.written).toEqual([1, 2, 3]);
    expect(await delivered(sqlite, sub, [1, 2, 3])).toEqual([true, true, true]);
    expect(log.logged('subscriptions.marks_saved')).toHaveLength(1);
    expect(d.pending(sub.channel).size).toBe(0);
    expect(publisher.posts).toEqual([1, 2, 3]);
  });

  it('a stop pauses the subscription, drops the rest and what was queued after it, and tells once', async () => {
    const sub = await subscribe(sqlite, 'C1', PHONE);
    const d = delivery();
    publisher.answer = fails(1, { ok: false, stop: 'is_archived' });
    d.enqueue(sub, postsOf([sub], news(3), numbers));
    d.enqueue(sub, postsOf([sub], news(1, 4), numbers));
    await d.settle();
    expect(publisher.posts).toEqual([1]);
    expect(publisher.notices).toEqual([{ subscription: sub.id, reason: 'is_archived', tell: undefined }]);
    expect((await sqlite.list('C1'))[0]?.paused?.reason).toBe('is_archived');
    expect(outcomes).toEqual(['stopped']);
    expect(log.logged('subscriptions.paused')).toEqual([
      expect.objectContaining({ subscription: sub.id, reason: 'is_archived' }),
    ]);
  });

  it('a refusal pauses at once and is told after the post under way; the rest is dropped', async () => {
    const sub = await subscribe(sqlite, 'C1', PHONE);
    const d = delivery();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    publisher.answer = async () => {
      await held;
      return { ok: true };
    };
    d.enqueue(sub, postsOf([sub], news(3), numbers));
    await until(() => publisher.posts.length === 1);
    await d.refused(sub, { ok: false, reason: 'subscriber_not_allowed', tellChannel: false });
    expect((await sqlite.list('C1'))[0]?.paused?.reason).toBe('subscriber_not_allowed');
    expect(publisher.notices).toEqual([]);
    release();
    await d.settle();
    expect(publisher.posts).toEqual([1]);
    expect(publisher.notices).toEqual([
      { subscription: sub.id, reason: 'subscriber_not_allowed', tell: 'subscriber' },
    ]);
    expect(log.logged('subscriptions.paused')).toEqual([
      expect.objectContaining({ by: 'gate', told: 'subscriber', reason: 'subscriber_not_allowed' }),
    ]);
  });

  it('a post for two subscriptions of a channel: posted once, naming both, marked for both; pending in the channel', async () => {
    const number = await subscribe(sqlite, 'C1', PHONE, 'U1');
    const owner = await subscribe(sqlite, 'C1', '447700900999', 'U2');
    const d = delivery();
    d.enqueue(number, postsOf([number, owner], news(2), numbers));
    expect([...d.pending('C1')]).toEqual([1, 2]);
    expect(d.pending('C2').size).toBe(0);
    await d.settle();
    expect(publisher.posts).toEqual([1, 2]);
    expect(publisher.postedFor).toEqual([
      [number.id, owner.id],
      [number.id, owner.id],
    ]);
    expect(await delivered(sqlite, number, [1, 2])).toEqual([true, true]);
    expect(await delivered(sqlite, owner, [1, 2])).toEqual([true, true]);
    expect(log.logged('audit')[0]).toMatchObject({
      authorisedBy: 'U1',
      subscription: number.id,
      alsoFor: [{ subscription: owner.id, authorisedBy: 'U2' }],
      recordingIds: [1],
    });
    expect(d.pending('C1').size).toBe(0);
  });

  it('another of the post’s subscriptions paused meanwhile is left out of it and its marks', async () => {
    const number = await subscribe(sqlite, 'C1', PHONE, 'U1');
    const owner = await subscribe(sqlite, 'C1', '447700900999', 'U2');
    const d = delivery();
    d.halt([owner.id]);
    d.enqueue(number, postsOf([number, owner], news(1), numbers));
    await d.settle();
    expect(publisher.postedFor).toEqual([[number.id]]);
    expect(await delivered(sqlite, owner, [1])).toEqual([false]);
    expect(await delivered(sqlite, number, [1])).toEqual([true]);
  });

  it('a stop pauses every subscription the post was for, each told once', async () => {
    const number = await subscribe(sqlite, 'C1', PHONE, 'U1');
    const owner = await subscribe(sqlite, 'C1', '447700900999', 'U2');
    const d = delivery();
    publisher.answer = fails(1, { ok: false, stop: 'channel_not_found' });
    d.enqueue(number, postsOf([number, owner], news(2), numbers));
    await d.settle();
    expect(publisher.posts).toEqual([1]);
    expect((await sqlite.list('C1')).map((s) => s.paused?.reason)).toEqual([
      'channel_not_found',
      'channel_not_found',
    ]);
    expect(publisher.notices.map((n) => n.subscription)).toEqual([number.id, owner.id]);
  });

  const url = sharedRedisUrl();
  describe.skipIf(!url)('with the post fence (two replicas on Redis)', () => {
    let pair: Awaited<ReturnType<typeof twoReplicas>>;
    afterEach(async () => {
      await pair?.close();
    });

    it.each([
      [
        'an unsure failure keeps its intent (Slack may have posted it)',
        { ok: false, error: 'timeout', unsure: true },
        true,
      ],
      ['a failure withdraws its intent', { ok: false, error: 'invalid_blocks' }, false],
      ['a stop withdraws its intent', { ok: false, stop: 'is_archived' }, false],
    ] as Array<[string, PostResult, boolean]>)('%s', async (_, result, kept) => {
      pair = await twoReplicas(url as string, 60_000);
      await pair.a.take();
      const sub = await subscribe(pair.a.store, 'C1', PHONE);
      const d = delivery({ store: pair.a.store, fence: pair.a.fence });
      publisher.answer = fails(1, result);
      d.enqueue(sub, postsOf([sub], news(2), numbers));
      await d.settle();
      expect(publisher.posts).toEqual([1]);
      // What the other replica sees.
      expect([...(await pair.b.fence.othersSending(sub.id, [1, 2]))]).toEqual(kept ? [1] : []);
    });

    it.each([
      ['removed', (store: SubscriptionStore, sub: Subscription) => store.remove(sub.channel, [sub.id])],
      [
        'paused',
        (store: SubscriptionStore, sub: Subscription) => store.pause(sub.id, 'archived', new Date()),
      ],
    ] as const)(
      'a subscription %s on the other replica while its posts wait: the rest is not sent',
      async (_, stop) => {
        pair = await twoReplicas(url as string, 60_000);
        await pair.a.take();
        const sub = await subscribe(pair.a.store, 'C1', PHONE);
        const d = delivery({ store: pair.a.store, fence: pair.a.fence });
        const first = deferred<PostResult>();
        publisher.answer = (id) => (id === 1 ? first.promise : { ok: true });
        d.enqueue(sub, postsOf([sub], news(2), numbers));
        await until(() => publisher.posts.length === 1);
        await stop(pair.b.store, sub);
        first.resolve({ ok: true });
        await d.settle();
        expect(log.logged('subscriptions.post_fenced')).toEqual([expect.objectContaining({ recording: 2 })]);
        expect(await pair.b.fence.othersSending(sub.id, [2])).toEqual(new Set());
      },
    );

    it('a post for two subscriptions leaves its intent on both; a failure withdraws both', async () => {
      pair = await twoReplicas(url as string, 60_000);
      await pair.a.take();
      const number = await subscribe(pair.a.store, 'C1', PHONE, 'U1');
      const owner = await subscribe(pair.a.store, 'C1', '447700900999', 'U2');
      const d = delivery({ store: pair.a.store, fence: pair.a.fence });
      publisher.answer = fails(2, { ok: false, error: 'invalid_blocks' });
      // The first is taken but its marks are held: its intents stay, for both.
      const cut = severable(pair.a.store);
      cut.down = true;
      const held = delivery({ store: cut.store, fence: pair.a.fence });
      held.enqueue(number, postsOf([number, owner], news(1), numbers));
      await until(() => held.pending('C1').size === 1 && publisher.posts.length === 1);
      expect([...(await pair.b.fence.othersSending(number.id, [1]))]).toEqual([1]);
      expect([...(await pair.b.fence.othersSending(owner.id, [1]))]).toEqual([1]);
      cut.down = false;
      await held.settle();
      d.enqueue(number, postsOf([number, owner], news(1, 2), numbers));
      await d.settle();
      expect(publisher.posts).toEqual([1, 2]);
      expect([...(await pair.b.fence.othersSending(number.id, [2]))]).toEqual([]);
      expect([...(await pair.b.fence.othersSending(owner.id, [2]))]).toEqual([]);
    });

    it('a send the fence refuses (the lease is not this replica’s) ends the batch: nothing sent or marked', async () => {
      pair = await twoReplicas(url as string, 60_000);
      const sub = await subscribe(pair.a.store, 'C1', PHONE);
      const d = delivery({ store: pair.a.store, fence: pair.a.fence });
      d.enqueue(sub, postsOf([sub], news(2), numbers));
      await d.settle();
      expect(publisher.posts).toEqual([1]);
      expect(await delivered(pair.a.store, sub, [1, 2])).toEqual([false, false]);
      expect(log.logged('subscriptions.post_fenced')).toEqual([expect.objectContaining({ recording: 1 })]);
    });
  });
});

/**
 * The real store, cut off from its marks while `down` (as when Redis stops answering): each
 * `markDelivered` then fails; those that reach the store are noted in order in `written`.
 */
function severable(store: SubscriptionStore) {
  const cut = { down: false, written: [] as number[], store };
  cut.store = new Proxy(store, {
    get(target, key) {
      if (key === 'markDelivered')
        return async (id: number, recording: Recording, now: Date) => {
          if (cut.down) throw new Error('state_unreachable');
          await target.markDelivered(id, recording, now);
          cut.written.push(recording.id);
        };
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return cut;
}
