/**
 * Forgetting a workspace, on a real SQLite file and a real Redis: everything kept for it (its
 * sealed installation and connection, its keys under `ws:`, `consent:` and `consents:`, its
 * subscriptions with their cursors and delivered ids, its uninstall mark) goes, and a search of
 * every table or key for its id finds nothing; a neighbour whose id starts the same (T100,
 * T1000) keeps all of its own. Distribution mode's subscriptions (each workspace's view) go with
 * their workspace only, not another installation's made in its channels (an org-wide install's). A sweep guarded by a mark a reinstall cleared deletes nothing; two
 * at once delete once. The operator's `npm run state -- forget <id>` does the same, unguarded.
 */
import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/bolt';
import { afterAll, describe, expect, it } from 'vitest';
import { type Logger, silentLogger } from '../../src/domain/logger.js';
import type { EncryptionKeys } from '../../src/domain/tenant.js';
import { openRedisState, type RedisState } from '../../src/state/redis.js';
import { UninstallRetention } from '../../src/state/retention.js';
import { openSqliteState, type SqliteState } from '../../src/state/sqlite.js';
import { SealedConnectionStore, SealedInstallationStore } from '../../src/state/tenant-stores.js';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { tempStatePath } from '../helpers/state.js';
import { runCli } from '../helpers/state-cli.js';
import { naming, redisEntries, sqliteRows } from '../helpers/store-scan.js';

const redisUrl = sharedRedisUrl();
const KEY = randomBytes(32);
const KEYS: EncryptionKeys = { current: { id: 'k1', key: KEY }, all: new Map([['k1', KEY]]) };
const T0 = new Date('2026-11-28T09:00:00.000Z');
const DAY = 86_400_000;

type Backend = (SqliteState | RedisState) & { close(): Promise<void> };

interface Opened {
  store: Backend;
  /** Every row or key, as text. */
  scan(): Promise<string[]>;
  /** The CLI's environment for this store. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

const backends: Array<[string, () => Promise<Opened>]> = [
  [
    'SQLite',
    async () => {
      const file = tempStatePath();
      const store = openSqliteState(file.path);
      return {
        store,
        scan: async () => sqliteRows(file.path),
        env: { STATE_PATH: file.path },
        cleanup: async () => {
          await store.close();
          file.remove();
        },
      };
    },
  ],
];
if (redisUrl) {
  backends.push([
    'Redis',
    async () => {
      const prefix = uniquePrefix('forget');
      const store = await openRedisState(redisUrl, { prefix });
      return {
        store,
        scan: () => redisEntries(redisUrl, prefix),
        env: { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix },
        cleanup: async () => {
          await store.close();
          await deletePrefix(redisUrl, prefix);
        },
      };
    },
  ]);
}

const installation = (team: string): Installation<'v2', false> => ({
  team: { id: team, name: `Team ${team}` },
  enterprise: undefined,
  isEnterpriseInstall: false,
  user: { id: 'UINSTALLER', token: undefined, scopes: undefined },
  bot: { id: 'B1', userId: 'UBOT', token: `xoxb-${team}-secret`, scopes: ['commands'] },
  tokenType: 'bot',
  appId: 'A1',
});

/** A workspace's worth of everything, under `team`. */
async function seed(store: Backend, team: string): Promise<void> {
  await new SealedInstallationStore(store.sealedTable('installations'), KEYS).storeInstallation(
    installation(team),
  );
  await new SealedConnectionStore(store.sealedTable('connections'), KEYS).put(team, {
    baseUrl: 'https://focus.example',
    credentials: { clientId: 1, apiKey: `key-${team}`, username: 'svc' },
  });
  // Past the first purge interval, so the app's own purge does not interfere.
  for (const key of [
    `ws:${team}:recent:U1`,
    `ws:${team}:linked:U1`,
    `ws:${team}:consent:${team}:C1:U1`,
    `consent:${team}:C1:U1`,
    `consents:${team}:U1`,
  ])
    await store.set(key, 'always', 365 * DAY);
  for (const [channel, phone] of [
    ['C1', '447700900123'],
    ['C1', '447700900124'],
    ['C2', '447700900125'],
  ] as const) {
    const { subscription } = await store.add(
      {
        team,
        channel: `${channel}${team}`,
        target: { kind: 'phone', phone, display: phone },
        createdBy: 'U1',
      },
      T0,
    );
    await store.markDelivered(subscription.id, { id: 7, start: '2026-11-28T08:00:00.000Z' }, T0);
  }
}

describe.each(backends)('forgetting a workspace on %s', (_name, open) => {
  const opened: Opened[] = [];
  afterAll(async () => {
    for (const o of opened) await o.cleanup();
  });
  const start = async () => {
    const o = await open();
    opened.push(o);
    await seed(o.store, 'T100');
    await seed(o.store, 'T1000');
    return o;
  };

  it('deletes everything kept for it, and nothing of a workspace whose id starts the same', async () => {
    const { store, scan } = await start();
    const before = await scan();
    expect(naming(before, 'T100').length).toBeGreaterThan(8);
    const neighbour = naming(before, 'T1000');

    await store.markUninstalled('T100', T0.getTime());
    const gone = await store.forget('T100', T0.getTime());
    expect(gone).toEqual({ done: true, installation: true, connection: true, keys: 5, subscriptions: 3 });

    const after = await scan();
    expect(naming(after, 'T100')).toEqual([]);
    expect(naming(after, 'T1000').sort()).toEqual(neighbour.sort());
    expect(await store.uninstalls()).toEqual(new Map());
    expect(await store.get('consent:T1000:C1:U1')).toBe('always');
  });

  it("distribution mode's subscriptions (each workspace's view) go with their workspace, and no other workspace's", async () => {
    const o = await open();
    opened.push(o);
    const { store } = o;
    const subscribe = async (key: string, team: string, channel: string) => {
      const view = store.subscriptionsOf(key);
      const { subscription } = await view.add(
        { team, channel, target: { kind: 'phone', phone: '447700900123', display: '+44' }, createdBy: 'U1' },
        T0,
      );
      await view.markDelivered(subscription.id, { id: 7, start: '2026-11-28T08:00:00.000Z' }, T0);
      return subscription;
    };
    await subscribe('T100', 'T100', 'CMINE1');
    await subscribe('T100', 'T100', 'CMINE2');
    const neighbour = await subscribe('T1000', 'T1000', 'CNEXT');
    // An org-wide install's, made in a channel of workspace T100 (its `team`): the organisation's,
    // not T100's installation's, so forgetting T100 leaves it.
    const organisation = await subscribe('E200', 'T100', 'CORG');
    expect((await store.subscribedWorkspaces()).sort()).toEqual(['E200', 'T100', 'T1000']);

    await store.markUninstalled('T100', T0.getTime());
    const gone = await store.forget('T100', T0.getTime());
    expect(gone).toMatchObject({ done: true, subscriptions: 2 });

    const mine = store.subscriptionsOf('T100');
    expect(await mine.active()).toEqual([]);
    expect([...(await mine.list('CMINE1')), ...(await mine.list('CMINE2'))]).toEqual([]);
    expect((await store.subscribedWorkspaces()).sort()).toEqual(['E200', 'T1000']);
    expect((await store.subscriptionsOf('T1000').active()).map((s) => s.id)).toEqual([neighbour.id]);
    expect(await store.subscriptionsOf('T1000').delivered(neighbour.id, 7)).toBe(true);
    expect((await store.subscriptionsOf('E200').active()).map((s) => s.id)).toEqual([organisation.id]);
    expect(await store.subscriptionsOf('E200').delivered(organisation.id, 7)).toBe(true);
    expect(naming(await o.scan(), 'CMINE')).toEqual([]);
  });

  it('the first uninstall starts the window; a reinstall clears it, and a sweep guarded by it deletes nothing', async () => {
    const { store, scan } = await start();
    await store.markUninstalled('T100', T0.getTime());
    await store.markUninstalled('T100', T0.getTime() + 5_000);
    expect(await store.uninstalls()).toEqual(new Map([['T100', T0.getTime()]]));

    // A reinstall: the installation store clears the mark before it writes.
    const before = await scan();
    const installations = new SealedInstallationStore(store.sealedTable('installations'), KEYS, {
      beforeStore: (key) => store.cancelUninstalled(key),
    });
    await installations.storeInstallation(installation('T100'));
    expect(await store.uninstalls()).toEqual(new Map());
    const kept = await store.forget('T100', T0.getTime());
    expect(kept.done).toBe(false);
    expect(kept.installation || kept.connection).toBe(false);
    expect(kept.keys + kept.subscriptions).toBe(0);
    // Everything else as it was (the installation was sealed anew, the mark is gone).
    const rest = (lines: string[]) =>
      lines.filter((l) => !/(^|:)(installations|uninstalls)( \[|:)/.test(l)).sort();
    expect(rest(await scan())).toEqual(rest(before));
    expect(
      await installations.fetchInstallation({
        teamId: 'T100',
        enterpriseId: undefined,
        isEnterpriseInstall: false,
      }),
    ).toBeDefined();
  });

  it('two sweeps at once delete it once, and neither fails', async () => {
    const { store, scan } = await start();
    const at = T0.getTime();
    await store.markUninstalled('T100', at);
    const both = await Promise.all([store.forget('T100', at), store.forget('T100', at)]);
    expect(both.filter((f) => f.done && f.installation)).toHaveLength(1);
    expect(both.reduce((n, f) => n + f.subscriptions, 0)).toBe(3);
    expect(naming(await scan(), 'T100')).toEqual([]);
  });

  it('the retention sweep forgets it once the window has passed, not before', async () => {
    const { store, scan } = await start();
    const lines: string[] = [];
    const logger: Logger = {
      ...silentLogger,
      info: (event, fields) => lines.push(`${event} ${JSON.stringify(fields)}`),
    };
    let now = T0.getTime();
    const retention = new UninstallRetention({ data: store, windowMs: 30 * DAY, logger, now: () => now });
    await retention.uninstalled('T100', 'app_uninstalled');
    expect(lines.at(-1)).toContain('"forgetAfter":"2026-12-28T09:00:00.000Z"');
    now += 30 * DAY - 1;
    expect(await retention.sweep()).toEqual([]);
    expect(naming(await scan(), 'T100').length).toBeGreaterThan(8);
    now += 1;
    expect(await retention.sweep()).toEqual(['T100']);
    expect(naming(await scan(), 'T100')).toEqual([]);
    expect(lines.some((l) => l.startsWith('retention.forgotten') && l.includes('"subscriptions":3'))).toBe(
      true,
    );
  });

  it('npm run state -- forget <id> deletes it at once, without a mark or an encryption key', async () => {
    const { scan, env } = await start();
    const neighbour = naming(await scan(), 'T1000');
    const { code, out, err } = await runCli(['forget', 'T100'], env);
    expect(err).toContain('forgot T100 in');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      forgotten: 'T100',
      done: true,
      installation: true,
      connection: true,
      keys: 5,
      subscriptions: 3,
    });
    const after = await scan();
    expect(naming(after, 'T100')).toEqual([]);
    expect(naming(after, 'T1000').sort()).toEqual(neighbour.sort());
    // Again: nothing left, nothing to do.
    expect(JSON.parse((await runCli(['forget', 'T100'], env)).out)).toMatchObject({
      installation: false,
      keys: 0,
    });
  });
});

describe('npm run state -- forget, refused', () => {
  it('without an id, with two, or with one that is not a Slack id: usage or why, exit 2', async () => {
    const file = tempStatePath();
    try {
      const env = { STATE_PATH: file.path };
      expect((await runCli(['forget'], env)).code).toBe(2);
      expect((await runCli(['forget', 'T1', 'T2'], env)).code).toBe(2);
      const bad = await runCli(['forget', 'T1*'], env);
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('is not a Slack team or enterprise id');
      const missing = await runCli(['forget', 'T1'], env);
      expect(missing.code).toBe(2);
      expect(missing.err).toContain('does not exist: nothing to forget');
    } finally {
      file.remove();
    }
  });
});
