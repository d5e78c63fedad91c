/**
 * What a deployment for many workspaces keeps per workspace, sealed at rest (crypto.ts):
 *
 * - **Installations**, behind Bolt's own `InstallationStore`: the whole installation (bot and user
 *   tokens, refresh tokens, ids) as one sealed JSON record, under its installation key (the
 *   enterprise id for an org-wide install, the team id otherwise: `installationKey`).
 * - **Focus connections** (`FocusConnection`: a tenant's base URL and API key), under the same key.
 *
 * The two are separate records, so storing an installation (a token refresh, a reinstall) never
 * touches the connection. A token refresh (Bolt's, token-refresh.ts) runs under the installation's
 * refresh lock and writes only the new tokens onto the record as it was read under that lock, and
 * only if the record is unchanged since (a reinstall or an uninstall meanwhile wins). Each record's key is its authenticated data (`installation:T123`,
 * `connection:T123`): a sealed value moved to another record, or from one kind to the other, does
 * not open. The backends (SQLite: sqlite-sealed.ts; Redis: redis-sealed.ts) keep opaque strings.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { AppError } from '../domain/errors.js';
import { type Logger, silentLogger } from '../domain/logger.js';
import { type EncryptionKeys, type FocusConnection, installationKey } from '../domain/tenant.js';
import { open, seal } from './crypto.js';
import {
  isRefreshOf,
  LocalRefreshLock,
  REFRESH_LOCK_TTL_MS,
  REFRESH_POLL_MS,
  REFRESH_WAIT_MS,
  type RefreshLock,
  refreshDue,
  withoutRefresh,
  withRefreshedTokens,
} from './token-refresh.js';

/** One kind of sealed record, by key, as a backend keeps it. */
export interface SealedTable {
  get(key: string): Promise<string | undefined>;
  /** Inserts or replaces. */
  put(key: string, sealed: string): Promise<void>;
  /** Inserts unless there is a record under `key` (`state import`); true when it did. */
  add(key: string, sealed: string): Promise<boolean>;
  /** Replaces the record only if it still reads `expected`; true when it did. */
  replace(key: string, expected: string, sealed: string): Promise<boolean>;
  /** True when there was a record. */
  delete(key: string): Promise<boolean>;
  /** Every key, in no set order. */
  keys(): Promise<string[]>;
}

export type SealedKind = 'installations' | 'connections';

/** Bolt's installation store, with the keys of every installation (for the poller and the bench). */
export interface Installations extends InstallationStore {
  deleteInstallation(query: InstallationQuery<boolean>): Promise<void>;
  listInstallationKeys(): Promise<string[]>;
  installerOf(query: InstallationQuery<boolean>): Promise<string | undefined>;
}

/** Each workspace's Focus connection, by installation key. */
export interface ConnectionStore {
  get(key: string): Promise<FocusConnection | undefined>;
  /** Inserts or replaces. */
  put(key: string, connection: FocusConnection): Promise<void>;
  /** True when there was one. */
  delete(key: string): Promise<boolean>;
}

/** No installation under a query's key: Bolt's authorize turns this into "not authorized". */
export class InstallationMissingError extends AppError {
  constructor(readonly key: string) {
    super('installation_missing', `no installation is stored for ${key}`);
    this.name = 'InstallationMissingError';
  }
}

export interface RotationOptions {
  /** Shared by every replica (Redis); one process's own on SQLite (the default). */
  lock?: RefreshLock;
  logger?: Logger;
  lockTtlMs?: number;
  waitMs?: number;
  pollMs?: number;
  /**
   * Run before an installation (not a token refresh) is written: a reinstall clears the uninstall
   * mark first, so a retention sweep racing it deletes nothing (workspace-data.ts).
   */
  beforeStore?: (key: string) => Promise<unknown>;
}

/** An installation handed to Bolt to refresh, under the lock this process took for it. */
interface PendingRefresh {
  lockToken: string;
  handedOut: Installation;
  /** The record as read under the lock: the refresh replaces exactly this one. */
  sealed: string;
  json: string;
}

export class SealedInstallationStore implements Installations {
  private readonly lock: RefreshLock;
  private readonly logger: Logger;
  private readonly lockTtlMs: number;
  private readonly waitMs: number;
  private readonly pollMs: number;
  private readonly beforeStore: ((key: string) => Promise<unknown>) | undefined;
  /** By installation key: at most one at a time (the lock), replaced by the next one taken. */
  private readonly pending = new Map<string, PendingRefresh>();

  constructor(
    private readonly table: SealedTable,
    private readonly keys: EncryptionKeys,
    rotation: RotationOptions = {},
  ) {
    this.lock = rotation.lock ?? new LocalRefreshLock();
    this.logger = rotation.logger ?? silentLogger;
    this.lockTtlMs = rotation.lockTtlMs ?? REFRESH_LOCK_TTL_MS;
    this.waitMs = rotation.waitMs ?? REFRESH_WAIT_MS;
    this.pollMs = rotation.pollMs ?? REFRESH_POLL_MS;
    this.beforeStore = rotation.beforeStore;
  }

  async storeInstallation<V extends 'v1' | 'v2'>(installation: Installation<V, boolean>): Promise<void> {
    const key = keyOf({
      teamId: installation.team?.id,
      enterpriseId: installation.enterprise?.id,
      isEnterpriseInstall: installation.isEnterpriseInstall,
    });
    const pending = this.pending.get(key);
    if (pending && isRefreshOf(installation as Installation, pending.handedOut)) {
      this.pending.delete(key);
      try {
        await this.storeRefresh(key, installation as Installation, pending);
      } finally {
        await this.lock.release(key, pending.lockToken);
      }
      return;
    }
    await this.beforeStore?.(key);
    await this.table.put(key, this.sealInstallation(key, installation as Installation));
  }

  /**
   * Who installed the app under this query's key (Slack user id), read without the refresh lock
   * (for the Home tab's connection part, not for a token); undefined when nothing is installed.
   */
  async installerOf(query: InstallationQuery<boolean>): Promise<string | undefined> {
    const read = await this.read(keyOf(query)).catch((error: unknown) => {
      if (error instanceof InstallationMissingError) return undefined;
      throw error;
    });
    return read?.installation.user?.id;
  }

  /**
   * The installation for Bolt's authorize: with its refresh tokens only when this caller is to
   * refresh it (token-refresh.ts), otherwise without, so Bolt never refreshes on its own.
   */
  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
    const key = keyOf(query);
    const { installation } = await this.read(key);
    if (!refreshDue(installation, nowSec())) return withoutRefresh(installation);
    return this.forRefresh(key);
  }

  /** Takes the lock, or waits (bounded) for the one holding it to store the new tokens. */
  private async forRefresh(key: string): Promise<Installation> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const lockToken = await this.lock.acquire(key, this.lockTtlMs);
      let current: Awaited<ReturnType<SealedInstallationStore['read']>>;
      try {
        // Read again: another replica may have refreshed it since the first read.
        current = await this.read(key);
      } catch (error) {
        if (lockToken) await this.lock.release(key, lockToken);
        throw error;
      }
      if (!refreshDue(current.installation, nowSec())) {
        if (lockToken) await this.lock.release(key, lockToken);
        return withoutRefresh(current.installation);
      }
      if (lockToken) {
        this.pending.set(key, {
          lockToken,
          handedOut: current.installation,
          sealed: current.sealed,
          json: current.json,
        });
        return current.installation;
      }
      if (Date.now() >= deadline) {
        // Another refresh is still under way (or failed, its lock not yet run out): this request
        // goes on with the token as it is, refreshed two hours before it expires.
        this.logger.info('installation.refresh_waited', { installation: key, waitedMs: this.waitMs });
        return withoutRefresh(current.installation);
      }
      await sleep(this.pollMs);
    }
  }

  /** Only the new tokens, onto the record as read under the lock, and only if it is unchanged. */
  private async storeRefresh(key: string, refreshed: Installation, pending: PendingRefresh): Promise<void> {
    const record = withRefreshedTokens(JSON.parse(pending.json) as Installation, refreshed);
    const sealed = this.sealInstallation(key, record);
    if (
      (await this.table.replace(key, pending.sealed, sealed)) ||
      (await this.replaceResealed(key, pending, sealed))
    ) {
      this.logger.info('installation.token_refreshed', {
        installation: key,
        botExpiresAt: record.bot?.expiresAt,
        userExpiresAt: record.user.expiresAt,
      });
    } else {
      // Reinstalled or uninstalled during the refresh: that write wins.
      this.logger.warn('installation.refresh_dropped', { installation: key, reason: 'record_changed' });
    }
  }

  /**
   * The record changed under the refresh: if only its sealing did (`state reseal` wrote the same
   * installation with the current key meanwhile), the refresh still applies, onto that one.
   */
  private async replaceResealed(key: string, pending: PendingRefresh, sealed: string): Promise<boolean> {
    const now = await this.table.get(key);
    if (now === undefined) return false;
    let json: string;
    try {
      json = open(this.keys, recordKey('installation', key), now);
    } catch {
      return false;
    }
    return json === pending.json && this.table.replace(key, now, sealed);
  }

  private async read(key: string): Promise<{ sealed: string; json: string; installation: Installation }> {
    const sealed = await this.table.get(key);
    if (sealed === undefined) throw new InstallationMissingError(key);
    const json = open(this.keys, recordKey('installation', key), sealed);
    return { sealed, json, installation: JSON.parse(json) as Installation };
  }

  private sealInstallation(key: string, installation: Installation): string {
    return seal(this.keys, recordKey('installation', key), JSON.stringify(installation));
  }

  /** Deletes the installation under the query's key (a user id in the query does not narrow it). */
  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    await this.table.delete(keyOf(query));
  }

  async listInstallationKeys(): Promise<string[]> {
    return this.table.keys();
  }
}

export class SealedConnectionStore implements ConnectionStore {
  constructor(
    private readonly table: SealedTable,
    private readonly keys: EncryptionKeys,
  ) {}

  async get(key: string): Promise<FocusConnection | undefined> {
    const sealed = await this.table.get(key);
    if (sealed === undefined) return undefined;
    return JSON.parse(open(this.keys, recordKey('connection', key), sealed)) as FocusConnection;
  }

  async put(key: string, connection: FocusConnection): Promise<void> {
    await this.table.put(key, seal(this.keys, recordKey('connection', key), JSON.stringify(connection)));
  }

  delete(key: string): Promise<boolean> {
    return this.table.delete(key);
  }
}

const nowSec = () => Math.floor(Date.now() / 1000);

/** A record's authenticated data: its kind and installation key (`installation:T123`). */
export function recordKey(kind: 'installation' | 'connection', key: string): string {
  return `${kind}:${key}`;
}

function keyOf(owner: Parameters<typeof installationKey>[0]): string {
  const key = installationKey(owner);
  if (key === undefined) {
    throw new AppError(
      'installation_unkeyed',
      owner.isEnterpriseInstall
        ? 'an org-wide installation without an enterprise id'
        : 'an installation without a team id',
    );
  }
  return key;
}
