import { describe, expect, it } from 'vitest';
import { directionOf, passesFilters, secondsOf } from '../../src/domain/filters.js';
import type { Recording } from '../../src/domain/focus.js';
import type { Subscription } from '../../src/domain/subscription.js';
import {
  byNumber,
  candidates,
  capPosts,
  channelNews,
  horizonMs,
  postOf,
  type Watch,
} from '../../src/subscriptions/news.js';

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

describe('filters', () => {
  const call = (over: Partial<Recording>): Recording => ({ ...rec(1, '2026-11-28T10:05:00Z'), ...over });

  it.each([
    ['inbound', 'inbound'],
    [' Inbound ', 'inbound'],
    ['INCOMING', 'inbound'],
    ['outgoing', 'outbound'],
    ['Internal', 'internal'],
    ['sideways', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('direction %j reads as %j', (direction, expected) => {
    expect(directionOf(call({ direction }))).toBe(expected);
  });

  it('the length: durationSeconds, else its end less its start, else unknown', () => {
    expect(secondsOf(call({ durationSeconds: 151 }))).toBe(151);
    expect(secondsOf(call({ durationSeconds: 0 }))).toBe(0);
    expect(secondsOf(call({ end: '2026-11-28T10:07:30Z' }))).toBe(150);
    expect(secondsOf(call({ durationSeconds: Number.NaN, end: '2026-11-28T10:06:00Z' }))).toBe(60);
    expect(secondsOf(call({ end: '2026-11-28T10:00:00Z' }))).toBeUndefined();
    expect(secondsOf(call({ end: 'later' }))).toBeUndefined();
    expect(secondsOf(call({}))).toBeUndefined();
  });

  it('pass only what Focus says matches them: an unknown direction or length passes no such filter', () => {
    const inbound2m = { directions: ['inbound' as const], longerThanSeconds: 120 };
    expect(passesFilters(undefined, call({}))).toBe(true);
    expect(passesFilters({}, call({}))).toBe(true);
    expect(passesFilters(inbound2m, call({ direction: 'inbound', durationSeconds: 121 }))).toBe(true);
    // Longer than: 2m00s is not longer than 2m.
    expect(passesFilters(inbound2m, call({ direction: 'inbound', durationSeconds: 120 }))).toBe(false);
    expect(passesFilters(inbound2m, call({ direction: 'outbound', durationSeconds: 500 }))).toBe(false);
    expect(passesFilters(inbound2m, call({ durationSeconds: 500 }))).toBe(false);
    expect(passesFilters(inbound2m, call({ direction: 'inbound' }))).toBe(false);
    expect(passesFilters({ directions: ['inbound', 'internal'] }, call({ direction: 'Internal' }))).toBe(
      true,
    );
    expect(passesFilters({ longerThanSeconds: 60 }, call({ end: '2026-11-28T10:06:30Z' }))).toBe(true);
  });

  it('a watch’s candidates are only those its filters pass', () => {
    const w: Watch = { ...watch({ newestStart: undefined, idsAtNewest: [] }) };
    w.subscription = { ...sub, filters: { directions: ['outbound'] } };
    const list = [
      { ...rec(5, '2026-11-28T10:05:00Z'), direction: 'outbound' },
      { ...rec(6, '2026-11-28T10:06:00Z'), direction: 'inbound' },
      rec(7, '2026-11-28T10:07:00Z'),
    ];
    expect(candidates(w, list, 6 * HOUR).map((r) => r.id)).toEqual([5]);
  });
});

describe('one post per recording per channel', () => {
  const JANE = '447700900123';
  const OTHER = '447700900999';
  const as = (id: number, channel: string, numbers: string[], over: Partial<Subscription> = {}): Watch => ({
    subscription: { ...sub, id, channel, ...over },
    cursor: { newestStart: undefined, idsAtNewest: [] },
    numbers: new Set(numbers),
    endpointIds: [id],
  });
  const summary = (news: ReturnType<typeof channelNews>) =>
    news.map(
      (n) =>
        `${n.channel} #${n.recording.id}: ${n.posting.map((w) => w.subscription.id).join(',')} / ${n.following.map((w) => w.subscription.id).join(',')}`,
    );
  const nothing = () => new Set<number>();
  const all = () => true;

  it('a recording news for two subscriptions of a channel is one item naming both, the oldest first', () => {
    // A number and its owner (a person following that number and another) in C1; the number in C2.
    const watches = [as(3, 'C1', [JANE, OTHER]), as(2, 'C1', [JANE]), as(4, 'C2', [JANE])];
    const list = [rec(10, '2026-11-28T10:10:00Z'), rec(9, '2026-11-28T10:09:00Z', OTHER)];
    expect(summary(channelNews(watches, all, list, 6 * HOUR, nothing))).toEqual([
      'C1 #9: 3 / 3',
      'C1 #10: 2,3 / 3,2',
      'C2 #10: 4 / 4',
    ]);
    const [, both] = channelNews(watches, all, list, 6 * HOUR, nothing);
    const post = postOf(both as NonNullable<typeof both>);
    expect(post.subscriptions.map((s) => s.id)).toEqual([2, 3]);
    expect([...post.followed].sort()).toEqual([JANE, OTHER]);
  });

  it('filters that differ: posted for those whose filters pass; the others still follow it', () => {
    const watches = [
      as(1, 'C1', [JANE], { filters: { directions: ['inbound'] } }),
      as(2, 'C1', [JANE], { filters: { longerThanSeconds: 60 } }),
    ];
    const inShort = { ...rec(10, '2026-11-28T10:10:00Z'), direction: 'inbound', durationSeconds: 30 };
    const outLong = { ...rec(11, '2026-11-28T10:11:00Z'), direction: 'outbound', durationSeconds: 90 };
    const inLong = { ...rec(12, '2026-11-28T10:12:00Z'), direction: 'inbound', durationSeconds: 90 };
    const outShort = { ...rec(13, '2026-11-28T10:13:00Z'), direction: 'outbound', durationSeconds: 30 };
    expect(
      summary(channelNews(watches, all, [inShort, outLong, inLong, outShort], 6 * HOUR, nothing)),
    ).toEqual(['C1 #10: 1 / 1,2', 'C1 #11: 2 / 1,2', 'C1 #12: 1,2 / 1,2']);
  });

  it('a watch that may not post this poll only follows; what is pending in a channel is not news there', () => {
    const watches = [as(1, 'C1', [JANE]), as(2, 'C1', [JANE]), as(3, 'C2', [JANE])];
    const list = [rec(10, '2026-11-28T10:10:00Z'), rec(11, '2026-11-28T10:11:00Z')];
    const mayPost = (w: Watch) => w.subscription.id !== 1;
    const pending = (channel: string) => new Set(channel === 'C2' ? [10] : []);
    expect(summary(channelNews(watches, mayPost, list, 6 * HOUR, pending))).toEqual([
      'C1 #10: 2 / 1,2',
      'C1 #11: 2 / 1,2',
      'C2 #11: 3 / 3',
    ]);
    expect(channelNews(watches, () => false, list, 6 * HOUR, nothing)).toEqual([]);
  });
});
