/**
 * The state the app runs on, from its configuration. Without REDIS_URL: the SQLite file for
 * subscriptions and this process's memory for the rest (one replica). With it: Redis for all of
 * it, the key-value part falling back to memory while Redis does not answer, and a lease so that
 * exactly one replica polls and posts. Each backend's module is loaded only when it is used.
 */
import { hostname } from 'node:os';
import { newRequestId } from '../domain/interaction.js';
import type { Logger } from '../domain/logger.js';
import type { PostFence } from '../domain/post-fence.js';
import type { EncryptionKeys } from '../domain/tenant.js';
import { LeaseKeeper } from './lease-keeper.js';
import { MemoryStore } from './memory.js';
import { ResilientStore } from './resilient.js';
import { ownStateFile } from './sqlite-owner.js';
import type { StateStore } from './store.js';
import type { SubscriptionStore, WorkspaceSubscriptions } from './subscriptions.js';
import {
  type ConnectionStore,
  type Installations,
  type RotationOptions,
  SealedConnectionStore,
  SealedInstallationStore,
  type SealedKind,
  type SealedTable,
} from './tenant-stores.js';
import type { WorkspaceData } from './workspace-data.js';

export interface AppState {
  /** Event dedupe, replayed signatures, unfurl memory, linked-user answers. */
  kv: StateStore;
  /** Subscriptions, cursors, delivered ids (single-workspace mode's: those stored without a workspace). */
  subscriptions: SubscriptionStore;
  /** Distribution mode: each workspace's subscriptions, on the same backend. */
  workspaceSubscriptions: WorkspaceSubscriptions;
  /**
   * Choices people make that must outlive the process and be shared by replicas (a kept "always"
   * of link previews): the SQLite file, or Redis (with `kv`'s fallback to memory while it is down).
   */
  durable: StateStore;
  /**
   * The store that holds the subscriptions, as a key-value store with no fallback to memory: for
   * its marker, and the subscription posts that got no answer (a record another process must see,
   * or none: one kept in memory would be read only by this process, and only while it lasts).
   */
  subscriptionsKv: StateStore;
  /** Whether this replica may poll and post subscriptions now (by its own clock). */
  holdsLease(): boolean;
  /** With Redis: the lease checked in Redis right before each post, and the posts' intents. */
  fence: PostFence | undefined;
  /**
   * Slack installations (Bolt's InstallationStore) and each workspace's Focus connection, sealed
   * with STATE_ENCRYPTION_KEY, beside the subscriptions; only when the keys are configured.
   */
  installations?: Installations;
  connections?: ConnectionStore;
  /** Each workspace's data as a whole: uninstall marks, and forgetting it (workspace-data.ts). */
  workspaceData: WorkspaceData;
  /** Where state lives, for the start-up log line (no password). */
  where: string;
  close(): Promise<void>;
}

export interface StateHooks {
  logger: Logger;
  onRedisStatus?: (status: 'up' | 'down') => void;
  onFallback?: (down: boolean) => void;
  onLease?: (token: number | undefined) => void;
  /** The poller lease's time to live: another replica takes over within two. */
  leaseTtlMs: number;
}

const LEASE = 'subscriptions-poller';

/**
 * Both sealed stores on one backend's tables, when there are keys to seal with. Storing an
 * installation (a reinstall) first cancels the deletion of its workspace's data.
 */
function tenantStores(
  keys: EncryptionKeys | undefined,
  table: (kind: SealedKind) => SealedTable,
  rotation: RotationOptions,
  data: WorkspaceData,
): Pick<AppState, 'installations' | 'connections' | 'workspaceData'> {
  if (!keys) return { workspaceData: data };
  const logger = rotation.logger;
  const beforeStore = async (key: string) => {
    if (await data.cancelUninstalled(key))
      logger?.info('retention.cancelled', { key, effect: 'reinstalled: its data is kept' });
  };
  return {
    installations: new SealedInstallationStore(table('installations'), keys, { ...rotation, beforeStore }),
    connections: new SealedConnectionStore(table('connections'), keys),
    workspaceData: data,
  };
}

export async function openAppState(
  config: {
    path: string;
    redisUrl: string | undefined;
    redisPrefix: string;
    encryptionKeys?: EncryptionKeys | undefined;
  },
  hooks: StateHooks,
): Promise<AppState> {
  if (!config.redisUrl) {
    const { openSqliteState } = await import('./sqlite.js');
    // One process per file (sqlite-owner.ts): a second one stops here, exit 2.
    const owner = ownStateFile(config.path);
    let sqlite: Awaited<ReturnType<typeof openSqliteState>>;
    try {
      sqlite = openSqliteState(config.path);
    } catch (error) {
      owner.release();
      throw error;
    }
    return {
      kv: new MemoryStore(),
      subscriptions: sqlite,
      workspaceSubscriptions: sqlite,
      durable: sqlite,
      subscriptionsKv: sqlite,
      // One process per file: its own refresh lock is every refresh's.
      ...tenantStores(
        config.encryptionKeys,
        (kind) => sqlite.sealedTable(kind),
        { logger: hooks.logger },
        sqlite,
      ),
      holdsLease: () => true,
      fence: undefined,
      where: `sqlite ${config.path}`,
      close: async () => {
        await sqlite.close();
        owner.release();
      },
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
  const kv = new ResilientStore(redis, {
    logger: hooks.logger,
    ...(hooks.onFallback && { onOutage: hooks.onFallback }),
  });
  const ttlMs = hooks.leaseTtlMs;
  const keeper = new LeaseKeeper({
    lease: redis.lease(),
    name: LEASE,
    holderId,
    ttlMs,
    logger: hooks.logger,
    ...(hooks.onLease && { onChange: hooks.onLease }),
  });
  keeper.start();
  const fence = redis.postFence({
    lease: LEASE,
    holderId,
    token: () => keeper.token,
    // Renewed every third of the TTL, so a held lease has at least two thirds left at a renewal;
    // one third is the least a post starts with.
    minLeftMs: ttlMs / 3,
    // Long enough for a replica cut off from Redis to reconnect (5 s at most) and write its marks.
    graceMs: 2 * ttlMs + 10_000,
  });
  return {
    kv,
    subscriptions: redis,
    workspaceSubscriptions: redis,
    durable: kv,
    subscriptionsKv: redis,
    ...tenantStores(
      config.encryptionKeys,
      (kind) => redis.sealedTable(kind),
      { lock: redis.refreshLock(), logger: hooks.logger },
      redis,
    ),
    holdsLease: () => keeper.token !== undefined,
    fence,
    where: `redis ${redis.where} (${config.redisPrefix})`,
    close: async () => {
      await keeper.stop();
      await kv.close();
      await redis.close();
    },
  };
}
