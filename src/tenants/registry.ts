/**
 * Each Focus tenant's stack, built on first use and released when idle, so many installed
 * workspaces with few active ones fit in one process. Keyed by connection key (a Slack team id,
 * or an enterprise id for an org-wide connection); the connection itself is read from
 * `connectionOf` (the connection store, a provisioning file) when the stack is built.
 *
 * - Concurrent first uses of a key build one stack (they wait for the same build).
 * - A stack unused for `idleMs` is dropped (lru-cache ttl, purged on a timer), as is the least
 *   recently used one beyond `max`. A dropped stack is retired: nothing new takes it, and it is
 *   closed (directory stopped, client pool closed) once the work holding it has ended.
 * - `invalidate(key)` retires the key's stack at once (a replaced or removed connection): the
 *   next use reads the connection again and builds anew.
 */
import { LRUCache } from 'lru-cache';
import type { Logger } from '../domain/logger.js';
import type { FocusConnection } from '../domain/tenant.js';
import type { TenantStack } from './stack.js';

/**
 * How long "no connection for this key" is believed without reading the store again: a
 * connection made from another replica's Home tab (or provisioned there) answers within it; one
 * made on this replica, at once.
 */
export const UNCONNECTED_TTL_MS = 15_000;

export interface TenantRegistryOptions {
  /** The connection of a key; undefined when that workspace has not connected Focus. */
  connectionOf(key: string): Promise<FocusConnection | undefined>;
  /** Builds a key's stack (`buildTenantStack` with the app's settings). */
  build(connection: FocusConnection, key: string): TenantStack;
  /** A stack unused this long is released. */
  idleMs: number;
  /** At most this many stacks at once; the least recently used beyond it is released. */
  max: number;
  logger: Logger;
}

/** A stack held for one piece of work; `release()` once that work has ended (idempotent). */
export interface TenantLease {
  key: string;
  stack: TenantStack;
  release(): void;
}

/** One built stack and the work holding it. */
class Entry {
  private holders = 0;
  private retired = false;
  private closed: Promise<void> | undefined;

  constructor(
    readonly key: string,
    readonly stack: TenantStack,
    private readonly onClosed: (key: string) => void,
  ) {}

  /** A lease, or undefined when the stack is retired (the caller looks it up again). */
  take(): TenantLease | undefined {
    if (this.retired) return undefined;
    this.holders += 1;
    let released = false;
    return {
      key: this.key,
      stack: this.stack,
      release: () => {
        if (released) return;
        released = true;
        this.holders -= 1;
        if (this.retired && this.holders === 0) void this.close();
      },
    };
  }

  retire(): Promise<void> {
    this.retired = true;
    return this.holders === 0 ? this.close() : Promise.resolve();
  }

  /** Resolves once the stack is closed (after the last lease, when retired with leases out). */
  close(): Promise<void> {
    this.closed ??= this.stack.close().finally(() => this.onClosed(this.key));
    return this.closed;
  }
}

export class TenantRegistry {
  private readonly live: LRUCache<string, Entry>;
  /** Builds under way, so concurrent first uses of a key share one. */
  private readonly building = new Map<string, Promise<Entry | undefined>>();
  private readonly retiring = new Set<Entry>();
  private stopped = false;
  /**
   * Keys found without a connection a moment ago: every request of a workspace that has not
   * connected (or whose connection is its organisation's, looked up after its team's) would
   * otherwise read the connection store again. `invalidate` forgets one at once.
   */
  private readonly unconnected = new LRUCache<string, true>({ max: 10_000, ttl: UNCONNECTED_TTL_MS });

  constructor(private readonly options: TenantRegistryOptions) {
    this.live = new LRUCache<string, Entry>({
      max: options.max,
      ttl: options.idleMs,
      updateAgeOnGet: true,
      // Idle stacks are released by a timer, not only when the cache is next touched.
      ttlAutopurge: true,
      dispose: (entry, key, reason) => {
        options.logger.info('tenants.released', { key, reason });
        this.retiring.add(entry);
        void entry.retire();
      },
    });
  }

  /** Stacks built and not released (`focus_slack_tenant_stacks`). */
  get size(): number {
    return this.live.size;
  }

  /**
   * A lease on the key's stack, built on first use; undefined when the key has no connection.
   * Rejects when the connection cannot be read or the stack cannot be built.
   */
  async acquire(key: string): Promise<TenantLease | undefined> {
    // A stack retired between its lookup and its lease (released, invalidated) is looked up again.
    for (;;) {
      if (this.stopped) throw new Error('the tenant registry is closed');
      const entry = this.live.get(key) ?? (await this.build(key));
      if (!entry) return undefined;
      const lease = entry.take();
      if (lease) return lease;
    }
  }

  /** Retires the key's stack (its connection changed or was removed); the next use builds anew. */
  invalidate(key: string): void {
    this.building.delete(key);
    this.unconnected.delete(key);
    if (this.live.delete(key)) this.options.logger.info('tenants.invalidated', { key });
  }

  /** Cuts every lookup under way short, in every tenant (shutdown); how many were. */
  cancelAll(): number {
    let cut = 0;
    for (const entry of [...this.live.values(), ...this.retiring]) cut += entry.stack.lookups.cancelAll();
    return cut;
  }

  /** Retires every stack and waits until each is closed (their work under way ends first). */
  async close(): Promise<void> {
    this.stopped = true;
    this.building.clear();
    this.live.clear();
    await Promise.all([...this.retiring].map((entry) => entry.close()));
  }

  private build(key: string): Promise<Entry | undefined> {
    const under = this.building.get(key);
    if (under) return under;
    if (this.unconnected.has(key)) return Promise.resolve(undefined);
    const build: Promise<Entry | undefined> = this.options.connectionOf(key).then((connection) => {
      if (!connection) {
        if (this.building.get(key) === build) this.unconnected.set(key, true);
        return undefined;
      }
      const entry = new Entry(key, this.options.build(connection, key), () => this.retiring.delete(entry));
      // Invalidated while building: the connection read may be stale, so this stack is not kept.
      if (this.building.get(key) !== build || this.stopped) {
        this.retiring.add(entry);
        void entry.retire();
        return entry;
      }
      this.live.set(key, entry);
      this.options.logger.info('tenants.built', { key, stacks: this.live.size });
      return entry;
    });
    this.building.set(key, build);
    const done = () => {
      if (this.building.get(key) === build) this.building.delete(key);
    };
    build.then(done, done);
    return build;
  }
}
