/**
 * What a deployment for many workspaces keeps per workspace, sealed at rest (crypto.ts):
 *
 * - **Installations**, behind Bolt's own `InstallationStore`: the whole installation (bot and user
 *   tokens, refresh tokens, ids) as one sealed JSON record, under its installation key (the
 *   enterprise id for an org-wide install, the team id otherwise: `installationKey`).
 * - **Focus connections** (`FocusConnection`: a tenant's base URL and API key), under the same key.
 *
 * The two are separate records, so storing an installation (a token refresh, a reinstall) never
 * touches the connection. Each record's key is its authenticated data (`installation:T123`,
 * `connection:T123`): a sealed value moved to another record, or from one kind to the other, does
 * not open. The backends (SQLite: sqlite-sealed.ts; Redis: redis-sealed.ts) keep opaque strings.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { AppError } from '../domain/errors.js';
import { type EncryptionKeys, type FocusConnection, installationKey } from '../domain/tenant.js';
import { open, seal } from './crypto.js';

/** One kind of sealed record, by key, as a backend keeps it. */
export interface SealedTable {
  get(key: string): Promise<string | undefined>;
  /** Inserts or replaces. */
  put(key: string, sealed: string): Promise<void>;
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

export class SealedInstallationStore implements Installations {
  /**
   * `beforeStore`: run before an installation is written (a reinstall clears the uninstall mark
   * first, so a retention sweep racing it deletes nothing: workspace-data.ts).
   */
  constructor(
    private readonly table: SealedTable,
    private readonly keys: EncryptionKeys,
    private readonly beforeStore?: (key: string) => Promise<unknown>,
  ) {}

  async storeInstallation<V extends 'v1' | 'v2'>(installation: Installation<V, boolean>): Promise<void> {
    const key = keyOf({
      teamId: installation.team?.id,
      enterpriseId: installation.enterprise?.id,
      isEnterpriseInstall: installation.isEnterpriseInstall,
    });
    await this.beforeStore?.(key);
    await this.table.put(key, seal(this.keys, recordKey('installation', key), JSON.stringify(installation)));
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
    const key = keyOf(query);
    const sealed = await this.table.get(key);
    if (sealed === undefined) throw new InstallationMissingError(key);
    return JSON.parse(open(this.keys, recordKey('installation', key), sealed)) as Installation;
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

function recordKey(kind: 'installation' | 'connection', key: string): string {
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
