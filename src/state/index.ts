export { StateError, type StateErrorCode } from './errors.js';
export { type Lease, type LeaseHolder, LocalLease } from './lease.js';
export { LeaseKeeper, type LeaseKeeperOptions } from './lease-keeper.js';
export { MemoryStore, type MemoryStoreOptions } from './memory.js';
export { MIGRATIONS, type Migration, migrate, SCHEMA_VERSION } from './migrations.js';
export { openRedisState, RedisState, type RedisStateInfo, type RedisStateOptions } from './redis.js';
export { RedisLease } from './redis-lease.js';
export {
  fromSnapshot,
  type SnapshotJson,
  type SubscriptionArchive,
  type SubscriptionRecord,
  toSnapshot,
} from './snapshot.js';
export { openSqliteState, SqliteState, type SqliteStateInfo, type SqliteStateOptions } from './sqlite.js';
export type { StateStore } from './store.js';
export type {
  Cursor,
  NewSubscription,
  Subscription,
  SubscriptionStore,
  SubscriptionTarget,
} from './subscriptions.js';
