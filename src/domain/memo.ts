/**
 * A bounded memo for pure functions on a hot path (phone parsing and formatting): at most
 * `max` results, the oldest dropped first. Cached values are frozen, so sharing them is safe.
 */
export function memoize<R>(fn: (key: string) => R, max = 2_000): (key: string) => R {
  const results = new Map<string, R>();
  return (key) => {
    const hit = results.get(key);
    if (hit !== undefined || results.has(key)) return hit as R;
    const value = fn(key);
    if (results.size >= max) results.delete(results.keys().next().value as string);
    results.set(key, value !== null && typeof value === 'object' ? Object.freeze(value) : value);
    return value;
  };
}
