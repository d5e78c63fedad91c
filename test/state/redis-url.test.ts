import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/state/redis-connection.js';
import { parseRedisUrl, scrub } from '../../src/state/redis-url.js';

describe('parseRedisUrl', () => {
  it('names where Redis is without user or password; defaults port 6379 and database 0', () => {
    const t = parseRedisUrl('redis://app:p%40ss@cache.internal/2');
    expect(t.where).toBe('redis://cache.internal:6379/2');
    expect(t.secrets).toEqual(['p%40ss', 'p@ss']);
    expect(parseRedisUrl('rediss://h:6380')).toMatchObject({ where: 'rediss://h:6380/0', secrets: [] });
  });

  it('scrub replaces the password (raw and decoded) and the whole URL; with no secret it changes nothing', () => {
    const t = parseRedisUrl('redis://:p%40ss@h:1/0');
    expect(scrub('auth p@ss failed for redis://:p%40ss@h:1/0 (p%40ss)', t)).toBe(
      'auth *** failed for (REDIS_URL) (***)',
    );
    const open = parseRedisUrl('redis://h:1/0');
    expect(scrub('Redis at redis://h:1/0 is down', open)).toBe('Redis at redis://h:1/0 is down');
  });
});

describe('backoffMs', () => {
  it('doubles from the minimum up to the maximum, within ±20% jitter', () => {
    const low = (n: number) => backoffMs(n, 100, 5_000, () => 0);
    const high = (n: number) => backoffMs(n, 100, 5_000, () => 1);
    expect([0, 1, 2, 3, 10, 1_000].map(low)).toEqual([80, 160, 320, 640, 4_000, 4_000]);
    expect([0, 1, 2, 3, 10, 1_000].map(high)).toEqual([120, 240, 480, 960, 6_000, 6_000]);
    expect(backoffMs(0, 100, 5_000, () => 0.5)).toBe(100);
  });
});
