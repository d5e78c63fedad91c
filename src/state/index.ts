export { StateError, type StateErrorCode } from './errors.js';
export { MemoryStore, type MemoryStoreOptions } from './memory.js';
export { MIGRATIONS, type Migration, migrate, SCHEMA_VERSION } from './migrations.js';
export { openSqliteState, SqliteState, type SqliteStateInfo, type SqliteStateOptions } from './sqlite.js';
export type { StateStore } from './store.js';
export type {
  Cursor,
  NewSubscription,
  Subscription,
  SubscriptionStore,
  SubscriptionTarget,
} from './subscriptions.js';
