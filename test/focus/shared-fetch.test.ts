import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AbandonedError, JointSignal, SharedFetches, untilAborted } from '../../src/focus/shared-fetch.js';
import { deferred } from '../helpers/deferred.js';

/** Listeners an AbortSignal holds, by Node's own count. */
async function listenerCount(signal: AbortSignal): Promise<number> {
  return getEventListeners(signal, 'abort').length;
}

const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );

describe('untilAborted', () => {
  it('settles with the work, and removes its listener', async () => {
    const stop = new AbortController();
    const work = deferred<number>();
    const waiting = untilAborted(work.promise, stop.signal);
    expect(await listenerCount(stop.signal)).toBe(1);
    work.resolve(7);
    expect(await waiting).toBe(7);
    expect(await listenerCount(stop.signal)).toBe(0);
  });

  it('rejects with the signal’s reason at once, the work still running', async () => {
    const stop = new AbortController();
    const work = deferred<number>();
    let gaveUp = 0;
    const waiting = settle(untilAborted(work.promise, stop.signal, () => gaveUp++));
    const reason = new Error('my deadline');
    stop.abort(reason);
    expect(await waiting).toEqual({ error: reason });
    expect(gaveUp).toBe(1);
    work.reject(new Error('later'));
  });

  it('an already aborted signal rejects without waiting, and the work’s failure is not unhandled', async () => {
    const stop = new AbortController();
    stop.abort(new Error('too late'));
    const work = deferred<number>();
    await expect(untilAborted(work.promise, stop.signal)).rejects.toThrow('too late');
    work.reject(new Error('nobody waits'));
    await new Promise((r) => setTimeout(r, 10));
  });
});

describe('JointSignal', () => {
  it('aborts only when every waiter has given up, each with its own reason', async () => {
    let abandoned = 0;
    const joint = new JointSignal(() => abandoned++);
    const work = deferred<string>();
    const a = new AbortController();
    const b = new AbortController();
    const first = settle(joint.follow(work.promise, a.signal));
    const second = settle(joint.follow(work.promise, b.signal));
    a.abort(new Error('A'));
    expect(await first).toMatchObject({ error: { message: 'A' } });
    expect(joint.aborted).toBe(false);
    b.abort(new Error('B'));
    expect(await second).toMatchObject({ error: { message: 'B' } });
    expect(joint.aborted).toBe(true);
    expect(joint.signal.reason).toBeInstanceOf(AbandonedError);
    expect(abandoned).toBe(1);
    work.reject(joint.signal.reason);
  });

  it('a later waiter extends the life of the work', async () => {
    const joint = new JointSignal();
    const work = deferred<string>();
    const a = new AbortController();
    const first = settle(joint.follow(work.promise, a.signal));
    const b = new AbortController();
    const second = joint.follow(work.promise, b.signal);
    a.abort(new Error('A'));
    await first;
    expect(joint.aborted).toBe(false);
    work.resolve('answer');
    expect(await second).toBe('answer');
    b.abort(new Error('B, after its answer'));
    expect(joint.aborted).toBe(false);
  });

  it('a waiter without a signal never gives up, so neither does the work', async () => {
    const joint = new JointSignal();
    const work = deferred<string>();
    const a = new AbortController();
    const first = settle(joint.follow(work.promise, a.signal));
    const patient = joint.follow(work.promise, undefined);
    a.abort(new Error('A'));
    await first;
    expect(joint.aborted).toBe(false);
    work.resolve('answer');
    expect(await patient).toBe('answer');
  });

  it('a thousand waiters leave no listener behind on their signals once answered', async () => {
    const joint = new JointSignal();
    const work = deferred<number>();
    const stops = Array.from({ length: 1_000 }, () => new AbortController());
    const waiting = stops.map((s) => joint.follow(work.promise, s.signal));
    work.resolve(1);
    await Promise.all(waiting);
    const left = await Promise.all(stops.map((s) => listenerCount(s.signal)));
    expect(left.every((n) => n === 0)).toBe(true);
  });
});

describe('SharedFetches', () => {
  it('the first and later callers share the joint signal; the last to give up aborts the work and forgets the key', async () => {
    const forgotten: string[] = [];
    const fetches = new SharedFetches<string>((key) => forgotten.push(key));
    const cacheSignal = new AbortController().signal;
    let seen: AbortSignal | undefined;
    const work = deferred<string>();
    const fetching = fetches.run('k', cacheSignal, (signal) => {
      seen = signal;
      return work.promise;
    });
    fetching.catch(() => {});
    expect(fetches.size).toBe(1);
    const a = new AbortController();
    const b = new AbortController();
    const first = settle(fetches.wait('k', fetching, a.signal));
    const second = settle(fetches.wait('k', fetching, b.signal));
    a.abort(new Error('A'));
    await first;
    expect(seen?.aborted).toBe(false);
    b.abort(new Error('B'));
    await second;
    expect(seen?.aborted).toBe(true);
    expect(forgotten).toEqual(['k']);
    expect(fetches.size).toBe(0);
    work.reject(seen?.reason);
    await expect(fetching).rejects.toBeInstanceOf(AbandonedError);
  });

  it('an answer that arrives after every waiter gave up is thrown away (not cached)', async () => {
    const fetches = new SharedFetches<string>(() => {});
    const work = deferred<string>();
    const fetching = fetches.run('k', new AbortController().signal, () => work.promise);
    const a = new AbortController();
    const waiting = settle(fetches.wait('k', fetching, a.signal));
    a.abort(new Error('A'));
    await waiting;
    work.resolve('too late');
    await expect(fetching).rejects.toBeInstanceOf(AbandonedError);
  });

  it('the cache dropping the entry aborts the work; a finished fetch is forgotten', async () => {
    const fetches = new SharedFetches<string>(() => {});
    const dropped = new AbortController();
    let seen: AbortSignal | undefined;
    const fetching = fetches.run('k', dropped.signal, (signal) => {
      seen = signal;
      return new Promise<string>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason)),
      );
    });
    dropped.abort(new Error('evicted'));
    await expect(fetching).rejects.toThrow('evicted');
    expect(seen?.aborted).toBe(true);
    expect(fetches.size).toBe(0);
    expect(await listenerCount(dropped.signal)).toBe(0);

    const done = await fetches.run('j', new AbortController().signal, async () => 'answer');
    expect(done).toBe('answer');
    expect(fetches.size).toBe(0);
  });
});
