import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/state/index.js';
import { describeStateStore } from './contract.js';

describe('MemoryStore', () => {
  it('claim: the first caller wins until the TTL passes', async () => {
    let now = 1_000;
    const store = new MemoryStore({ now: () => now });
    expect(await store.claim('k', 1_000)).toBe(true);
    expect(await store.claim('k', 1_000)).toBe(false);
    now += 999;
    expect(await store.claim('k', 1_000)).toBe(false);
    now += 2;
    expect(await store.claim('k', 1_000)).toBe(true);
  });

  it('claim is atomic for racing callers: exactly one of 50 wins', async () => {
    const store = new MemoryStore();
    const won = await Promise.all(Array.from({ length: 50 }, () => store.claim('race', 60_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('get, set and release', async () => {
    let now = 1_000;
    const store = new MemoryStore({ now: () => now });
    await store.set('a', 'linked', 100);
    expect(await store.get('a')).toBe('linked');
    now += 101;
    expect(await store.get('a')).toBeUndefined();
    expect(await store.claim('b', 1_000, 'x')).toBe(true);
    expect(await store.get('b')).toBe('x');
    await store.release('b');
    expect(await store.claim('b', 1_000)).toBe(true);
  });

  it('is bounded: the least recently used keys go first', async () => {
    const store = new MemoryStore({ max: 3 });
    for (const k of ['a', 'b', 'c', 'd']) await store.claim(k, 60_000);
    expect(store.size).toBe(3);
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('d')).toBe('1');
  });
});

describeStateStore('MemoryStore', () => ({ open: (now) => new MemoryStore({ now }), destroy: () => {} }), {
  durable: false,
});
