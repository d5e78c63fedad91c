/**
 * Parts for the poller's module tests: a log that can be read back, recordings and subscriptions
 * as the store and Focus hand them over, a Publisher that records what it is handed (the poller's
 * own port, not Slack), and two replicas on one real Redis, each with the poller lease and its
 * post fence.
 */
import type { Recording } from '../../src/domain/focus.js';
import { createLogger } from '../../src/log.js';
import { openRedisState } from '../../src/state/redis.js';
import type { Subscription, SubscriptionStore } from '../../src/state/subscriptions.js';
import type { Post, PostFor, Watch } from '../../src/subscriptions/news.js';
import type { PostResult, Publisher, StoppedNotice } from '../../src/subscriptions/publisher.js';
import { deletePrefix, uniquePrefix } from './redis.js';

export function capturedLog() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (l) => lines.push(l) });
  const logged = (event: string) =>
    lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === event);
  return { logger, logged };
}

/** A recording of `phone` that started at `startMs`. */
export function recordingOf(id: number, startMs: number, phone: string): Recording {
  const start = new Date(startMs).toISOString();
  return { id, start, endpoints: [{ id: 1, value: phone, type: 'phone' }], people: [], tags: [] };
}

/** A channel's subscription to `phone`, made at `created` (default an hour ago). */
export async function subscribe(
  store: SubscriptionStore,
  channel: string,
  phone: string,
  user = 'U1',
  created = new Date(Date.now() - 3_600_000),
): Promise<Subscription> {
  const target = { kind: 'phone', phone, display: `+${phone}` } as const;
  return (await store.add({ team: 'T1', channel, createdBy: user, target }, created)).subscription;
}

/** The subscription as a poll sees it, following its number (no cursor yet). */
export function watchOf(subscription: Subscription, endpointIds: number[] = [1]): Watch {
  const phone = subscription.target.kind === 'phone' ? subscription.target.phone : '';
  const cursor = { newestStart: undefined, idsAtNewest: [] };
  return { subscription, cursor, numbers: new Set([phone]), endpointIds };
}

/** Each recording as a post for these subscriptions (the first leads), following `numbers`. */
export function postsOf(
  subscriptions: PostFor,
  recordings: Recording[],
  numbers: ReadonlySet<string>,
): Post[] {
  return recordings.map((recording) => ({ recording, subscriptions, followed: numbers }));
}

/**
 * Records every post, summary and notice it is handed. Before answering a post it asks the send
 * check, as Slack's poster does (no: nothing sent, `fenced`); `answer` decides the rest (default ok).
 */
export class RecordingPublisher implements Publisher {
  readonly posts: number[] = [];
  /** For each post, the subscriptions it named (the lead first). */
  readonly postedFor: number[][] = [];
  readonly summaries: number[] = [];
  readonly notices: Array<{ subscription: number; reason: string; tell: StoppedNotice | undefined }> = [];
  answer: (recording: number) => PostResult | Promise<PostResult> = () => ({ ok: true });

  async recording({ recording, subscriptions }: Post, check?: () => Promise<boolean>) {
    this.posts.push(recording.id);
    this.postedFor.push(subscriptions.map((s) => s.id));
    if (check && !(await check())) return { ok: false, fenced: true } as const;
    return this.answer(recording.id);
  }

  async summary(_: PostFor, more: number, check?: () => Promise<boolean>): Promise<PostResult> {
    this.summaries.push(more);
    if (check && !(await check())) return { ok: false, fenced: true };
    return { ok: true };
  }

  async stopped(sub: Subscription, reason: string, tell?: StoppedNotice): Promise<void> {
    this.notices.push({ subscription: sub.id, reason, tell });
  }
}

/**
 * Two replicas, A and B, on one Redis under a prefix of their own: each its store, and its post
 * fence against the poller lease, which `take` acquires for it (the other must not hold it).
 */
export async function twoReplicas(url: string, graceMs: number) {
  const prefix = uniquePrefix('replicas');
  const replica = async (holderId: string) => {
    const store = await openRedisState(url, { prefix });
    const lease = store.lease();
    let token: number | undefined;
    const fence = store.postFence({
      lease: 'poller',
      holderId,
      token: () => token,
      minLeftMs: 1_000,
      graceMs,
    });
    return {
      store,
      fence,
      async take() {
        token = await lease.acquire('poller', holderId, 60_000);
        if (token === undefined) throw new Error(`${holderId} could not take the lease`);
      },
      async give() {
        await lease.release('poller', holderId);
        token = undefined;
      },
    };
  };
  const a = await replica('A');
  const b = await replica('B');
  return {
    a,
    b,
    async close() {
      await a.store.close();
      await b.store.close();
      await deletePrefix(url, prefix);
    },
  };
}

/** Waits until `check` holds or `ms` passed (the deadline only bounds the wait). */
export async function until(check: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}
