import { describe, expect, it } from 'vitest';
import { Every } from '../../src/domain/every.js';

/** A promise and its resolve, for a run the test ends when it chooses. */
function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('Every', () => {
  it('shares the run under way: one run at a time', async () => {
    let runs = 0;
    const gate = deferred();
    const every = new Every(60_000, async () => {
      runs += 1;
      await gate.promise;
      return runs;
    });
    const a = every.now();
    const b = every.now();
    expect(a).toBe(b);
    gate.resolve();
    expect(await a).toBe(1);
    expect(await every.now()).toBe(2);
  });

  it('runs at start, and stop() waits for the run under way and starts no other', async () => {
    const gate = deferred();
    const started = deferred();
    let runs = 0;
    let ended = false;
    const every = new Every(1, async () => {
      runs += 1;
      started.resolve();
      await gate.promise;
      ended = true;
    });
    expect(every.active).toBe(false);
    every.start();
    expect(every.active).toBe(true);
    await started.promise;
    const stopping = every.stop();
    expect(every.active).toBe(false);
    gate.resolve();
    await stopping;
    expect(ended).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(runs).toBe(1);
  });

  it('keeps going after a run that fails', async () => {
    let runs = 0;
    const twice = deferred();
    const every = new Every(1, async () => {
      runs += 1;
      if (runs === 2) twice.resolve();
      throw new Error('this run failed');
    });
    every.start();
    await twice.promise;
    await every.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
  });
});
