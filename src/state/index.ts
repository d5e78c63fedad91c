/**
 * The state seam as the rest of the app sees it. The two backends are not exported here: Redis
 * (`./redis.js`, with @redis/client) and SQLite (`./sqlite.js`, a native module) are loaded by
 * `openAppState` only when the configuration asks for them, so a single replica never loads the
 * Redis client (about 15 MB of a process's memory).
 */
export { StateError } from './errors.js';
export { MemoryStore } from './memory.js';
export type { StateStore } from './store.js';
export { DELIVERED_RETENTION_MS } from './subscription-rows.js';
export type {
  Cursor,
  NewSubscription,
  Subscription,
  SubscriptionStore,
  SubscriptionTarget,
} from './subscriptions.js';
