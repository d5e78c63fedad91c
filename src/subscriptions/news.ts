/**
 * What is news, decided without I/O. Focus does not document sorting or date filters, and a
 * recording can appear in Focus well after it started (a long call is uploaded when it ends), so
 * a recording is news for a subscription when: it matches the subscription and passes its filters,
 * it started after the subscription was made, it started no earlier than the cursor minus the
 * look-back window, and it has not been delivered. The delivered ids, not the cursor, make it
 * exactly once. A channel gets one post per recording: `channelNews` gathers, per channel, each
 * recording with the subscriptions there it is news for (see `fan-out.ts`).
 */
import { passesFilters } from '../domain/filters.js';
import type { Recording } from '../domain/focus.js';
import type { Cursor, Subscription } from '../state/subscriptions.js';

/** Posts per subscription per poll; the rest become one "and N more" line. */
export const MAX_POSTS_PER_POLL = 10;

export interface Watch {
  subscription: Subscription;
  cursor: Cursor;
  /** Phone numbers (Focus form) whose recordings the subscription follows. */
  numbers: ReadonlySet<string>;
  /** Focus endpoint ids of those numbers, for the search. */
  endpointIds: readonly number[];
}

/** The earliest start worth asking Focus about for this watch. */
export function horizonMs(watch: Watch, lookbackMs: number): number {
  const created = Date.parse(watch.subscription.createdAt);
  const cursor = watch.cursor.newestStart ? Date.parse(watch.cursor.newestStart) - lookbackMs : created;
  return Math.max(created, cursor);
}

export function matches(watch: Watch, recording: Recording): boolean {
  return recording.endpoints.some((e) => watch.numbers.has(e.value));
}

/**
 * Candidates for one watch, oldest first (ties by id): matching, passing its filters, inside the
 * horizon, not already counted at the cursor's instant. The caller still drops those already
 * delivered.
 */
export function candidates(watch: Watch, recordings: Iterable<Recording>, lookbackMs: number): Recording[] {
  const from = horizonMs(watch, lookbackMs);
  const atCursor = new Set(watch.cursor.idsAtNewest);
  const found: Array<{ r: Recording; t: number }> = [];
  for (const r of recordings) {
    const t = Date.parse(r.start);
    if (!Number.isFinite(t) || t <= from || atCursor.has(r.id) || !matches(watch, r)) continue;
    if (passesFilters(watch.subscription.filters, r)) found.push({ r, t });
  }
  found.sort((a, b) => a.t - b.t || a.r.id - b.r.id);
  return found.map((x) => x.r);
}

/** The subscriptions of one channel a post is for, the oldest first: it leads (its chain posts it). */
export type PostFor = readonly [Subscription, ...Subscription[]];

/** One recording to post in one channel, once, however many of the channel's subscriptions it is news for. */
export interface Post {
  recording: Recording;
  subscriptions: PostFor;
  /** The numbers they follow: the card's other party is whoever is not one of them. */
  followed: ReadonlySet<string>;
}

/** A recording news in a channel this poll. */
export interface ChannelNews {
  channel: string;
  recording: Recording;
  /** The watches that may post this poll it is news for, oldest first (never empty). */
  posting: Watch[];
  /**
   * Every watch of the channel following it, whatever its gate or filters: if any of them has it
   * marked (or another replica posting it), the channel has it already.
   */
  following: Watch[];
}

/**
 * The recordings of one poll by the numbers on them, so that each watch reads only its own:
 * reading every recording for every watch made 1,000 subscriptions × 5,000 recordings five
 * million steps a poll, most of the app's CPU under a burst.
 */
export function byNumber(recordings: Iterable<Recording>): (numbers: ReadonlySet<string>) => Recording[] {
  const index = new Map<string, Recording[]>();
  for (const r of recordings) {
    for (const e of r.endpoints) {
      const list = index.get(e.value);
      if (!list) index.set(e.value, [r]);
      else if (list.at(-1) !== r) list.push(r);
    }
  }
  return (numbers) => {
    const found = new Set<Recording>();
    for (const n of numbers) for (const r of index.get(n) ?? []) found.add(r);
    return [...found];
  };
}

/**
 * Per channel, each recording that is news there for at least one watch that may post: with
 * those it is news for and every watch following it; oldest first. A recording `pending` in a
 * channel (queued or posted here, its mark held back) is not news there again.
 */
export function channelNews(
  watches: readonly Watch[],
  mayPost: (watch: Watch) => boolean,
  recordings: Iterable<Recording>,
  lookbackMs: number,
  pending: (channel: string) => ReadonlySet<number>,
): ChannelNews[] {
  const recordingsOf = byNumber(recordings);
  const channels = new Map<string, Watch[]>();
  for (const w of watches) {
    const list = channels.get(w.subscription.channel);
    if (list) list.push(w);
    else channels.set(w.subscription.channel, [w]);
  }
  const news: ChannelNews[] = [];
  for (const [channel, inChannel] of channels) {
    const held = pending(channel);
    const found = new Map<number, ChannelNews>();
    for (const w of inChannel) {
      if (!mayPost(w)) continue;
      for (const recording of candidates(w, recordingsOf(w.numbers), lookbackMs)) {
        if (held.has(recording.id)) continue;
        const item = found.get(recording.id) ?? { channel, recording, posting: [], following: [] };
        item.posting.push(w);
        found.set(recording.id, item);
      }
    }
    for (const item of found.values()) {
      item.posting.sort((a, b) => a.subscription.id - b.subscription.id);
      item.following = inChannel.filter((w) => matches(w, item.recording));
      news.push(item);
    }
  }
  const start = (n: ChannelNews) => Date.parse(n.recording.start);
  return news.sort((a, b) => start(a) - start(b) || a.recording.id - b.recording.id);
}

/** The post for a channel's news: for every watch it is news for, the oldest leading. */
export function postOf({ recording, posting }: ChannelNews): Post {
  const [lead, ...others] = posting.map((w) => w.subscription);
  return {
    recording,
    subscriptions: [lead as Subscription, ...others],
    followed: new Set(posting.flatMap((w) => [...w.numbers])),
  };
}

/** The newest `max` to post one by one (oldest first), and the older rest counted in a summary. */
export function capPosts<T>(news: readonly T[], max = MAX_POSTS_PER_POLL): { post: T[]; summarised: T[] } {
  const cut = Math.max(0, news.length - max);
  return { post: news.slice(cut), summarised: news.slice(0, cut) };
}
