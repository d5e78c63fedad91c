/**
 * Distribution mode end to end: the real Bolt HTTP receiver with Bolt's InstallProvider, against
 * the fake Slack (which plays the authorize page through `grant()`, `oauth.v2.access` and
 * `auth.test` per token). The app keeps the installations sealed in its SQLite state file; the
 * test reads them back through a second connection to that file, with the same key.
 */
import { createHmac } from 'node:crypto';
import type { Installation } from '@slack/bolt';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEncryptionKeys } from '../../src/config-tenancy.js';
import type { DistributedApp } from '../../src/distribution.js';
import { BOT_SCOPES } from '../../src/slack/inbound/install.js';
import { SqliteSealedTable } from '../../src/state/sqlite-sealed.js';
import { SealedInstallationStore } from '../../src/state/tenant-stores.js';
import { slashCommandBody } from '../helpers/fake-slack.js';
import { type Harness, OAUTH, startDistributionHarness } from '../helpers/harness.js';
import { STATE_COOKIE as COOKIE, slackInstalls, type Via } from '../helpers/slack-install.js';

type Installs = ReturnType<typeof slackInstalls>;

const { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, stateSecret: STATE_SECRET } = OAUTH;
const ACME = { id: 'T100', name: 'Acme' };
const GRID = { id: 'E200', name: 'Grid Org' };

let h: Harness<DistributedApp>;
let store: SealedInstallationStore;
let startInstall: Installs['startInstall'];
let redirect: Installs['redirect'];
let install: Installs['install'];
let event: Installs['event'];

beforeAll(async () => {
  h = await startDistributionHarness();
  h.slack.oauthApp({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appId: 'A1' });
  ({ startInstall, redirect, install, event } = slackInstalls(h));
  const keys = parseEncryptionKeys(OAUTH.encryptionKey);
  if (!keys.ok) throw new Error('test key');
  store = new SealedInstallationStore(
    new SqliteSealedTable(new Database(h.statePath, { readonly: true }), 'installations'),
    keys.value,
  );
});

afterAll(async () => {
  await h?.stop();
});

const fetchInstallation = (query: { teamId?: string; enterpriseId?: string; orgWide: boolean }) =>
  store
    .fetchInstallation(
      query.orgWide
        ? { enterpriseId: query.enterpriseId as string, teamId: undefined, isEnterpriseInstall: true }
        : { teamId: query.teamId as string, enterpriseId: query.enterpriseId, isEnterpriseInstall: false },
    )
    .catch(() => undefined) as Promise<Installation | undefined>;

/** A JWT signed as Bolt's state store signs one (HS256), with any secret and time. */
function stateToken(secret: string, now: Date): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({
    installOptions: { scopes: [...BOT_SCOPES] },
    now: now.toJSON(),
    random: 1,
    iat: Math.floor(now.getTime() / 1000),
  })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** A DM saying `help`; resolves with the token the answer was posted with. */
async function dmHelp(via: Via, channel: string): Promise<string | undefined> {
  const ts = `${Date.now() / 1000}`;
  const status = await event(
    { type: 'message', channel_type: 'im', channel, user: 'U1', team: via.teamId, text: 'help', ts },
    via,
  );
  expect(status.status).toBe(200);
  const post = await h.slack.waitForCall('chat.postMessage', (c) => c.body.channel === channel);
  return post.token;
}

describe('Add to Slack', () => {
  it('GET /slack/install sets the state cookie and sends the browser to Slack with that state', async () => {
    const { res, cookie, authorize, refresh, state } = await startInstall();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(state).not.toBe('');
    expect(cookie).toBe(`${COOKIE}=${state}; Secure; HttpOnly; Path=/; Max-Age=600`);
    expect(`${authorize.origin}${authorize.pathname}`).toBe('https://slack.com/oauth/v2/authorize');
    expect(authorize.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(authorize.searchParams.get('scope')).toBe(BOT_SCOPES.join(','));
    // The page goes on to Slack by itself: the same URL serves as the Direct Install URL.
    expect(refresh).toBe(authorize.href);
    // Each visit its own state.
    expect((await startInstall()).state).not.toBe(state);
  });

  it('stores a workspace install: its bot token, and its bot id from auth.test with that token', async () => {
    const done = await install({ team: ACME, scope: BOT_SCOPES.join(','), userId: 'UADMIN' });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Focus is installed in Acme');
    expect(done.body).not.toContain(done.botToken);
    expect(done.headers.get('set-cookie')).toContain(`${COOKIE}=deleted`);
    const stored = await fetchInstallation({ teamId: ACME.id, orgWide: false });
    expect(stored).toMatchObject({
      team: ACME,
      isEnterpriseInstall: false,
      appId: 'A1',
      bot: { token: done.botToken, id: done.botId, userId: done.botUserId, scopes: [...BOT_SCOPES] },
    });
    expect(stored?.user.token).toBeUndefined();
    const exchange = h.slack.callsOf('oauth.v2.access').at(-1);
    expect(exchange?.body).toMatchObject({
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      code: done.code,
    });
    expect(h.slack.callsOf('auth.test').at(-1)?.token).toBe(done.botToken);
    expect(h.logLines.some((l) => l.includes(done.botToken) || l.includes(CLIENT_SECRET))).toBe(false);
  });

  it('stores an org-wide install under its organisation', async () => {
    const done = await install({ enterprise: GRID, orgWide: true, scope: BOT_SCOPES.join(',') });
    expect(done.status).toBe(200);
    expect(done.body).toContain('Focus is installed in Grid Org');
    const stored = await fetchInstallation({ enterpriseId: GRID.id, orgWide: true });
    expect(stored).toMatchObject({
      enterprise: GRID,
      isEnterpriseInstall: true,
      enterpriseUrl: 'https://e200.enterprise.slack.com/',
      bot: { token: done.botToken, id: done.botId },
    });
    expect(stored?.team).toBeUndefined();
  });

  it('refuses a forged or expired state, a state without its cookie, and a state used twice', async () => {
    const exchanges = () => h.slack.callsOf('oauth.v2.access').length;
    const before = exchanges();
    const code = h.slack.grant({ team: { id: 'T900', name: 'Mallory' }, scope: 'commands' }).code;

    const forged = stateToken('not-the-state-secret-0123456789abcdef', new Date());
    const refusedForged = await redirect({ code, state: forged }, forged);
    expect(refusedForged.status).toBe(400);
    expect(refusedForged.body).toContain('expired, was already used, or was opened in another browser');

    const expired = stateToken(STATE_SECRET, new Date(Date.now() - 11 * 60_000));
    expect((await redirect({ code, state: expired }, expired)).status).toBe(400);

    const { state } = await startInstall();
    const noCookie = await redirect({ code, state });
    expect(noCookie.status).toBe(400);
    expect((await redirect({ code, state }, 'another-state')).status).toBe(400);
    expect((await redirect({ code: 'x' }, state)).status).toBe(400);
    expect(exchanges()).toBe(before);
    expect(await fetchInstallation({ teamId: 'T900', orgWide: false })).toBeUndefined();

    // The first use installs; the same state again (the same browser, even) is refused.
    expect((await redirect({ code, state }, state)).status).toBe(200);
    const again = h.slack.grant({ team: { id: 'T901', name: 'Again' }, scope: 'commands' }).code;
    const replayed = await redirect({ code: again, state }, state);
    expect(replayed.status).toBe(400);
    expect(replayed.body).not.toContain(state);
    expect(exchanges()).toBe(before + 1);
    expect(await fetchInstallation({ teamId: 'T901', orgWide: false })).toBeUndefined();
    expect(h.logLines.some((l) => l.includes('slack.install_failed'))).toBe(true);
  });

  it('a cancelled install or a code Slack refuses says so, and stores nothing', async () => {
    const { state } = await startInstall();
    const cancelled = await redirect({ error: 'access_denied', state }, state);
    expect(cancelled.body).toContain('The installation was cancelled');
    const { state: second } = await startInstall();
    const refused = await redirect({ code: 'never-granted', state: second }, second);
    expect(refused.status).toBe(502);
    expect(refused.body).toContain('Slack did not complete the installation');
  });
});

describe('requests from installed workspaces', () => {
  it('answer a signed /focus help from the installed workspace: Focus is not connected there yet', async () => {
    const { responseUrl, status } = await h.command('help', { team_id: ACME.id });
    expect(status).toBe(200);
    const answer = await h.slack.responseAt(responseUrl);
    expect(answer.body.text).toMatch(/^Focus is not connected for this workspace yet/);
    expect(answer.body.text).toContain('Home tab');
  });

  it("answer each workspace with its own installation's bot token", async () => {
    const acme = await fetchInstallation({ teamId: ACME.id, orgWide: false });
    const grid = await fetchInstallation({ enterpriseId: GRID.id, orgWide: true });
    expect(await dmHelp({ teamId: ACME.id }, 'DACME')).toBe(acme?.bot?.token);
    expect(await dmHelp({ teamId: 'T201', enterpriseId: GRID.id, orgWide: true }, 'DGRID1')).toBe(
      grid?.bot?.token,
    );
    expect(await dmHelp({ teamId: 'T202', enterpriseId: GRID.id, orgWide: true }, 'DGRID2')).toBe(
      grid?.bot?.token,
    );
  });

  it('uninstall deletes that installation only (app_uninstalled, then tokens_revoked)', async () => {
    const acme = await fetchInstallation({ teamId: ACME.id, orgWide: false });
    h.slack.revokeToken(acme?.bot?.token as string);
    expect((await event({ type: 'app_uninstalled' }, { teamId: ACME.id })).status).toBe(200);
    await waitFor(async () => (await fetchInstallation({ teamId: ACME.id, orgWide: false })) === undefined);
    const revoked = { type: 'tokens_revoked', tokens: { oauth: [], bot: [acme?.bot?.userId] } };
    expect((await event(revoked, { teamId: ACME.id })).status).toBe(200);
    await waitForLog((l) => l.includes('slack.uninstalled') && l.includes('tokens_revoked'));

    // No installation: Bolt does not authorize the workspace's requests any more.
    const failures = authorizationFailures();
    const { responseUrl } = await h.command('help', { team_id: ACME.id });
    await waitForLog(() => authorizationFailures() > failures);
    expect(h.slack.responses.some((r) => r.path === new URL(responseUrl).pathname)).toBe(false);

    // The organisation's installation keeps working.
    const grid = await fetchInstallation({ enterpriseId: GRID.id, orgWide: true });
    expect(await dmHelp({ teamId: 'T201', enterpriseId: GRID.id, orgWide: true }, 'DGRID3')).toBe(
      grid?.bot?.token,
    );
  });

  it('a reinstall starts clean, with the new token', async () => {
    const again = await install({ team: ACME, scope: BOT_SCOPES.join(',') });
    expect(again.status).toBe(200);
    const stored = await fetchInstallation({ teamId: ACME.id, orgWide: false });
    expect(stored?.bot?.token).toBe(again.botToken);
    expect(await dmHelp({ teamId: ACME.id }, 'DACME2')).toBe(again.botToken);
  });

  it('team_access_revoked keeps the org-wide installation; tokens_revoked then app_uninstalled delete it', async () => {
    const grid = await fetchInstallation({ enterpriseId: GRID.id, orgWide: true });
    const orgWide = { teamId: 'T201', enterpriseId: GRID.id, orgWide: true };
    expect((await event({ type: 'team_access_revoked', team_ids: ['T201'] }, orgWide)).status).toBe(200);
    await waitForLog((l) => l.includes('slack.uninstalled') && l.includes('team_access_revoked'));
    expect(await fetchInstallation({ enterpriseId: GRID.id, orgWide: true })).toBeDefined();
    expect(await dmHelp({ teamId: 'T202', enterpriseId: GRID.id, orgWide: true }, 'DGRID4')).toBe(
      grid?.bot?.token,
    );

    const revoked = { type: 'tokens_revoked', tokens: { bot: [grid?.bot?.userId] } };
    expect((await event(revoked, orgWide)).status).toBe(200);
    await waitFor(
      async () => (await fetchInstallation({ enterpriseId: GRID.id, orgWide: true })) === undefined,
    );
    expect((await event({ type: 'app_uninstalled' }, orgWide)).status).toBe(200);
    await waitForLog(
      (l) => l.includes('slack.uninstalled') && l.includes('app_uninstalled') && l.includes('E200'),
    );
    // The other installation is untouched.
    expect(await fetchInstallation({ teamId: ACME.id, orgWide: false })).toBeDefined();
  });

  it('a slash command from the organisation, after it uninstalled, is not authorized', async () => {
    const failures = authorizationFailures();
    const body = slashCommandBody('help', h.slack.responseUrl(), {
      team_id: 'T202',
      enterprise_id: GRID.id,
      is_enterprise_install: 'true',
    });
    expect((await h.post(body)).status).toBe(200);
    await waitForLog(() => authorizationFailures() > failures);
  });
});

function authorizationFailures(): number {
  return h.logLines.filter((l) => l.includes('Authorization of incoming event did not succeed')).length;
}

async function waitFor(done: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('the condition never held');
    await new Promise((r) => setTimeout(r, 10));
  }
}

function waitForLog(match: (line: string) => boolean): Promise<void> {
  return waitFor(async () => h.logLines.some(match));
}
