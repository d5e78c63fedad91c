/**
 * What is news for one subscription, decided without I/O. Focus does not document sorting or
 * date filters, and a recording can appear in Focus well after it started (a long call is
 * uploaded when it ends), so a recording is news when: it matches the subscription, it started
 * after the subscription was made, it started no earlier than the cursor minus the look-back
 * window, and it has not been delivered. The delivered ids, not the cursor, make it exactly once.
 */
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
 * Candidates for one watch, oldest first (ties by id): matching, inside the horizon, not
 * already counted at the cursor's instant. The caller still drops those already delivered.
 */
export function candidates(watch: Watch, recordings: Iterable<Recording>, lookbackMs: number): Recording[] {
  const from = horizonMs(watch, lookbackMs);
  const atCursor = new Set(watch.cursor.idsAtNewest);
  const found: Array<{ r: Recording; t: number }> = [];
  for (const r of recordings) {
    const t = Date.parse(r.start);
    if (!Number.isFinite(t) || t <= from || atCursor.has(r.id) || !matches(watch, r)) continue;
    found.push({ r, t });
  }
  found.sort((a, b) => a.t - b.t || a.r.id - b.r.id);
  return found.map((x) => x.r);
}

/** The newest `max` to post one by one (oldest first), and the older rest counted in a summary. */
export function capPosts<T>(news: readonly T[], max = MAX_POSTS_PER_POLL): { post: T[]; summarised: T[] } {
  const cut = Math.max(0, news.length - max);
  return { post: news.slice(cut), summarised: news.slice(0, cut) };
}
