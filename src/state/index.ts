export { MemoryStore, type MemoryStoreOptions } from './memory.js';
export type { StateStore } from './store.js';
