/**
 * Collects the keys asked for in one tick and loads them with one call: several lookups
 * that need people in the same moment share one `people.get`.
 */
export class Batcher<K, V> {
  private pending = new Map<
    K,
    Array<{ resolve: (v: V | undefined) => void; reject: (e: unknown) => void }>
  >();
  private scheduled = false;

  constructor(
    private readonly loadMany: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxBatch = 100,
  ) {}

  load(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = new Map();
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += this.maxBatch) {
      const slice = keys.slice(i, i + this.maxBatch);
      this.loadMany(slice).then(
        (found) => {
          for (const key of slice) for (const w of batch.get(key) ?? []) w.resolve(found.get(key));
        },
        (error: unknown) => {
          for (const key of slice) for (const w of batch.get(key) ?? []) w.reject(error);
        },
      );
    }
  }
}
