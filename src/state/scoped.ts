/**
 * One workspace's view of the shared state store: every key under `ws:<installation key>:`, so
 * two workspaces' unfurl memory, linked-user answers and recent lookups never meet (a Slack id can
 * be seen from two installations of one Enterprise Grid organisation).
 */
import type { StateStore } from './store.js';

export function scopedState(store: StateStore, scope: string): StateStore {
  const key = (k: string) => `ws:${scope}:${k}`;
  return {
    claim: (k, ttlMs, value) => store.claim(key(k), ttlMs, value),
    get: (k) => store.get(key(k)),
    set: (k, value, ttlMs) => store.set(key(k), value, ttlMs),
    release: (k) => store.release(key(k)),
    // The shared store is closed by its owner, not by one workspace.
    close: async () => {},
  };
}
