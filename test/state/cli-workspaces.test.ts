/**
 * `npm run state -- export|import|reseal` with a distribution-mode store: installations, Focus
 * connections and uninstall marks move from SQLite to Redis still sealed (no key needed to export)
 * and open there with the same STATE_ENCRYPTION_KEY; a record moved under another workspace's key
 * is refused; `reseal` moves every record to the first key, so the old one can be dropped. No
 * token or API key appears in clear in the archive, on stdout or on stderr.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEncryptionKeys } from '../../src/config-tenancy.js';
import type { EncryptionKeys, FocusConnection } from '../../src/domain/tenant.js';
import { seal, sealedKeyId } from '../../src/state/crypto.js';
import { openRedisState, type RedisState } from '../../src/state/redis.js';
import { openSqliteState } from '../../src/state/sqlite.js';
import { SealedConnectionStore, SealedInstallationStore } from '../../src/state/tenant-stores.js';
import { withoutRefresh } from '../../src/state/token-refresh.js';
import { orgInstall, teamInstall } from '../fixtures/installations.js';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { runCli } from '../helpers/state-cli.js';

const url = sharedRedisUrl();
const K1 = `k1:${randomBytes(32).toString('base64')}`;
const K2 = `k2:${randomBytes(32).toString('base64')}`;
const UNINSTALLED_AT = Date.parse('2026-11-20T08:00:00.000Z');

const BOT_TOKEN = 'xoxb-111-222-cliBOTsecretAAAA';
const USER_TOKEN = 'xoxp-111-222-cliUSERsecretBBBB';
const REFRESH_TOKEN = 'xoxe-1-cliREFRESHsecretCCCC';
const ORG_TOKEN = 'xoxb-333-444-cliORGsecretDDDD';
const API_KEY = 'focus-cli-API-KEY-secret-EEEE';
const GONE_API_KEY = 'focus-cli-API-KEY-gone-FFFF';
const SECRETS = [BOT_TOKEN, USER_TOKEN, REFRESH_TOKEN, ORG_TOKEN, API_KEY, GONE_API_KEY];

const TEAM_INSTALL = teamInstall({ bot: BOT_TOKEN, user: USER_TOKEN, refresh: REFRESH_TOKEN });
const ORG_INSTALL = orgInstall(ORG_TOKEN);
const connection = (apiKey: string): FocusConnection => ({
  baseUrl: 'https://uk.focus.example/api',
  credentials: { clientId: 42, username: 'svc-slack', apiKey },
  kind: 'tenant',
  connectedBy: 'U0INSTALL',
  connectedAt: '2026-12-01T10:00:00.000Z',
});

function keys(text: string): EncryptionKeys {
  const parsed = parseEncryptionKeys(text);
  if (!parsed.ok) throw new Error(parsed.problems.join('; '));
  return parsed.value;
}

/** The installations and connections of a Redis store, opened with `text`'s keys. */
function sealedOn(redis: RedisState, text: string) {
  return {
    installations: new SealedInstallationStore(redis.sealedTable('installations'), keys(text)),
    connections: new SealedConnectionStore(redis.sealedTable('connections'), keys(text)),
  };
}

function expectNoSecret(...texts: string[]): void {
  for (const text of texts) for (const secret of SECRETS) expect(text).not.toContain(secret);
}

const TEAM_QUERY = { teamId: 'T0TEAM001', enterpriseId: undefined, isEnterpriseInstall: false };
const ORG_QUERY = { teamId: 'T0ANY', enterpriseId: 'E0ORG0002', isEnterpriseInstall: true };

describe.skipIf(!url)('npm run state -- export|import|reseal with installations and connections', () => {
  const redisUrl = url as string;
  const prefix = uniquePrefix('cli-ws');
  const redisEnv = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix };
  let dir: string;
  let source: string;
  let archive: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'focus-state-cli-ws-'));
    source = join(dir, 'source.sqlite');
    const store = openSqliteState(source);
    const installations = new SealedInstallationStore(store.sealedTable('installations'), keys(K1));
    const connections = new SealedConnectionStore(store.sealedTable('connections'), keys(K1));
    await installations.storeInstallation(TEAM_INSTALL);
    await installations.storeInstallation(ORG_INSTALL);
    await connections.put('T0TEAM001', connection(API_KEY));
    await connections.put('E0ORG0002', connection(API_KEY));
    // Uninstalled: its tokens went at once; its connection waits out the window.
    await connections.put('T0GONE003', connection(GONE_API_KEY));
    await store.markUninstalled('T0GONE003', UNINSTALLED_AT);
    await store.add(
      {
        team: 'T0TEAM001',
        channel: 'C1',
        target: { kind: 'person', personId: 7, name: 'Jane' },
        createdBy: 'U0INSTALL',
      },
      new Date('2026-11-28T09:00:00Z'),
    );
    await store.close();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await deletePrefix(redisUrl, prefix);
  });

  it('exports the sealed records as stored, without a key, and no secret in clear', async () => {
    const result = await runCli(['export'], { STATE_PATH: source });
    expect(result.code).toBe(0);
    expect(result.err).toBe(
      `exported 2 installation(s), 3 connection(s) (encrypted, as stored), 1 uninstall mark(s) and 1 subscription(s) from STATE_PATH ${source}\n`,
    );
    archive = result.out;
    const doc = JSON.parse(archive);
    expect(Object.keys(doc)).toEqual([
      'format',
      'version',
      'installations',
      'connections',
      'uninstalls',
      'subscriptions',
    ]);
    expect(doc.version).toBe(2);
    expect(doc.installations.map((r: { key: string }) => r.key)).toEqual(['E0ORG0002', 'T0TEAM001']);
    expect(doc.connections.map((r: { key: string }) => r.key)).toEqual([
      'E0ORG0002',
      'T0GONE003',
      'T0TEAM001',
    ]);
    for (const r of [...doc.installations, ...doc.connections]) expect(sealedKeyId(r.sealed)).toBe('k1');
    expect(doc.uninstalls).toEqual([{ key: 'T0GONE003', at: '2026-11-20T08:00:00.000Z' }]);
    expect(doc.subscriptions).toHaveLength(1);
    expectNoSecret(result.out, result.err);
  });

  it('imports into Redis, where every record opens with the same key; a second import adds nothing', async () => {
    const first = await runCli(['import'], { ...redisEnv, STATE_ENCRYPTION_KEY: K1 }, archive);
    expect(first.code).toBe(0);
    const where = `redis://127.0.0.1:${new URL(redisUrl).port}/0 (prefix ${prefix})`;
    expect(first.err.split('\n')).toEqual([
      `imported 2 installation(s) into ${where}: 2 added, 0 already there`,
      `imported 3 connection(s) into ${where}: 3 added, 0 already there`,
      `imported 1 uninstall mark(s) into ${where}: 1 added, 0 already there (the earlier time kept)`,
      `imported 1 subscription(s) into ${where}: 1 added, 0 already there (cursor and delivered ids merged)`,
      '',
    ]);
    expectNoSecret(first.out, first.err);

    const redis = await openRedisState(redisUrl, { prefix });
    try {
      const { installations, connections } = sealedOn(redis, K1);
      // The installation Bolt's authorize reads on the new store: the same tokens.
      expect(await installations.fetchInstallation(TEAM_QUERY)).toEqual(withoutRefresh(TEAM_INSTALL));
      expect((await installations.fetchInstallation(ORG_QUERY)).bot?.token).toBe(ORG_TOKEN);
      expect((await connections.get('T0TEAM001'))?.credentials.apiKey).toBe(API_KEY);
      expect((await connections.get('T0GONE003'))?.credentials.apiKey).toBe(GONE_API_KEY);
      // The pending deletion moved with it.
      expect(await redis.uninstalls()).toEqual(new Map([['T0GONE003', UNINSTALLED_AT]]));
    } finally {
      await redis.close();
    }
    // Verbatim: the Redis export is the SQLite one.
    expect((await runCli(['export'], redisEnv)).out).toBe(archive);

    // Without a key: written as they are (nothing to add here), and said.
    const again = await runCli(['import'], redisEnv, archive);
    expect(again.code).toBe(0);
    expect(again.err).toContain('installations: not opened here (STATE_ENCRYPTION_KEY is not set)');
    expect(again.err).toContain('2 installation(s) into');
    expect(again.err).toContain(': 0 added, 2 already there\n');
    expect(again.err).toContain(': 0 added, 1 already there (the earlier time kept)');
    expect((await runCli(['export'], redisEnv)).out).toBe(archive);
  });

  it('refuses a record moved under another key (its authenticated data), and keeps a store its own records', async () => {
    const doc = JSON.parse(archive);
    const team = doc.connections.find((r: { key: string }) => r.key === 'T0TEAM001');
    const file = join(dir, 'moved.sqlite');
    // T0TEAM001's connection presented as T0OTHER09's; an installation presented as a connection.
    const moved = {
      ...doc,
      installations: [],
      connections: [
        { key: 'T0OTHER09', sealed: team.sealed },
        { key: 'T0TEAM001', sealed: doc.installations[1].sealed },
        { key: 'T0TEAM001', sealed: team.sealed },
        { key: 'T0BAD', sealed: 'not-sealed' },
      ],
      uninstalls: [],
      subscriptions: [],
    };
    const withKey = await runCli(
      ['import'],
      { STATE_PATH: file, STATE_ENCRYPTION_KEY: K1 },
      JSON.stringify(moved),
    );
    expect(withKey.code).toBe(3);
    expect(withKey.err).toContain(
      'skipped connections[0] (line 1): the record connection:T0OTHER09 does not open with key "k1": it was altered, or belongs to another record',
    );
    expect(withKey.err).toContain(
      'skipped connections[1] (line 1): the record connection:T0TEAM001 does not open',
    );
    expect(withKey.err).toContain(
      'skipped connections[3] (line 1): sealed is not a sealed value (v1.<key id>.<nonce>.<ciphertext>.<tag>)',
    );
    expect(withKey.err).toContain('imported 1 connection(s) into');
    expect(withKey.err).toMatch(/\n3 record\(s\) skipped \(listed above\)\n$/);
    expectNoSecret(withKey.out, withKey.err);

    // Without a key the moved record is written (shape only), and still does not open there.
    const blind = join(dir, 'blind.sqlite');
    const without = await runCli(['import'], { STATE_PATH: blind }, JSON.stringify(moved));
    expect(without.code).toBe(3);
    const store = openSqliteState(blind);
    try {
      const connections = new SealedConnectionStore(store.sealedTable('connections'), keys(K1));
      await expect(connections.get('T0OTHER09')).rejects.toMatchObject({ code: 'sealed_rejected' });
    } finally {
      await store.close();
    }

    // A store that has its own record under a key keeps it; one installed here keeps no archived mark.
    const own = join(dir, 'own.sqlite');
    const target = openSqliteState(own);
    try {
      await new SealedConnectionStore(target.sealedTable('connections'), keys(K1)).put(
        'T0TEAM001',
        connection('focus-cli-own-key'),
      );
      await new SealedInstallationStore(target.sealedTable('installations'), keys(K1)).storeInstallation({
        ...TEAM_INSTALL,
        team: { id: 'T0GONE003', name: 'Back' },
      });
    } finally {
      await target.close();
    }
    const merged = await runCli(['import'], { STATE_PATH: own, STATE_ENCRYPTION_KEY: K1 }, archive);
    expect(merged.code).toBe(3);
    expect(merged.err).toContain('note connections[2] (line ');
    expect(merged.err).toContain('T0TEAM001 already has another connection in this store: that one is kept');
    expect(merged.err).toMatch(
      /imported 3 connection\(s\) into .*: 2 added, 0 already there, 1 kept as this store has it/,
    );
    expect(merged.err).toContain('skipped uninstalls[0] (line ');
    expect(merged.err).toContain('T0GONE003 is installed in this store: its uninstall mark is not imported');
    const after = openSqliteState(own);
    try {
      expect(await after.uninstalls()).toEqual(new Map());
      const connections = new SealedConnectionStore(after.sealedTable('connections'), keys(K1));
      expect((await connections.get('T0TEAM001'))?.credentials.apiKey).toBe('focus-cli-own-key');
    } finally {
      await after.close();
    }
  });

  it('reseal moves every record to the first key; the old key can then be dropped', async () => {
    const none = await runCli(['reseal'], redisEnv);
    expect(none.code).toBe(2);
    expect(none.err).toContain('state reseal: STATE_ENCRYPTION_KEY is not set');

    const result = await runCli(['reseal'], { ...redisEnv, STATE_ENCRYPTION_KEY: `${K2},${K1}` });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual({
      key: 'k2',
      installations: { resealed: { k1: 2 }, current: 0, gone: 0, failed: [] },
      connections: { resealed: { k1: 3 }, current: 0, gone: 0, failed: [] },
    });
    expect(result.err).toContain('installations in redis://');
    expect(result.err).toContain(': 2 resealed with key k2 (2 from k1), 0 already with it\n');
    expectNoSecret(result.out, result.err);

    // Every record now names k2, and opens with k2 alone.
    const doc = JSON.parse((await runCli(['export'], redisEnv)).out);
    for (const r of [...doc.installations, ...doc.connections]) expect(sealedKeyId(r.sealed)).toBe('k2');
    const redis = await openRedisState(redisUrl, { prefix });
    try {
      const { installations, connections } = sealedOn(redis, K2);
      expect(await installations.fetchInstallation(TEAM_QUERY)).toEqual(withoutRefresh(TEAM_INSTALL));
      expect((await installations.fetchInstallation(ORG_QUERY)).bot?.token).toBe(ORG_TOKEN);
      expect((await connections.get('E0ORG0002'))?.credentials.apiKey).toBe(API_KEY);
      expect((await connections.get('T0GONE003'))?.credentials.apiKey).toBe(GONE_API_KEY);
      // With k1 alone they no longer open: it is not needed any more, and not enough.
      await expect(sealedOn(redis, K1).connections.get('T0TEAM001')).rejects.toMatchObject({
        code: 'sealed_unknown_key',
      });
    } finally {
      await redis.close();
    }
    // Again with k2 alone: nothing to do.
    const again = await runCli(['reseal'], { ...redisEnv, STATE_ENCRYPTION_KEY: K2 });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out).connections).toEqual({ resealed: {}, current: 3, gone: 0, failed: [] });
  });

  it('reseal reports a record it cannot open, leaves it as it is, and exits 3', async () => {
    const K0 = `k0:${randomBytes(32).toString('base64')}`;
    const redis = await openRedisState(redisUrl, { prefix });
    const lost = seal(keys(K0), 'connection:T0LOST004', JSON.stringify(connection(API_KEY)));
    try {
      await redis.sealedTable('connections').put('T0LOST004', lost);
    } finally {
      await redis.close();
    }
    const result = await runCli(['reseal'], { ...redisEnv, STATE_ENCRYPTION_KEY: `${K2},${K1}` });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.out).connections).toEqual({
      resealed: {},
      current: 3,
      gone: 0,
      failed: [{ key: 'T0LOST004', keyId: 'k0', reason: 'sealed_unknown_key' }],
    });
    expect(result.err).toContain(
      'not resealed: connection T0LOST004 (key id k0): sealed with a key STATE_ENCRYPTION_KEY does not hold (add it back after the first); left as it is',
    );
    expect(result.err).toContain('1 not opened (listed above)');
    const check = await openRedisState(redisUrl, { prefix });
    try {
      expect(await check.sealedTable('connections').get('T0LOST004')).toBe(lost);
      await check.sealedTable('connections').delete('T0LOST004');
    } finally {
      await check.close();
    }
    expectNoSecret(result.out, result.err);
  });
});
