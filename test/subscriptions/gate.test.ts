/**
 * The poller's gate, halt and suspend, with a fake gate, a fake Focus search and a recording
 * publisher over a real (in-memory) SQLite store.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Recording } from '../../src/domain/focus.js';
import type { GateResult } from '../../src/domain/subscription.js';
import { FocusCache } from '../../src/focus/cache.js';
import type { FocusClient } from '../../src/focus/client.js';
import { createLogger } from '../../src/log.js';
import { openSqliteState, type SqliteState } from '../../src/state/sqlite.js';
import type { Subscription } from '../../src/state/subscriptions.js';
import { SubscriptionPoller } from '../../src/subscriptions/poller.js';
import type { PostResult, Publisher, StoppedNotice } from '../../src/subscriptions/publisher.js';
import { SubscriptionService } from '../../src/subscriptions/service.js';

const PHONE = '447700900123';
const target = { kind: 'phone', phone: PHONE, display: '+44 7700 900123' } as const;

let store: SqliteState;
let lines: string[];
let nextRecording: number;
let recordings: Recording[];
let posts: Array<{ channel: string; recording: number }>;
let notices: Array<{ subscription: number; reason: string; tell: StoppedNotice | undefined }>;
/** When set, each post waits for it (to act while deliveries are under way). */
let hold: Promise<void> | undefined;

const publisher: Publisher = {
  async recording({ subscriptions: [sub], recording }): Promise<PostResult> {
    posts.push({ channel: sub.channel, recording: recording.id });
    if (hold) await hold;
    return { ok: true };
  },
  async summary(): Promise<PostResult> {
    return { ok: true };
  },
  async stopped(sub, reason, tell) {
    notices.push({ subscription: sub.id, reason, tell });
  },
};

const client = {
  async scanRecordings() {
    return { items: recordings, rejected: [], total: recordings.length, page: 1, pageSize: 100 };
  },
} as unknown as FocusClient;

function addRecording(): Recording {
  const r: Recording = {
    id: nextRecording++,
    start: new Date(Date.now() - 60_000).toISOString(),
    endpoints: [{ id: 1, value: PHONE, type: 'phone' }],
    people: [],
    tags: [],
  };
  recordings.push(r);
  return r;
}

function poller(gate?: (sub: Subscription) => Promise<GateResult>) {
  return new SubscriptionPoller({
    store,
    client,
    endpoints: {
      ofNumber: async () => [{ id: 1, value: PHONE, type: 'phone' }],
      ofPerson: async () => [],
    },
    publisher,
    logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }),
    intervalMs: 60_000,
    ...(gate && { gate }),
  });
}

async function subscribe(channel: string, user: string, phone = PHONE): Promise<Subscription> {
  const created = new Date(Date.now() - 3_600_000);
  return (await store.add({ team: 'T1', channel, createdBy: user, target: { ...target, phone } }, created))
    .subscription;
}

/** One poll and the deliveries it queued. */
async function pollAndDeliver(p: SubscriptionPoller) {
  const report = await p.poll();
  await p.stop();
  return report;
}

const logged = (event: string) =>
  lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === event);

beforeEach(() => {
  store = openSqliteState(':memory:');
  lines = [];
  nextRecording = 100;
  recordings = [];
  posts = [];
  notices = [];
  hold = undefined;
});
afterEach(async () => {
  await store.close();
});

describe('the poller gate', () => {
  it('ok: everything posts; asked once per channel and subscriber in a poll', async () => {
    await subscribe('C1', 'U1');
    await subscribe('C1', 'U1', '447700900124');
    await subscribe('C1', 'U2', '447700900125');
    await subscribe('C2', 'U1');
    const asked: string[] = [];
    const p = poller(async (sub) => {
      asked.push(`${sub.channel}/${sub.createdBy}`);
      return { ok: true };
    });
    addRecording();
    await pollAndDeliver(p);
    expect(asked.sort()).toEqual(['C1/U1', 'C1/U2', 'C2/U1']);
    // The recording is news for all three of C1's subscriptions: one post there.
    expect(posts.map((x) => x.channel).sort()).toEqual(['C1', 'C2']);
    // The next poll asks again (nothing is kept between polls).
    await pollAndDeliver(p);
    expect(asked).toHaveLength(6);
  });

  it.each([
    [true, 'channel'],
    [false, 'subscriber'],
  ] as const)(
    'a refusal (tellChannel %s) pauses, posts nothing, and says why once to the %s',
    async (tellChannel, tell) => {
      const refused = await subscribe('C1', 'U1');
      await subscribe('C2', 'U1');
      const p = poller(async (sub) =>
        sub.channel === 'C1' ? { ok: false, reason: 'subscriber_not_allowed', tellChannel } : { ok: true },
      );
      addRecording();
      await pollAndDeliver(p);
      expect(posts.map((x) => x.channel)).toEqual(['C2']);
      expect(notices).toEqual([{ subscription: refused.id, reason: 'subscriber_not_allowed', tell }]);
      expect((await store.list('C1'))[0]?.paused?.reason).toBe('subscriber_not_allowed');
      expect(logged('subscriptions.paused')).toEqual([
        expect.objectContaining({
          level: 'warn',
          subscription: refused.id,
          reason: 'subscriber_not_allowed',
        }),
      ]);
      // Paused: the next poll neither posts there nor says it again.
      addRecording();
      await pollAndDeliver(p);
      expect(posts.filter((x) => x.channel === 'C1')).toEqual([]);
      expect(notices).toHaveLength(1);
    },
  );

  it('a gate that throws skips that channel for this poll only: nothing paused, the poll goes on', async () => {
    const failing = await subscribe('C1', 'U1');
    await subscribe('C2', 'U1');
    let fail = true;
    const p = poller(async (sub) => {
      if (sub.channel === 'C1' && fail) throw new Error('conversations.info failed');
      return { ok: true };
    });
    const r = addRecording();
    const report = await pollAndDeliver(p);
    expect(report.ok).toBe(true);
    expect(posts).toEqual([{ channel: 'C2', recording: r.id }]);
    expect((await store.list('C1'))[0]?.paused).toBeUndefined();
    expect(notices).toEqual([]);
    expect(logged('subscriptions.gate_failed')).toEqual([
      expect.objectContaining({ level: 'warn', channel: 'C1', subscriber: 'U1' }),
    ]);
    // The next poll, with the check working, posts what waited.
    fail = false;
    await pollAndDeliver(p);
    expect(posts).toContainEqual({ channel: 'C1', recording: r.id });
    expect(await store.delivered(failing.id, r.id)).toBe(true);
  });
});

/** Each post waits until the returned function is called (to act while deliveries are under way). */
function holdPosts(): () => void {
  let release = () => {};
  hold = new Promise<void>((resolve) => {
    release = resolve;
  });
  return release;
}

describe('halt and suspend', () => {
  it('halt drops what is queued for those subscriptions: the post under way is the last', async () => {
    const sub = await subscribe('C1', 'U1');
    const release = holdPosts();
    addRecording();
    addRecording();
    addRecording();
    const p = poller();
    await p.poll();
    expect(posts).toHaveLength(1);
    p.halt([sub.id]);
    release();
    await p.stop();
    expect(posts).toHaveLength(1);
  });

  it('unsubscribing (the service) drops what the poller holds for it: the post under way is the last', async () => {
    const sub = await subscribe('C1', 'U1');
    const release = holdPosts();
    addRecording();
    addRecording();
    const p = poller();
    const quiet = createLogger({ level: 'error', write: () => {} });
    const service = new SubscriptionService({
      store,
      cache: new FocusCache(client),
      logger: quiet,
      onStopped: (ids) => p.halt(ids),
    });
    await p.poll();
    expect(posts).toHaveLength(1);
    expect(await service.unsubscribe('all', { channel: 'C1', team: 'T1', user: 'U1' }, quiet)).toEqual([
      expect.objectContaining({ id: sub.id }),
    ]);
    release();
    await p.stop();
    expect(posts).toHaveLength(1);
  });

  it('suspend: no poll runs again and nothing queued is posted', async () => {
    await subscribe('C1', 'U1');
    const release = holdPosts();
    addRecording();
    addRecording();
    const p = poller();
    await p.poll();
    p.suspend();
    release();
    await p.stop();
    expect(posts).toHaveLength(1);
    addRecording();
    hold = undefined;
    const report = await pollAndDeliver(p);
    expect(report.subscriptions).toBe(0);
    expect(posts).toHaveLength(1);
  });
});
