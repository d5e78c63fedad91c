import { describe, expect, it } from 'vitest';
import { DeliveryDeduper } from '../../src/slack/inbound/dedupe.js';
import { MemoryStore } from '../../src/state/index.js';

describe('DeliveryDeduper', () => {
  it('answers true once per key, false for repeats', async () => {
    const store = new MemoryStore();
    const d = new DeliveryDeduper({ store });
    expect(await d.firstTime('Ev01')).toBe(true);
    expect(await d.firstTime('Ev01')).toBe(false);
    expect(await d.firstTime('Ev01')).toBe(false);
    expect(await d.firstTime('Ev02')).toBe(true);
    expect(store.size).toBe(2);
  });

  it('forgets a key after the TTL', async () => {
    let clock = 1_000;
    const d = new DeliveryDeduper({ ttlMs: 60 * 60_000, now: () => clock });
    expect(await d.firstTime('Ev01')).toBe(true);
    clock += 59 * 60_000;
    expect(await d.firstTime('Ev01')).toBe(false);
    clock += 2 * 60_000;
    expect(await d.firstTime('Ev01')).toBe(true);
  });

  it('is bounded: the oldest keys are forgotten first', async () => {
    const store = new MemoryStore({ max: 3 });
    const d = new DeliveryDeduper({ store });
    for (const key of ['a', 'b', 'c', 'd']) expect(await d.firstTime(key)).toBe(true);
    expect(store.size).toBe(3);
    expect(await d.firstTime('d')).toBe(false);
    expect(await d.firstTime('a')).toBe(true);
  });

  it('never dedupes an empty key', async () => {
    const store = new MemoryStore();
    const d = new DeliveryDeduper({ store });
    expect(await d.firstTime('')).toBe(true);
    expect(await d.firstTime('')).toBe(true);
    expect(store.size).toBe(0);
  });

  it('shares its memory through the store: a second deduper on the same store sees the first one’s keys', async () => {
    const store = new MemoryStore();
    expect(await new DeliveryDeduper({ store }).firstTime('Ev9')).toBe(true);
    expect(await new DeliveryDeduper({ store }).firstTime('Ev9')).toBe(false);
  });
});
