/**
 * The state the app runs on, from its configuration. Without REDIS_URL: the SQLite file for
 * subscriptions and this process's memory for the rest (one replica). With it: Redis for all of
 * it, the key-value part falling back to memory while Redis does not answer, and a lease so that
 * exactly one replica polls and posts. Each backend's module is loaded only when it is used.
 */
import { hostname } from 'node:os';
import { newRequestId } from '../domain/interaction.js';
import type { Logger } from '../domain/logger.js';
import { LeaseKeeper } from './lease-keeper.js';
import { MemoryStore } from './memory.js';
import { ResilientStore } from './resilient.js';
import type { StateStore } from './store.js';
import type { SubscriptionStore } from './subscriptions.js';

export interface AppState {
  /** Event dedupe, replayed signatures, unfurl memory, linked-user answers. */
  kv: StateStore;
  /** Subscriptions, cursors, delivered ids. */
  subscriptions: SubscriptionStore;
  /**
   * Choices people make that must outlive the process and be shared by replicas (a kept "always"
   * of link previews): the SQLite file, or Redis (with `kv`'s fallback to memory while it is down).
   */
  durable: StateStore;
  /** The store that holds the subscriptions, as a key-value store (no fallback): for its marker. */
  markerStore: StateStore;
  /** Whether this replica may poll and post subscriptions now. */
  holdsLease(): boolean;
  /** Where state lives, for the start-up log line (no password). */
  where: string;
  close(): Promise<void>;
}

export interface StateHooks {
  logger: Logger;
  onRedisStatus?: (status: 'up' | 'down') => void;
  onFallback?: (down: boolean) => void;
  onLease?: (token: number | undefined) => void;
  /** The poller lease's time to live (default 15 s): another replica takes over within two. */
  leaseTtlMs?: number;
}

export async function openAppState(
  config: { path: string; redisUrl: string | undefined; redisPrefix: string },
  hooks: StateHooks,
): Promise<AppState> {
  if (!config.redisUrl) {
    const { openSqliteState } = await import('./sqlite.js');
    const sqlite = openSqliteState(config.path);
    return {
      kv: new MemoryStore(),
      subscriptions: sqlite,
      durable: sqlite,
      markerStore: sqlite,
      holdsLease: () => true,
      where: `sqlite ${config.path}`,
      close: () => sqlite.close(),
    };
  }
  const holderId = `${hostname()}:${process.pid}:${newRequestId()}`;
  const { openRedisState } = await import('./redis.js');
  const redis = await openRedisState(config.redisUrl, {
    prefix: config.redisPrefix,
    logger: hooks.logger,
    clientName: `focus-for-slack:${holderId}`,
    ...(hooks.onRedisStatus && { onStatus: hooks.onRedisStatus }),
  });
  hooks.onRedisStatus?.('up');
  const kv = new ResilientStore(redis, {
    logger: hooks.logger,
    ...(hooks.onFallback && { onOutage: hooks.onFallback }),
  });
  const keeper = new LeaseKeeper({
    lease: redis.lease(),
    name: 'subscriptions-poller',
    holderId,
    ttlMs: hooks.leaseTtlMs ?? 15_000,
    logger: hooks.logger,
    ...(hooks.onLease && { onChange: hooks.onLease }),
  });
  keeper.start();
  return {
    kv,
    subscriptions: redis,
    durable: kv,
    markerStore: redis,
    holdsLease: () => keeper.token !== undefined,
    where: `redis ${redis.info.where} (${redis.info.prefix})`,
    close: async () => {
      await keeper.stop();
      await kv.close();
      await redis.close();
    },
  };
}
