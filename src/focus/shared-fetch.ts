/**
 * One Focus request shared by every lookup that asks the same thing while it runs. The request
 * lives as long as its longest waiter: its signal aborts only once every waiter has given up,
 * and each waiter gives up on its own signal at once without failing the others.
 *
 * No `AbortSignal.any` and no listener left behind: a waiter's listener on its own signal is
 * removed when it settles, so a lookup's signal never holds a fetch (or a fetch a lookup) alive.
 */

/** The reason a shared fetch is aborted with when its last waiter gave up. */
export class AbandonedError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('every waiter gave up');
  }
}

/**
 * `work`, or a rejection with `signal.reason` as soon as `signal` aborts, whichever is first.
 * `onGiveUp` runs once if the signal wins. The listener is removed whichever way it ends.
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  onGiveUp?: () => void,
): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(ignore);
    onGiveUp?.();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const giveUp = () => {
      reject(signal.reason);
      onGiveUp?.();
    };
    signal.addEventListener('abort', giveUp, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', giveUp);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', giveUp);
        reject(error);
      },
    );
  });
}

/**
 * The signal of one shared piece of work: it aborts when every waiter that joined has given up
 * (or on `abort`). A waiter without a signal never gives up, so neither does the work: the
 * client's own deadline bounds it then.
 */
export class JointSignal {
  private readonly controller = new AbortController();
  /** Waiters that may still give up. */
  private waiting = 0;
  /** A waiter that cannot give up joined. */
  private held = false;

  /** `onAbandoned` runs once, when the last waiter gave up (not on `abort`). */
  constructor(private readonly onAbandoned: () => void = () => {}) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  /** One waiter waits for `work`: it settles with `work` or rejects with its own signal's reason. */
  follow<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (!signal) {
      this.held = true;
      return work;
    }
    if (signal.aborted) {
      work.catch(ignore);
      return Promise.reject(signal.reason);
    }
    this.waiting++;
    return untilAborted(work, signal, () => this.leave());
  }

  /** Stops the work whoever waits (e.g. the cache dropped the entry). */
  abort(reason: unknown): void {
    this.controller.abort(reason);
  }

  private leave(): void {
    this.waiting--;
    if (this.waiting > 0 || this.held || this.aborted) return;
    this.controller.abort(new AbandonedError());
    this.onAbandoned();
  }
}

/**
 * The shared fetches under way for one kind of cached answer, by key. The cache's fetch
 * method runs each through `run`; every caller (the first included) waits through `wait`.
 */
export class SharedFetches<K> {
  private readonly running = new Map<K, JointSignal>();

  /**
   * @param forget drops the cache's entry for a key whose fetch every waiter gave up on, so a
   *   lookup that asks next starts a new fetch instead of joining the aborted one.
   */
  constructor(private readonly forget: (key: K) => void) {}

  /** Fetches under way (for tests: nothing is kept after a fetch ends). */
  get size(): number {
    return this.running.size;
  }

  /**
   * Runs `work` with the joint signal of the fetch for `key`. `cacheSignal` is the cache's own
   * (aborted when it evicts or deletes the entry). An answer that came after every waiter gave
   * up is thrown away (rejects), so it is not cached.
   */
  async run<V>(key: K, cacheSignal: AbortSignal, work: (signal: AbortSignal) => Promise<V>): Promise<V> {
    const joint: JointSignal = new JointSignal(() => {
      if (this.running.get(key) !== joint) return;
      this.running.delete(key);
      this.forget(key);
    });
    this.running.set(key, joint);
    const dropped = () => {
      if (this.running.get(key) === joint) this.running.delete(key);
      joint.abort(cacheSignal.reason);
    };
    if (cacheSignal.aborted) dropped();
    else cacheSignal.addEventListener('abort', dropped, { once: true });
    try {
      const value = await work(joint.signal);
      joint.signal.throwIfAborted();
      return value;
    } finally {
      cacheSignal.removeEventListener('abort', dropped);
      if (this.running.get(key) === joint) this.running.delete(key);
    }
  }

  /**
   * One caller waits for `fetching` (the cache's answer for `key`): it joins the fetch under
   * way, if any, and gives up on its own `signal`.
   */
  wait<V>(key: K, fetching: Promise<V>, signal: AbortSignal | undefined): Promise<V> {
    const joint = this.running.get(key);
    return joint ? joint.follow(fetching, signal) : untilAborted(fetching, signal);
  }
}

/** Marks a promise this waiter no longer waits for as handled: its failure is nobody's answer. */
function ignore(): void {}
