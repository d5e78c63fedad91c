/**
 * Installations (Bolt's InstallationStore) and Focus connections, sealed, on a real SQLite file
 * and a real Redis: keyed as Bolt keys them, a refresh never touches the connection, and no token
 * or API key is anywhere in clear (the file's bytes, every Redis key's value).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createClient } from '@redis/client';
import type { Installation } from '@slack/bolt';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/domain/logger.js';
import type { EncryptionKeys, FocusConnection } from '../../src/domain/tenant.js';
import { sealedKeyId } from '../../src/state/crypto.js';
import { type AppState, openAppState } from '../../src/state/open.js';
import { openRedisState } from '../../src/state/redis.js';
import { resealTable } from '../../src/state/reseal.js';
import { openSqliteState } from '../../src/state/sqlite.js';
import {
  type ConnectionStore,
  type Installations,
  SealedConnectionStore,
  SealedInstallationStore,
  type SealedKind,
  type SealedTable,
} from '../../src/state/tenant-stores.js';
import { type RefreshLock, withoutRefresh } from '../../src/state/token-refresh.js';
import { orgInstall, teamInstall } from '../fixtures/installations.js';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { tempStatePath } from '../helpers/state.js';

const redisUrl = sharedRedisUrl();

function keySet(...entries: Array<[string, Buffer]>): EncryptionKeys {
  const [id, key] = entries[0] as [string, Buffer];
  return { current: { id, key }, all: new Map(entries) };
}
const K1: [string, Buffer] = ['k1', randomBytes(32)];
const K2: [string, Buffer] = ['k2', randomBytes(32)];

const BOT_TOKEN = 'xoxb-111-222-botTOKENsecretAAAA';
const USER_TOKEN = 'xoxp-111-222-userTOKENsecretBBBB';
const REFRESH_TOKEN = 'xoxe-1-refreshTOKENsecretCCCC';
const NEW_BOT_TOKEN = 'xoxe.xoxb-1-rotatedTOKENsecretDDDD';
const API_KEY = 'focus-API-KEY-secret-EEEE';
const SECRETS = [BOT_TOKEN, USER_TOKEN, REFRESH_TOKEN, NEW_BOT_TOKEN, API_KEY];

/** A workspace install inside an Enterprise Grid organisation: keyed by its team. */
const TEAM_INSTALL = teamInstall({
  bot: BOT_TOKEN,
  user: USER_TOKEN,
  refresh: REFRESH_TOKEN,
  enterprise: { id: 'E0ORG0001', name: 'Acme Org' },
});
const TEAM_BOT = TEAM_INSTALL.bot as NonNullable<typeof TEAM_INSTALL.bot>;
const ORG_INSTALL = orgInstall(`${BOT_TOKEN}-org`);

const CONNECTION: FocusConnection = {
  baseUrl: 'https://uk.focus.example/api',
  credentials: { clientId: 42, username: 'svc-slack', apiKey: API_KEY },
  authPath: '/authWithAPIKey',
  kind: 'tenant',
  connectedBy: 'U0INSTALL',
  connectedAt: '2026-12-01T10:00:00.000Z',
};

/** One backend, opened and reopened (with other keys) on the same data. */
interface Backend {
  open(keys: EncryptionKeys, rotation?: Rotation): Promise<Opened>;
  /** Every byte the backend holds, as text (latin1, so any ASCII token shows as itself). */
  everything(): Promise<string>;
  destroy(): Promise<void>;
}
/** The refresh lock's timings (the lock itself is the backend's: Redis, or the store's own). */
type Rotation = { lockTtlMs?: number; waitMs?: number; pollMs?: number };
interface Opened {
  installations: Installations;
  connections: ConnectionStore;
  table(kind: SealedKind): SealedTable;
  close(): Promise<void>;
}

function sqliteBackend(): Backend {
  const temp = tempStatePath();
  return {
    async open(keys, rotation = {}) {
      const state = openSqliteState(temp.path);
      const table = (kind: SealedKind) => state.sealedTable(kind);
      return {
        installations: new SealedInstallationStore(table('installations'), keys, rotation),
        connections: new SealedConnectionStore(table('connections'), keys),
        table,
        close: () => state.close(),
      };
    },
    // The file, its WAL and shared memory, whatever has been checkpointed or not.
    async everything() {
      const dir = dirname(temp.path);
      return readdirSync(dir)
        .map((name) => readFileSync(join(dir, name)).toString('latin1'))
        .join('\n');
    },
    async destroy() {
      temp.remove();
    },
  };
}

function redisBackend(url: string): Backend {
  const prefix = uniquePrefix('tenant-stores');
  return {
    async open(keys, rotation = {}) {
      const state = await openRedisState(url, { prefix });
      const table = (kind: SealedKind) => state.sealedTable(kind);
      const lock: RefreshLock = state.refreshLock();
      return {
        installations: new SealedInstallationStore(table('installations'), keys, { lock, ...rotation }),
        connections: new SealedConnectionStore(table('connections'), keys),
        table,
        close: () => state.close(),
      };
    },
    // Every key under the prefix (SCAN): its value as the type reads it, and its DUMP.
    async everything() {
      const client = createClient({ url, RESP: 2 });
      client.on('error', () => {});
      await client.connect();
      try {
        const parts: string[] = [];
        for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) {
          for (const key of keys) {
            parts.push(key);
            const type = await client.type(key);
            if (type === 'string') parts.push(String(await client.get(key)));
            else if (type === 'hash') parts.push(JSON.stringify(await client.hGetAll(key)));
            else parts.push(`${type}?`);
            parts.push(String(await client.sendCommand(['DUMP', key])));
          }
        }
        return parts.join('\n');
      } finally {
        client.destroy();
      }
    },
    async destroy() {
      await deletePrefix(url, prefix);
    },
  };
}

const BACKENDS: Array<[string, () => Backend]> = [
  ['SQLite', sqliteBackend],
  ...(redisUrl ? [['Redis', () => redisBackend(redisUrl)] as [string, () => Backend]] : []),
];

describe.each(BACKENDS)('sealed tenant stores on %s', (_name, make) => {
  let backend: Backend;
  const opened: Opened[] = [];
  async function open(keys = keySet(K1), rotation?: Rotation): Promise<Opened> {
    backend ??= make();
    const o = await backend.open(keys, rotation);
    opened.push(o);
    return o;
  }
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.close();
    await backend?.destroy();
    backend = undefined as unknown as Backend;
  });

  it('stores, fetches and deletes a workspace install by its team id', async () => {
    const { installations } = await open();
    await installations.storeInstallation(TEAM_INSTALL);
    // Bolt's query for an event in that workspace, inside its organisation.
    const query = { teamId: 'T0TEAM001', enterpriseId: 'E0ORG0001', isEnterpriseInstall: false };
    // Not due for a refresh: handed to Bolt without its refresh token (token-refresh.ts).
    expect(await installations.fetchInstallation(query)).toEqual(withoutRefresh(TEAM_INSTALL));
    expect(await installations.listInstallationKeys()).toEqual(['T0TEAM001']);
    // The organisation itself has no install of its own.
    await expect(
      installations.fetchInstallation({
        teamId: undefined,
        enterpriseId: 'E0ORG0001',
        isEnterpriseInstall: true,
      }),
    ).rejects.toMatchObject({ code: 'installation_missing' });

    await installations.deleteInstallation(query);
    await expect(installations.fetchInstallation(query)).rejects.toMatchObject({
      code: 'installation_missing',
      message: 'no installation is stored for T0TEAM001',
    });
    expect(await installations.listInstallationKeys()).toEqual([]);
    await installations.deleteInstallation(query); // nothing left: no error
  });

  it('keys an org-wide install by its enterprise id, for every workspace of the organisation', async () => {
    const { installations } = await open();
    await installations.storeInstallation(ORG_INSTALL);
    await installations.storeInstallation(TEAM_INSTALL);
    for (const teamId of ['T0WS00001', 'T0WS00002', undefined]) {
      const query = { teamId, enterpriseId: 'E0ORG0002', isEnterpriseInstall: true };
      expect(await installations.fetchInstallation(query)).toEqual(ORG_INSTALL);
    }
    expect((await installations.listInstallationKeys()).sort()).toEqual(['E0ORG0002', 'T0TEAM001']);
    // A workspace of the organisation is not a workspace install.
    await expect(
      installations.fetchInstallation({
        teamId: 'T0WS00001',
        enterpriseId: 'E0ORG0002',
        isEnterpriseInstall: false,
      }),
    ).rejects.toMatchObject({ code: 'installation_missing' });

    await installations.deleteInstallation({
      teamId: 'T0WS00001',
      enterpriseId: 'E0ORG0002',
      isEnterpriseInstall: true,
    });
    expect(await installations.listInstallationKeys()).toEqual(['T0TEAM001']);
  });

  it('refuses an installation or a query with nothing to key it by', async () => {
    const { installations } = await open();
    await expect(
      installations.storeInstallation({ ...ORG_INSTALL, enterprise: undefined }),
    ).rejects.toMatchObject({ code: 'installation_unkeyed' });
    await expect(
      installations.fetchInstallation({
        teamId: undefined,
        enterpriseId: undefined,
        isEnterpriseInstall: false,
      }),
    ).rejects.toMatchObject({ code: 'installation_unkeyed' });
  });

  it('a refresh replaces the installation and leaves the Focus connection as it was', async () => {
    const { installations, connections } = await open();
    await installations.storeInstallation(TEAM_INSTALL);
    await connections.put('T0TEAM001', CONNECTION);
    const refreshed = {
      ...TEAM_INSTALL,
      bot: { ...TEAM_BOT, token: NEW_BOT_TOKEN, expiresAt: 1_900_043_200 },
    };
    await installations.storeInstallation(refreshed);
    const query = { teamId: 'T0TEAM001', enterpriseId: 'E0ORG0001', isEnterpriseInstall: false };
    expect((await installations.fetchInstallation(query)).bot?.token).toBe(NEW_BOT_TOKEN);
    expect(await connections.get('T0TEAM001')).toEqual(CONNECTION);
    // Deleting the installation leaves it too (its data goes by the uninstall path's own rules).
    await installations.deleteInstallation(query);
    expect(await connections.get('T0TEAM001')).toEqual(CONNECTION);
  });

  it('puts, replaces, gets and deletes a Focus connection', async () => {
    const { connections } = await open();
    expect(await connections.get('T0TEAM001')).toBeUndefined();
    await connections.put('T0TEAM001', CONNECTION);
    const simulator: FocusConnection = {
      ...CONNECTION,
      kind: 'simulator',
      baseUrl: 'http://127.0.0.1:4010/api',
    };
    await connections.put('E0ORG0002', simulator);
    expect(await connections.get('T0TEAM001')).toEqual(CONNECTION);
    expect(await connections.get('E0ORG0002')).toEqual(simulator);
    expect(await connections.delete('T0TEAM001')).toBe(true);
    expect(await connections.delete('T0TEAM001')).toBe(false);
    expect(await connections.get('T0TEAM001')).toBeUndefined();
    expect(await connections.get('E0ORG0002')).toEqual(simulator);
  });

  it('a sealed record moved to another key, or to the other kind, does not open', async () => {
    const { installations, connections, table } = await open();
    await installations.storeInstallation(TEAM_INSTALL);
    await connections.put('T0TEAM001', CONNECTION);
    const sealedConnection = (await table('connections').get('T0TEAM001')) as string;
    await table('connections').put('T0OTHER01', sealedConnection);
    await expect(connections.get('T0OTHER01')).rejects.toMatchObject({ code: 'sealed_rejected' });
    await table('installations').put('T0OTHER01', sealedConnection);
    await expect(
      installations.fetchInstallation({
        teamId: 'T0OTHER01',
        enterpriseId: undefined,
        isEnterpriseInstall: false,
      }),
    ).rejects.toMatchObject({ code: 'sealed_rejected' });
  });

  it('rotates keys: old records open with the old key listed second, new writes use the new key', async () => {
    const before = await open(keySet(K1));
    await before.installations.storeInstallation(TEAM_INSTALL);
    await before.connections.put('T0TEAM001', CONNECTION);
    await before.close();

    const rotated = await open(keySet(K2, K1));
    const query = { teamId: 'T0TEAM001', enterpriseId: undefined, isEnterpriseInstall: false };
    expect(await rotated.installations.fetchInstallation(query)).toEqual(withoutRefresh(TEAM_INSTALL));
    expect(await rotated.table('connections').get('T0TEAM001')).toMatch(/^v1\.k1\./);
    await rotated.installations.storeInstallation(TEAM_INSTALL);
    expect(await rotated.table('installations').get('T0TEAM001')).toMatch(/^v1\.k2\./);
    await rotated.close();

    // Without the old key, what it sealed says which key it needs.
    const newOnly = await open(keySet(K2));
    expect(await newOnly.installations.fetchInstallation(query)).toEqual(withoutRefresh(TEAM_INSTALL));
    await expect(newOnly.connections.get('T0TEAM001')).rejects.toMatchObject({
      code: 'sealed_unknown_key',
      message: expect.stringContaining('key id "k1"'),
    });
  });

  /** TEAM_INSTALL with its bot token expiring in an hour: due for Bolt's refresh. */
  const expiring = (): Installation<'v2', false> => ({
    ...TEAM_INSTALL,
    bot: { ...TEAM_BOT, expiresAt: Math.floor(Date.now() / 1000) + 3600 },
  });
  const TEAM_QUERY = { teamId: 'T0TEAM001', enterpriseId: 'E0ORG0001', isEnterpriseInstall: false };
  /** What Bolt's authorize stores after refreshing: a shallow copy, its bot updated in place. */
  const boltRefresh = (handedOut: Installation, token: string, refreshToken: string) => {
    const updates = { ...handedOut };
    Object.assign(updates.bot as object, {
      token,
      refreshToken,
      expiresAt: Math.floor(Date.now() / 1000) + 43_200,
    });
    return updates;
  };

  it('hands the refresh to one caller at a time; the refresh writes only the new tokens', async () => {
    const { installations, connections, table } = await open(keySet(K1), { waitMs: 100, pollMs: 10 });
    await installations.storeInstallation(expiring());
    await connections.put('T0TEAM001', CONNECTION);
    const connectionBefore = await table('connections').get('T0TEAM001');
    const [first, second] = await Promise.all([
      installations.fetchInstallation(TEAM_QUERY),
      installations.fetchInstallation(TEAM_QUERY),
    ]);
    // One holds the lock and gets the refresh token; the other, after its wait, the token as it is.
    const handed = [first, second].filter((i) => i.bot?.refreshToken === REFRESH_TOKEN);
    expect(handed).toHaveLength(1);
    expect([first, second].filter((i) => i.bot?.refreshToken === undefined)).toHaveLength(1);
    expect([first.bot?.token, second.bot?.token]).toEqual([BOT_TOKEN, BOT_TOKEN]);

    await installations.storeInstallation(
      boltRefresh(handed[0] as Installation, NEW_BOT_TOKEN, 'xoxe-1-next'),
    );
    const after = await installations.fetchInstallation(TEAM_QUERY);
    // Refreshed: not due any more, so handed out without a refresh (and nobody waits).
    expect(after.bot?.token).toBe(NEW_BOT_TOKEN);
    expect(after.bot?.refreshToken).toBeUndefined();
    expect(after).toEqual(withoutRefresh({ ...TEAM_INSTALL, bot: { ...TEAM_BOT, token: NEW_BOT_TOKEN } }));
    expect(await table('connections').get('T0TEAM001')).toBe(connectionBefore);
  });

  it('names the installer without taking the refresh lock, even when a refresh is due', async () => {
    const { installations } = await open(keySet(K1), { waitMs: 100, pollMs: 10 });
    expect(await installations.installerOf(TEAM_QUERY)).toBeUndefined();
    await installations.storeInstallation(expiring());
    expect(await installations.installerOf(TEAM_QUERY)).toBe(TEAM_INSTALL.user.id);
    // Bolt's authorize still gets the refresh: reading the installer took no lock.
    expect((await installations.fetchInstallation(TEAM_QUERY)).bot?.refreshToken).toBe(REFRESH_TOKEN);
  });

  it('a reinstall or an uninstall during a refresh wins over it', async () => {
    const { installations } = await open(keySet(K1), { waitMs: 0 });
    await installations.storeInstallation(expiring());
    const handed = await installations.fetchInstallation(TEAM_QUERY);
    expect(handed.bot?.refreshToken).toBe(REFRESH_TOKEN);
    const reinstall = { ...TEAM_INSTALL, bot: { ...TEAM_BOT, token: 'xoxb-reinstalled' } };
    await installations.storeInstallation(reinstall);
    await installations.storeInstallation(boltRefresh(handed, NEW_BOT_TOKEN, 'xoxe-1-next'));
    expect(await installations.fetchInstallation(TEAM_QUERY)).toEqual(withoutRefresh(reinstall));

    await installations.storeInstallation(expiring());
    const again = await installations.fetchInstallation(TEAM_QUERY);
    // The lock was released by the dropped refresh: this caller got it.
    expect(again.bot?.refreshToken).toBe(REFRESH_TOKEN);
    await installations.deleteInstallation(TEAM_QUERY);
    await installations.storeInstallation(boltRefresh(again, NEW_BOT_TOKEN, 'xoxe-1-next'));
    await expect(installations.fetchInstallation(TEAM_QUERY)).rejects.toMatchObject({
      code: 'installation_missing',
    });
  });

  it('a reseal during a refresh keeps the refresh; a write during a reseal wins over it', async () => {
    const old = await open(keySet(K1));
    await old.installations.storeInstallation(expiring());
    await old.connections.put('T0TEAM001', CONNECTION);
    const rotated = keySet(K2, K1);
    const { installations, table } = await open(rotated, { waitMs: 0 });
    const handed = await installations.fetchInstallation(TEAM_QUERY);
    expect(handed.bot?.refreshToken).toBe(REFRESH_TOKEN);
    // `state reseal` rewrites the record (same installation, new key) while Bolt refreshes.
    expect(await resealTable(table('installations'), 'installations', rotated)).toMatchObject({
      resealed: { k1: 1 },
    });
    await installations.storeInstallation(boltRefresh(handed, NEW_BOT_TOKEN, 'xoxe-1-next'));
    expect((await installations.fetchInstallation(TEAM_QUERY)).bot?.token).toBe(NEW_BOT_TOKEN);
    expect(sealedKeyId((await table('installations').get('T0TEAM001')) as string)).toBe('k2');

    // The app saves the connection (with the old key: a replica not yet restarted) between the
    // reseal's read and its write: the app's write stands, and the reseal seals that one.
    const saved = { ...CONNECTION, connectedBy: 'U0OTHER' };
    const connections = table('connections');
    let raced = false;
    const racing: SealedTable = {
      get: (key) => connections.get(key),
      put: (key, sealed) => connections.put(key, sealed),
      add: (key, sealed) => connections.add(key, sealed),
      delete: (key) => connections.delete(key),
      keys: () => connections.keys(),
      async replace(key, expected, sealed) {
        if (!raced) {
          raced = true;
          await old.connections.put(key, saved);
        }
        return connections.replace(key, expected, sealed);
      },
    };
    expect(await resealTable(racing, 'connections', rotated)).toEqual({
      resealed: { k1: 1 },
      current: 0,
      gone: 0,
      failed: [],
    });
    expect(raced).toBe(true);
    expect(await new SealedConnectionStore(connections, keySet(K2)).get('T0TEAM001')).toEqual(saved);
  });

  it('a refresh that stores nothing (it failed) holds the lock until it runs out', async () => {
    const { installations } = await open(keySet(K1), { lockTtlMs: 300, waitMs: 0 });
    await installations.storeInstallation(expiring());
    expect((await installations.fetchInstallation(TEAM_QUERY)).bot?.refreshToken).toBe(REFRESH_TOKEN);
    // Bolt's refresh failed: nothing stored. Meanwhile nobody else refreshes.
    expect((await installations.fetchInstallation(TEAM_QUERY)).bot?.refreshToken).toBeUndefined();
    await new Promise((r) => setTimeout(r, 400));
    expect((await installations.fetchInstallation(TEAM_QUERY)).bot?.refreshToken).toBe(REFRESH_TOKEN);
  });

  it('keeps no token or API key in clear', async () => {
    const { installations, connections, close } = await open();
    await installations.storeInstallation(TEAM_INSTALL);
    await installations.storeInstallation(ORG_INSTALL);
    await connections.put('T0TEAM001', CONNECTION);
    await connections.put('E0ORG0002', { ...CONNECTION, kind: 'simulator' });
    await installations.storeInstallation({
      ...TEAM_INSTALL,
      bot: { ...TEAM_BOT, token: NEW_BOT_TOKEN },
    });

    const check = async () => {
      const all = await backend.everything();
      // The search reads the records: their keys and sealed values are there.
      expect(all).toContain('T0TEAM001');
      expect(all).toContain('E0ORG0002');
      expect(all).toMatch(/v1\.k1\.[\w-]+\.[\w-]+\.[\w-]+/);
      for (const secret of SECRETS) expect(all).not.toContain(secret);
      // Nor the distinctive part of any, nor the key itself.
      for (const part of ['botTOKENsecret', 'userTOKENsecret', 'refreshTOKENsecret', 'API-KEY-secret'])
        expect(all).not.toContain(part);
      expect(all).not.toContain(K1[1].toString('base64'));
    };
    await check(); // while open (SQLite: in the WAL)
    await close(); // SQLite: checkpointed into the file
    opened.length = 0;
    await check();
  });
});

describe.each(BACKENDS)('openAppState on %s', (name) => {
  const states: AppState[] = [];
  const temp = tempStatePath();
  const prefix = uniquePrefix('tenant-open');
  afterEach(async () => {
    for (const s of states.splice(0)) await s.close();
    if (redisUrl) await deletePrefix(redisUrl, prefix);
  });
  afterAll(() => temp.remove());

  async function appState(encryptionKeys?: EncryptionKeys): Promise<AppState> {
    const state = await openAppState(
      {
        path: temp.path,
        redisUrl: name === 'Redis' ? redisUrl : undefined,
        redisPrefix: prefix,
        encryptionKeys,
      },
      { logger: silentLogger, leaseTtlMs: 5_000 },
    );
    states.push(state);
    return state;
  }

  it('has installations and connections only with encryption keys, on the same backend as the rest', async () => {
    const without = await appState();
    expect(without.installations).toBeUndefined();
    expect(without.connections).toBeUndefined();
    await without.close();
    states.length = 0;

    const first = await appState(keySet(K1));
    await first.installations?.storeInstallation(TEAM_INSTALL);
    await first.connections?.put('T0TEAM001', CONNECTION);
    await first.close();
    states.length = 0;

    // What one process wrote, the next reads (SQLite: the same file; Redis: the same prefix).
    const second = await appState(keySet(K1));
    expect(await second.installations?.listInstallationKeys()).toEqual(['T0TEAM001']);
    expect(await second.connections?.get('T0TEAM001')).toEqual(CONNECTION);
  });
});
