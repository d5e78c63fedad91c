import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SeenSignatures } from '../../src/slack/inbound/replays.js';
import { MemoryStore } from '../../src/state/index.js';

const WINDOW = 5 * 60_000;
const sig = (n: number) => `v0=${createHash('sha256').update(String(n)).digest('hex')}`;

describe('SeenSignatures', () => {
  it('accepts a signature once and refuses it again while it could still pass', async () => {
    let now = 1_000_000_000_000;
    const seen = new SeenSignatures({ windowMs: WINDOW, now: () => now });
    const ts = now / 1000;
    expect(await seen.firstTime(sig(1), ts)).toBe(true);
    expect(await seen.firstTime(sig(1), ts)).toBe(false);
    expect(await seen.firstTime(sig(2), ts)).toBe(true);
    now += WINDOW; // the timestamp is at the edge of the window: still remembered
    expect(await seen.firstTime(sig(1), ts)).toBe(false);
  });

  it('forgets a signature once its timestamp has left the window', async () => {
    let now = 1_000_000_000_000;
    const seen = new SeenSignatures({ windowMs: WINDOW, now: () => now });
    // Dated 4 minutes ahead: it stays valid for 9 minutes, so it is remembered that long.
    const ts = now / 1000 + 240;
    expect(await seen.firstTime(sig(3), ts)).toBe(true);
    now += 8 * 60_000;
    expect(await seen.firstTime(sig(3), ts)).toBe(false);
    now += 2 * 60_000;
    expect(await seen.firstTime(sig(3), ts)).toBe(true);
  });

  it('is bounded', async () => {
    const now = 1_000_000_000_000;
    const store = new MemoryStore({ max: 100, now: () => now });
    const seen = new SeenSignatures({ windowMs: WINDOW, store, now: () => now });
    for (let i = 0; i < 1_000; i++) await seen.firstTime(sig(i), now / 1000);
    expect(store.size).toBe(100);
    expect(await seen.firstTime(sig(999), now / 1000)).toBe(false);
  });
});
