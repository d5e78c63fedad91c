import { describe, expect, it } from 'vitest';
import type { Recording } from '../../src/domain/focus.js';
import type { Subscription } from '../../src/domain/subscription.js';
import { byNumber, candidates, capPosts, horizonMs, type Watch } from '../../src/subscriptions/news.js';

const HOUR = 3_600_000;
const sub: Subscription = {
  id: 1,
  team: 'T1',
  channel: 'C1',
  target: { kind: 'phone', phone: '447700900123', display: '+44 7700 900123' },
  createdBy: 'U1',
  createdAt: '2026-11-28T10:00:00.000Z',
  paused: undefined,
};
const rec = (id: number, start: string, number = '447700900123'): Recording => ({
  id,
  start,
  endpoints: [
    { value: number, type: 'phone' },
    { value: '12125550199', type: 'phone' },
  ],
  people: [],
  tags: [],
});
const watch = (cursor: Watch['cursor']): Watch => ({
  subscription: sub,
  cursor,
  numbers: new Set(['447700900123']),
  endpointIds: [10001],
});

describe('what is news for a subscription', () => {
  it('only recordings of the followed number, started after the subscription, oldest first', () => {
    const w = watch({ newestStart: undefined, idsAtNewest: [] });
    const list = [
      rec(5, '2026-11-28T10:05:00Z'),
      rec(4, '2026-11-28T09:59:00Z'),
      rec(6, '2026-11-28T10:01:00Z'),
      rec(7, '2026-11-28T10:02:00Z', '441234567890'),
    ];
    expect(candidates(w, list, 6 * HOUR).map((r) => r.id)).toEqual([6, 5]);
  });

  it('looks back from the cursor, so a long call uploaded late is still news', () => {
    // Delivered up to 12:00; a call that started at 11:00 appears only now.
    const w = watch({ newestStart: '2026-11-28T12:00:00.000Z', idsAtNewest: [9] });
    const list = [
      rec(9, '2026-11-28T12:00:00Z'),
      rec(8, '2026-11-28T11:00:00Z'),
      rec(3, '2026-11-28T05:00:00Z'),
    ];
    expect(candidates(w, list, 6 * HOUR).map((r) => r.id)).toEqual([8]);
    expect(horizonMs(w, 6 * HOUR)).toBe(Date.parse('2026-11-28T10:00:00Z'));
  });

  it('ignores recordings with an unreadable start', () => {
    const w = watch({ newestStart: undefined, idsAtNewest: [] });
    expect(candidates(w, [rec(1, 'yesterday')], HOUR)).toEqual([]);
  });

  it("a poll's recordings by number: each watch gets those on its numbers, each once", () => {
    const both = {
      ...rec(3, '2026-11-28T10:03:00Z'),
      endpoints: [
        { value: '447700900123', type: 'phone' },
        { value: '441234567890', type: 'phone' },
      ],
    };
    const of = byNumber([
      rec(1, '2026-11-28T10:01:00Z'),
      rec(2, '2026-11-28T10:02:00Z', '441234567890'),
      both,
    ]);
    expect(of(new Set(['447700900123'])).map((r) => r.id)).toEqual([1, 3]);
    expect(
      of(new Set(['447700900123', '441234567890']))
        .map((r) => r.id)
        .sort(),
    ).toEqual([1, 2, 3]);
    expect(of(new Set(['440000000000']))).toEqual([]);
  });

  it('caps a backlog: the 10 newest posted (oldest of them first), the rest summarised', () => {
    const news = Array.from({ length: 13 }, (_, i) => i + 1);
    expect(capPosts(news)).toEqual({ post: [4, 5, 6, 7, 8, 9, 10, 11, 12, 13], summarised: [1, 2, 3] });
    expect(capPosts([1, 2])).toEqual({ post: [1, 2], summarised: [] });
  });
});
