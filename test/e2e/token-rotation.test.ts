/**
 * Token rotation in distribution mode, end to end: the real app (Bolt's receiver and its
 * InstallProvider, which refreshes a token expiring within two hours) against the fake Slack,
 * which refreshes as Slack does (a new access token and refresh token, the refresh token used
 * revoked) and takes its time doing it. Signed DMs arrive for one workspace at the same moment:
 * - on Redis, at two replicas (two apps, one Redis): exactly one refresh, both answer with the new
 *   token;
 * - on SQLite, at one app: exactly one refresh, every answer with the new token (the old one has
 *   expired: Slack refuses it).
 * The stored installation then holds the new tokens and nothing else changed; the workspace's
 * Focus connection record is untouched, byte for byte; no token reaches a log line.
 */
import type { Installation } from '@slack/bolt';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { parseEncryptionKeys } from '../../src/config-tenancy.js';
import { type DistributedApp, startDistribution } from '../../src/distribution.js';
import { createLogger } from '../../src/log.js';
import { BOT_SCOPES } from '../../src/slack/inbound/install.js';
import { open } from '../../src/state/crypto.js';
import { openRedisState } from '../../src/state/redis.js';
import { SqliteSealedTable } from '../../src/state/sqlite-sealed.js';
import {
  SealedConnectionStore,
  SealedInstallationStore,
  type SealedTable,
} from '../../src/state/tenant-stores.js';
import {
  type FakeInstallation,
  type FakeSlack,
  ROTATED_TOKEN_LIFETIME_S,
  signSlackRequest,
  startFakeSlack,
} from '../helpers/fake-slack.js';
import { startSimulator } from '../helpers/focus.js';
import { SECRET } from '../helpers/harness.js';
import { deletePrefix, redisCommand, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { tempStatePath } from '../helpers/state.js';

const CLIENT_ID = '1111.2222';
const CLIENT_SECRET = 'client-secret-0123456789abcdef';
const STATE_SECRET = 'state-secret-0123456789abcdef-0123456789';
const KEY = `k1:${Buffer.alloc(32, 9).toString('base64')}`;
const ACME = { id: 'T100', name: 'Acme' };
/** Slack answering a refresh in a quarter of a second: long enough for requests to overlap it. */
const REFRESH_MS = 250;

const parsedKeys = parseEncryptionKeys(KEY);
if (!parsedKeys.ok) throw new Error('test key');
const keys = parsedKeys.value;

type Sim = Awaited<ReturnType<typeof startSimulator>>;

/** One deployment's moving parts: the fake Slack, a simulator, the apps and their log lines. */
interface Deployment {
  slack: FakeSlack;
  sim: Sim;
  apps: DistributedApp[];
  logs: string[];
}

async function deployment(): Promise<Deployment> {
  const slack = await startFakeSlack();
  slack.oauthApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appId: 'A1' });
  slack.delay('oauth.v2.access', REFRESH_MS);
  return { slack, sim: await startSimulator(), apps: [], logs: [] };
}

async function startReplica(d: Deployment, env: Record<string, string>): Promise<DistributedApp> {
  const loaded = loadConfig({
    SLACK_BOT_TOKEN: '',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_CLIENT_ID: CLIENT_ID,
    SLACK_CLIENT_SECRET: CLIENT_SECRET,
    SLACK_STATE_SECRET: STATE_SECRET,
    STATE_ENCRYPTION_KEY: KEY,
    SLACK_API_URL: d.slack.apiUrl,
    FOCUS_PORTAL_URL: 'https://portal.focus.test',
    FOCUS_TIMEOUT_MS: '3000',
    PORT: '0',
    LOG_LEVEL: 'debug',
    ...env,
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const app = await startDistribution(
    loaded.config,
    createLogger({ level: 'debug', secrets: [SECRET, CLIENT_SECRET], write: (l) => d.logs.push(l) }),
  );
  d.apps.push(app);
  return app;
}

async function stop(d: Deployment | undefined): Promise<void> {
  if (!d) return;
  for (const app of d.apps) await app.stop();
  await d.sim.close();
  await d.slack.close();
}

/** The installation as Bolt stored it at install, with rotation on: its token expires as granted. */
function installationOf(granted: FakeInstallation): Installation {
  return {
    team: ACME,
    enterprise: undefined,
    user: { token: undefined, scopes: undefined, id: 'UADMIN' },
    bot: {
      scopes: [...BOT_SCOPES],
      token: granted.botToken,
      refreshToken: granted.refreshToken as string,
      expiresAt: granted.expiresAt as number,
      userId: granted.botUserId,
      id: granted.botId,
    },
    appId: 'A1',
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
  };
}

/** Writes the installation and the workspace's Focus connection as the app keeps them. */
async function seed(
  table: (kind: 'installations' | 'connections') => SealedTable,
  granted: FakeInstallation,
  sim: Sim,
) {
  const installation = installationOf(granted);
  await new SealedInstallationStore(table('installations'), keys).storeInstallation(installation);
  await new SealedConnectionStore(table('connections'), keys).put(ACME.id, {
    baseUrl: sim.url,
    credentials: sim.credentials,
  });
  return { installation, connection: (await table('connections').get(ACME.id)) as string };
}

/** The stored installation, opened as it is (refresh tokens and all). */
async function stored(table: SealedTable): Promise<Installation> {
  return JSON.parse(open(keys, `installation:${ACME.id}`, (await table.get(ACME.id)) as string));
}

let eventIds = 0;

/** A signed DM saying `help` from Acme, into `app`'s receiver. */
async function dmHelp(app: DistributedApp, channel: string): Promise<number> {
  const body = JSON.stringify({
    token: 'legacy',
    team_id: ACME.id,
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `EvROT${++eventIds}${Date.now()}`,
    event_time: Math.floor(Date.now() / 1000),
    is_ext_shared_channel: false,
    authorizations: [
      { enterprise_id: null, team_id: ACME.id, user_id: 'UBOT', is_bot: true, is_enterprise_install: false },
    ],
    event: {
      type: 'message',
      channel_type: 'im',
      channel,
      user: 'U1',
      team: ACME.id,
      text: 'help',
      ts: `${Date.now() / 1000}`,
    },
  });
  const res = await fetch(`http://127.0.0.1:${app.slack?.port}/slack/events`, {
    method: 'POST',
    body,
    headers: { ...signSlackRequest(SECRET, body), 'content-type': 'application/json' },
  });
  await res.text();
  return res.status;
}

/** The token each channel's answer was posted with. */
async function answerTokens(slack: FakeSlack, channels: string[]): Promise<Array<string | undefined>> {
  return Promise.all(
    channels.map(
      async (channel) =>
        (await slack.waitForCall('chat.postMessage', (c) => c.body.channel === channel)).token,
    ),
  );
}

/** What every case shows once the requests are answered. */
async function expectOneRefresh(
  d: Deployment,
  table: (kind: 'installations' | 'connections') => SealedTable,
  before: { installation: Installation; connection: string },
  tokens: Array<string | undefined>,
) {
  const refreshes = d.slack.refreshes();
  expect(refreshes).toHaveLength(1);
  expect(refreshes[0]?.body).toMatchObject({
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    refresh_token: before.installation.bot?.refreshToken,
  });
  const after = await stored(table('installations'));
  const bot = after.bot as NonNullable<Installation['bot']>;
  expect(bot.token).not.toBe(before.installation.bot?.token);
  expect(bot.refreshToken).not.toBe(before.installation.bot?.refreshToken);
  expect(bot.expiresAt).toBeGreaterThan(Math.floor(Date.now() / 1000) + ROTATED_TOKEN_LIFETIME_S - 120);
  // The new tokens, and nothing else changed.
  expect(after).toEqual({
    ...before.installation,
    bot: {
      ...before.installation.bot,
      token: bot.token,
      refreshToken: bot.refreshToken,
      expiresAt: bot.expiresAt,
    },
  });
  for (const token of tokens) expect(token).toBe(bot.token);
  // Slack takes the new token.
  const check = await fetch(`${d.slack.apiUrl}auth.test`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bot.token}` },
  });
  expect(await check.json()).toMatchObject({ ok: true, team_id: ACME.id });
  // The connection is a record of its own: not written.
  expect(await table('connections').get(ACME.id)).toBe(before.connection);
  const secrets = [
    before.installation.bot?.token,
    before.installation.bot?.refreshToken,
    bot.token,
    bot.refreshToken,
  ];
  expect(d.logs.filter((l) => secrets.some((s) => s && l.includes(s)))).toEqual([]);
  expect(d.logs.some((l) => l.includes('installation.token_refreshed'))).toBe(true);
}

const redisUrl = sharedRedisUrl();

describe.skipIf(!redisUrl)('token rotation with two replicas on one Redis', () => {
  let d: Deployment;
  const prefix = uniquePrefix('rotation');
  let redis: Awaited<ReturnType<typeof openRedisState>>;

  beforeAll(async () => {
    d = await deployment();
    redis = await openRedisState(redisUrl as string, {
      prefix,
      logger: createLogger({ level: 'error', write: () => {} }),
    });
    const env = { REDIS_URL: redisUrl as string, REDIS_KEY_PREFIX: prefix };
    await startReplica(d, { ...env, STATE_PATH: tempStatePath().path });
    await startReplica(d, { ...env, STATE_PATH: tempStatePath().path });
  });

  afterAll(async () => {
    await stop(d);
    await redis?.close();
    await deletePrefix(redisUrl as string, prefix);
  });

  it('requests at both replicas at once: one refresh, both answer with the new token', async () => {
    const table = (kind: 'installations' | 'connections') => redis.sealedTable(kind);
    // Issued eleven hours ago: it expires in one, within Bolt's two-hour refresh window.
    const granted = d.slack.grant({ team: ACME, scope: BOT_SCOPES.join(','), expiresInSec: 3600 });
    const before = await seed(table, granted, d.sim);
    const [a, b] = d.apps as [DistributedApp, DistributedApp];
    const channels = ['DROTA1', 'DROTB1', 'DROTA2', 'DROTB2'];
    const statuses = await Promise.all([
      dmHelp(a, 'DROTA1'),
      dmHelp(b, 'DROTB1'),
      dmHelp(a, 'DROTA2'),
      dmHelp(b, 'DROTB2'),
    ]);
    expect(statuses).toEqual([200, 200, 200, 200]);
    await expectOneRefresh(d, table, before, await answerTokens(d.slack, channels));
    // The lock was released when the new tokens were stored.
    expect(await redisCommand(redisUrl as string, ['EXISTS', `${prefix}refresh-lock:${ACME.id}`])).toBe(0);
  });
});

describe('token rotation in one process on SQLite', () => {
  let d: Deployment;
  const state = tempStatePath();
  let db: Database.Database;

  beforeAll(async () => {
    d = await deployment();
    await startReplica(d, { STATE_PATH: state.path });
    // A second connection to the app's file (WAL): the test's view of what the app keeps.
    db = new Database(state.path);
  });

  afterAll(async () => {
    db?.close();
    await stop(d);
    state.remove();
  });

  it('concurrent requests with an expired token: one refresh, every answer with the new token', async () => {
    const table = (kind: 'installations' | 'connections') => new SqliteSealedTable(db, kind);
    // Expired a minute ago: Slack refuses it, so an answer comes only with a refreshed token.
    const granted = d.slack.grant({ team: ACME, scope: BOT_SCOPES.join(','), expiresInSec: -60 });
    const before = await seed(table, granted, d.sim);
    const refused = await fetch(`${d.slack.apiUrl}auth.test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${granted.botToken}` },
    });
    expect(await refused.json()).toMatchObject({ ok: false, error: 'token_expired' });
    const [app] = d.apps as [DistributedApp];
    const channels = ['DSQL1', 'DSQL2', 'DSQL3'];
    const statuses = await Promise.all(channels.map((channel) => dmHelp(app, channel)));
    expect(statuses).toEqual([200, 200, 200]);
    await expectOneRefresh(d, table, before, await answerTokens(d.slack, channels));
  });
});
