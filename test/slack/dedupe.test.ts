import { describe, expect, it } from 'vitest';
import { DeliveryDeduper } from '../../src/slack/dedupe.js';

describe('DeliveryDeduper', () => {
  it('answers true once per key, false for repeats', () => {
    const d = new DeliveryDeduper();
    expect(d.firstTime('Ev01')).toBe(true);
    expect(d.firstTime('Ev01')).toBe(false);
    expect(d.firstTime('Ev01')).toBe(false);
    expect(d.firstTime('Ev02')).toBe(true);
    expect(d.size).toBe(2);
  });

  it('forgets a key after the TTL', () => {
    let clock = 1_000;
    const d = new DeliveryDeduper({ ttlMs: 60 * 60_000, now: () => clock });
    expect(d.firstTime('Ev01')).toBe(true);
    clock += 59 * 60_000;
    expect(d.firstTime('Ev01')).toBe(false);
    clock += 2 * 60_000;
    expect(d.firstTime('Ev01')).toBe(true);
  });

  it('is bounded: the oldest keys are forgotten first', () => {
    const d = new DeliveryDeduper({ max: 3 });
    for (const key of ['a', 'b', 'c', 'd']) expect(d.firstTime(key)).toBe(true);
    expect(d.size).toBe(3);
    expect(d.firstTime('d')).toBe(false);
    expect(d.firstTime('a')).toBe(true);
  });

  it('never dedupes an empty key', () => {
    const d = new DeliveryDeduper();
    expect(d.firstTime('')).toBe(true);
    expect(d.firstTime('')).toBe(true);
    expect(d.size).toBe(0);
  });
});
