/**
 * The uninstall path end to end, on SQLite and on Redis: the real Bolt receiver in distribution
 * mode, installs through `/slack/install` and the fake Slack, uninstall events signed as Slack
 * signs them. The tokens go at once; the workspace's Focus connection and kept choices wait out
 * the retention window; a reinstall within it keeps them and starts with only the new token;
 * after the window a sweep leaves nothing naming the workspace in any table or key, and another
 * workspace keeps everything; a reinstall after that starts from nothing.
 */
import type { Installation } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEncryptionKeys } from '../../src/config-tenancy.js';
import type { DistributedApp } from '../../src/distribution.js';
import { BOT_SCOPES } from '../../src/slack/inbound/install.js';
import { openRedisState, type RedisState } from '../../src/state/redis.js';
import { openSqliteState, type SqliteState } from '../../src/state/sqlite.js';
import { SealedConnectionStore, SealedInstallationStore } from '../../src/state/tenant-stores.js';
import { signSlackRequest } from '../helpers/fake-slack.js';
import { type Harness, OAUTH, SECRET, startDistributionHarness } from '../helpers/harness.js';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { naming, redisEntries, sqliteRows } from '../helpers/store-scan.js';

const { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET } = OAUTH;
const COOKIE = 'slack-app-oauth-state';
const KEY_TEXT = `k1:${Buffer.alloc(32, 9).toString('base64')}`;
const ACME = { id: 'T100', name: 'Acme' };
const OTHER = { id: 'T1000', name: 'Other' };
const DAY = 86_400_000;
const redisUrl = sharedRedisUrl();

interface Backend {
  env: Record<string, string>;
  open(h: Harness<DistributedApp>): Promise<SqliteState | RedisState>;
  scan(h: Harness<DistributedApp>): Promise<string[]>;
  cleanup(): Promise<void>;
}

const sqlite = (): Backend => ({
  env: {},
  open: async (h) => openSqliteState(h.statePath),
  scan: async (h) => sqliteRows(h.statePath),
  cleanup: async () => {},
});

const redis = (url: string): Backend => {
  const prefix = uniquePrefix('uninstall');
  return {
    env: { REDIS_URL: url, REDIS_KEY_PREFIX: prefix },
    open: () => openRedisState(url, { prefix }),
    scan: () => redisEntries(url, prefix),
    cleanup: async () => {
      await deletePrefix(url, prefix);
    },
  };
};

const backends: Array<[string, () => Backend]> = [['SQLite', sqlite]];
if (redisUrl) backends.push(['Redis', () => redis(redisUrl)]);

describe.each(backends)('uninstall, retention and reinstall on %s', (_name, make) => {
  const backend = make();
  let h: Harness<DistributedApp>;
  let store: SqliteState | RedisState;
  let installations: SealedInstallationStore;
  let connections: SealedConnectionStore;
  let events = 0;

  beforeAll(async () => {
    h = await startDistributionHarness({ STATE_ENCRYPTION_KEY: KEY_TEXT, ...backend.env });
    h.slack.oauthApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appId: 'A1' });
    const keys = parseEncryptionKeys(KEY_TEXT);
    if (!keys.ok) throw new Error('test key');
    // The test's own connection to the app's store, to read what the app kept and to put there
    // what a connected workspace keeps (its Focus connection, a kept preview choice).
    store = await backend.open(h);
    installations = new SealedInstallationStore(store.sealedTable('installations'), keys.value);
    connections = new SealedConnectionStore(store.sealedTable('connections'), keys.value);
  });

  afterAll(async () => {
    await store?.close();
    await h?.stop();
    await backend.cleanup();
  });

  const installationOf = (team: string) =>
    installations
      .fetchInstallation({ teamId: team, enterpriseId: undefined, isEnterpriseInstall: false })
      .catch(() => undefined) as Promise<Installation | undefined>;

  async function install(team: { id: string; name: string }) {
    const page = await fetch(`${h.base}/slack/install`, { redirect: 'manual' });
    const href = /<a href="([^"]+)">Add to Slack<\/a>/.exec(await page.text())?.[1]?.replaceAll('&amp;', '&');
    const state = new URL(href ?? 'about:blank').searchParams.get('state') ?? '';
    const granted = h.slack.grant({ team, scope: BOT_SCOPES.join(',') });
    const res = await fetch(
      `${h.base}/slack/oauth_redirect?${new URLSearchParams({ code: granted.code, state })}`,
      { redirect: 'manual', headers: { cookie: `${COOKIE}=${state}` } },
    );
    expect(res.status).toBe(200);
    await res.text();
    return granted;
  }

  async function event(e: Record<string, unknown>, team: string) {
    const body = JSON.stringify({
      token: 'legacy',
      team_id: team,
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: `EvRET${++events}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: team, user_id: 'UBOT', is_bot: true }],
      event: e,
    });
    const res = await h.post(body, { ...signSlackRequest(SECRET, body), 'content-type': 'application/json' });
    expect(res.status).toBe(200);
  }

  /** A connected workspace's data beside its installation. */
  async function connect(team: string) {
    await connections.put(team, {
      baseUrl: 'https://focus.example',
      credentials: { clientId: 7, apiKey: `focus-key-${team}`, username: 'svc' },
      connectedBy: 'UADMIN',
    });
    await store.set(`consent:${team}:C1:U1`, 'always', 365 * DAY);
    await store.set(`ws:${team}:consent:${team}:C2:U1`, 'always', 365 * DAY);
  }

  async function uninstall(team: string, botUserId: string | undefined) {
    await event({ type: 'app_uninstalled' }, team);
    await event({ type: 'tokens_revoked', tokens: { oauth: [], bot: [botUserId] } }, team);
    await waitFor(
      async () => (await installationOf(team)) === undefined && (await store.uninstalls()).has(team),
    );
  }

  const sweep = (afterDays: number) => {
    return h.app.retention.sweep(Date.now() + afterDays * DAY);
  };

  let firstToken = '';

  it('an uninstall deletes the tokens at once and keeps the connection and choices for the window', async () => {
    firstToken = (await install(ACME)).botToken;
    await install(OTHER);
    await connect(ACME.id);
    await connect(OTHER.id);
    const acme = await installationOf(ACME.id);

    await uninstall(ACME.id, acme?.bot?.userId);
    // The first event started the window; the second left it as it was.
    const at = (await store.uninstalls()).get(ACME.id) ?? 0;
    expect(Date.now() - at).toBeLessThan(60_000);
    expect(await connections.get(ACME.id)).toMatchObject({ credentials: { apiKey: 'focus-key-T100' } });
    expect(naming(await backend.scan(h), ACME.id).some((l) => l.includes(firstToken))).toBe(false);
    expect(h.logLines.some((l) => l.includes('retention.scheduled') && l.includes('T100'))).toBe(true);

    // A sweep within the window deletes nothing.
    expect(await sweep(29)).toEqual([]);
    expect(await store.get(`consent:${ACME.id}:C1:U1`)).toBe('always');
  });

  it('a reinstall within the window cancels the deletion, keeps the connection, and holds only the new token', async () => {
    const again = await install(ACME);
    expect(await store.uninstalls()).toEqual(new Map());
    const stored = await installationOf(ACME.id);
    expect(stored?.bot?.token).toBe(again.botToken);
    expect(JSON.stringify(stored)).not.toContain(firstToken);
    expect(await connections.get(ACME.id)).toMatchObject({ credentials: { apiKey: 'focus-key-T100' } });
    // Long after the window: still nothing to forget.
    expect(await sweep(31)).toEqual([]);
    expect(await store.get(`ws:${ACME.id}:consent:${ACME.id}:C2:U1`)).toBe('always');
    expect(h.logLines.some((l) => l.includes('retention.cancelled') && l.includes('T100'))).toBe(true);
  });

  it('after the window nothing of the workspace remains; the other workspace keeps everything', async () => {
    const other = naming(await backend.scan(h), OTHER.id);
    await uninstall(ACME.id, (await installationOf(ACME.id))?.bot?.userId);
    expect(await sweep(30)).toEqual([ACME.id]);
    const after = await backend.scan(h);
    expect(naming(after, ACME.id)).toEqual([]);
    expect(naming(after, OTHER.id).sort()).toEqual(other.sort());
    expect(await connections.get(OTHER.id)).toBeDefined();
    // No token, no API key in any log line.
    const secrets = [firstToken, 'focus-key-T100', 'focus-key-T1000'];
    expect(h.logLines.filter((l) => secrets.some((s) => l.includes(s)))).toEqual([]);
  });

  it('a reinstall after that starts from nothing: its installation alone, no connection, no mark', async () => {
    const fresh = await install(ACME);
    const lines = naming(await backend.scan(h), ACME.id);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/installations/);
    expect((await installationOf(ACME.id))?.bot?.token).toBe(fresh.botToken);
    expect(await connections.get(ACME.id)).toBeUndefined();
  });
});

async function waitFor(done: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('the condition never held');
    await new Promise((r) => setTimeout(r, 10));
  }
}
