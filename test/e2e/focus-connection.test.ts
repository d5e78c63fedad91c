/**
 * Connecting a workspace's Focus from the App Home, end to end: signed requests into the real
 * receiver (src/slack/inbound/receiver.ts) of a Bolt app authorized per request as in
 * distribution mode (the Bolt context carries the team), the fake Slack Web API (`users.info`,
 * `views.open`, `views.publish`) and a real Focus simulator over HTTP, whose sign-in decides
 * whether a connection is saved.
 *
 * The store: the encrypted ConnectionStore of src/state is not on this branch yet, so the test
 * keeps connections in the real SQLite state store (src/state/sqlite.ts) as JSON, through the
 * `ConnectionStore` shape the handler takes; the merge passes the encrypted store instead.
 *
 * Payload shapes: `block_actions` from a Home tab as test/fixtures/slack-events.ts builds it;
 * `view_submission` as https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload
 * shows it (`view.state.values[block_id][action_id]`, `private_metadata`, `response_urls: []`),
 * a `number_input`'s value a string as Slack sends it.
 */
import type { AddressInfo } from 'node:net';
import { App } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskApiKey, type SlackUserRoles } from '../../src/domain/connection-admin.js';
import type { FocusConnection } from '../../src/domain/tenant.js';
import { createLogger } from '../../src/log.js';
import {
  CONNECTION_ACTIONS,
  CONNECTION_MODAL_ID,
  connectionHomeView,
} from '../../src/render/focus-connection.js';
import { boltLogger } from '../../src/slack/inbound/bolt-logger.js';
import { createReceiver } from '../../src/slack/inbound/receiver.js';
import { type ConnectionStore, FocusConnectionAdmin } from '../../src/slack/surfaces/focus-connection.js';
import { openSqliteState, type SqliteState } from '../../src/state/sqlite.js';
import { appHomeOpened, homeButton } from '../fixtures/slack-events.js';
import {
  type FakeSlack,
  type PublishedView,
  signSlackRequest,
  startFakeSlack,
} from '../helpers/fake-slack.js';
import { startSimulator } from '../helpers/focus.js';
import { buttonsOf } from '../helpers/harness.js';
import { tempStatePath } from '../helpers/state.js';

const SECRET = 'test-signing-secret-connect-0123';
const BOT_TOKEN = 'xoxb-test-connect-token';
const ADMIN = 'U0ADMIN01';
const MEMBER = 'U0MEMBER1';
const INSTALLER = 'U0INSTALL';
const GUEST_ADMIN = 'U0STRANGE';
const WRONG_KEY = 'wrong-key-0123456789-zz';

/** users.info `user` objects (see test/domain/connection-admin.test.ts for the sources of the shape). */
const USERS: Record<string, SlackUserRoles & { name: string }> = {
  [ADMIN]: {
    id: ADMIN,
    name: 'ada',
    team_id: 'T1',
    is_admin: true,
    is_owner: false,
    is_primary_owner: false,
  },
  [MEMBER]: {
    id: MEMBER,
    name: 'max',
    team_id: 'T1',
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
  },
  [INSTALLER]: { id: INSTALLER, name: 'ina', team_id: 'T1', is_admin: false, is_owner: false },
  // An admin of another organisation, in a Slack Connect channel.
  [GUEST_ADMIN]: { id: GUEST_ADMIN, name: 'sam', team_id: 'T0OTHER', is_admin: true, is_stranger: true },
};

let slack: FakeSlack;
let sim: Awaited<ReturnType<typeof startSimulator>>;
let state: ReturnType<typeof tempStatePath>;
let sqlite: SqliteState;
let app: App;
let base: string;
const logLines: string[] = [];
const invalidated: string[] = [];

/** Connections as JSON in the SQLite state store, for ten years (the encrypted store has no expiry). */
function sqliteConnections(store: SqliteState): ConnectionStore {
  const name = (key: string) => `test-connection:${key}`;
  return {
    get: async (key) => {
      const text = await store.get(name(key));
      return text ? (JSON.parse(text) as FocusConnection) : undefined;
    },
    put: (key, connection) => store.set(name(key), JSON.stringify(connection), 10 * 365 * 86_400_000),
    delete: (key) => store.release(name(key)),
  };
}
let connections: ConnectionStore;

beforeAll(async () => {
  slack = await startFakeSlack();
  slack.on('users.info', (body) => {
    const user = USERS[String(body.user)];
    return user ? { user } : { ok: false, error: 'user_not_found' };
  });
  sim = await startSimulator();
  state = tempStatePath();
  sqlite = openSqliteState(state.path);
  connections = sqliteConnections(sqlite);
  // The logger is not told the API keys: none of them may reach a log line at all.
  const logger = createLogger({
    level: 'debug',
    secrets: [SECRET, BOT_TOKEN],
    write: (l) => logLines.push(l),
  });
  const admin: FocusConnectionAdmin = new FocusConnectionAdmin({
    store: connections,
    logger,
    installerOf: async (key) => (key === 'T1' ? INSTALLER : undefined),
    onChanged: (key) => {
      invalidated.push(key);
    },
    // The Home tab of a workspace being connected: the section alone.
    republish: async ({ user, client, context, notice }) => {
      await client.views.publish({
        user_id: user,
        view: connectionHomeView(await admin.section({ user, client, context, notice })),
      });
    },
    allowLocalHttp: true,
  });
  app = new App({
    receiver: createReceiver({ signingSecret: SECRET, customRoutes: [], logger }),
    // As in distribution mode: each request is authorized for its own team.
    authorize: async (source) => ({
      botToken: BOT_TOKEN,
      teamId: source.teamId,
      enterpriseId: source.enterpriseId,
    }),
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
    logger: boltLogger(logger),
  });
  admin.register(app);
  app.event('app_home_opened', async ({ event, client, context }) => {
    await client.views.publish({
      user_id: event.user,
      view: connectionHomeView(await admin.section({ user: event.user, client, context })),
    });
  });
  const server = (await app.start(0)) as { address(): AddressInfo };
  base = `http://127.0.0.1:${server.address().port}`;
});

afterAll(async () => {
  await app?.stop();
  await sim?.close();
  await slack?.close();
  await sqlite?.close();
  state?.remove();
});

async function post(body: string, contentType: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}/slack/events`, {
    method: 'POST',
    body,
    headers: { ...signSlackRequest(SECRET, body), 'content-type': contentType },
  });
  return { status: res.status, text: await res.text() };
}
const interaction = (payload: Record<string, unknown>) =>
  post(
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    'application/x-www-form-urlencoded',
  );

async function openHome(user: string): Promise<PublishedView> {
  const from = slack.calls.length;
  expect((await post(JSON.stringify(appHomeOpened(user, `D${user}`)), 'application/json')).status).toBe(200);
  return slack.publishedView(user, from);
}

async function press(view: PublishedView, actionId: string, user: string, value?: string) {
  const button = buttonsOf(view.blocks).find((b) => b.action_id === actionId) ?? {
    action_id: actionId,
    value,
  };
  const from = slack.calls.length;
  expect((await interaction(homeButton(view, button, user))).status).toBe(200);
  return from;
}

/** The modal `views.open` opened after call `from`. */
async function openedModal(from: number) {
  const call = await slack.waitForCall('views.open', (c) => slack.calls.indexOf(c) >= from);
  return JSON.parse(String(call.body.view)) as {
    private_metadata: string;
    blocks: unknown[];
    callback_id: string;
  };
}

function submission(user: string, privateMetadata: string, fields: Record<string, string>) {
  const values = Object.fromEntries(
    Object.entries(fields).map(([id, value]) => [
      id,
      { [id]: { type: id === 'focus_client_id' ? 'number_input' : 'plain_text_input', value } },
    ]),
  );
  return {
    type: 'view_submission',
    team: { id: 'T1', domain: 'acme' },
    user: { id: user, username: USERS[user]?.name ?? 'x', name: USERS[user]?.name ?? 'x', team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    trigger_id: '12345.98765.abcd2358fdea',
    view: {
      id: 'VMODAL1',
      team_id: 'T1',
      type: 'modal',
      blocks: [],
      private_metadata: privateMetadata,
      callback_id: CONNECTION_MODAL_ID,
      state: { values },
      hash: '156663117.cd33ad1f',
      title: { type: 'plain_text', text: 'Connect Focus' },
      clear_on_close: false,
      notify_on_close: false,
      close: { type: 'plain_text', text: 'Cancel' },
      submit: { type: 'plain_text', text: 'Connect' },
      previous_view_id: null,
      root_view_id: 'VMODAL1',
      app_id: 'A1',
      external_id: '',
      app_installed_team_id: 'T1',
      bot_id: 'BBOT',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

const simFields = (apiKey: string) => ({
  focus_base_url: `${sim.url}/`,
  focus_client_id: String(sim.credentials.clientId),
  focus_username: sim.credentials.username,
  focus_api_key: apiKey,
});

const text = (view: PublishedView) => JSON.stringify(view.blocks);

describe('connecting Focus from the App Home', () => {
  let metadata: string;

  it('not connected: an admin sees Connect Focus and Try the simulator; a member sees who can connect', async () => {
    const adminView = await openHome(ADMIN);
    expect(text(adminView)).toContain('Focus is not connected to this workspace yet');
    expect(buttonsOf(adminView.blocks).map((b) => b.action_id)).toEqual([
      CONNECTION_ACTIONS.connect,
      CONNECTION_ACTIONS.simulator,
    ]);
    const memberView = await openHome(MEMBER);
    expect(buttonsOf(memberView.blocks)).toEqual([]);
    expect(text(memberView)).toContain(`<@${INSTALLER}> (who installed the app)`);
  });

  it('a member’s crafted Connect press opens nothing and says who can', async () => {
    const from = await press(await openHome(MEMBER), CONNECTION_ACTIONS.connect, MEMBER, '-');
    const view = await slack.publishedView(MEMBER, from);
    expect(text(view)).toContain('Only a workspace admin or owner');
    expect(slack.callsOf('views.open')).toEqual([]);
  });

  it('Connect Focus opens the modal, its key field empty', async () => {
    const from = await press(await openHome(ADMIN), CONNECTION_ACTIONS.connect, ADMIN);
    const modal = await openedModal(from);
    expect(modal.callback_id).toBe(CONNECTION_MODAL_ID);
    metadata = modal.private_metadata;
    expect(JSON.parse(metadata)).toEqual({ k: 'T1', v: '-' });
    expect(JSON.stringify(modal.blocks)).not.toContain('initial_value');
  });

  it('a field Focus would not take is refused on that field, before Focus is asked', async () => {
    const before = sim.requests().length;
    const answer = await interaction(
      submission(ADMIN, metadata, {
        ...simFields(WRONG_KEY),
        focus_base_url: 'http://focus.example.com/api',
      }),
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      response_action: 'errors',
      errors: { focus_base_url: 'The address must start with https:// (the API key is sent to it).' },
    });
    expect(sim.requests().length).toBe(before);
  });

  it('a wrong key: Focus refuses it, the key field says so, nothing is saved, the key is never echoed', async () => {
    const answer = await interaction(submission(ADMIN, metadata, simFields(WRONG_KEY)));
    const body = JSON.parse(answer.text) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual(['focus_api_key']);
    expect(body.errors.focus_api_key).toContain('Focus refused these credentials');
    expect(answer.text).not.toContain(WRONG_KEY);
    expect(await connections.get('T1')).toBeUndefined();
    expect(invalidated).toEqual([]);
    expect(logLines.some((l) => l.includes('"connection.check_failed"') && l.includes('"refused"'))).toBe(
      true,
    );
  });

  it('an unreachable address is said on the address field', async () => {
    const answer = await interaction(
      submission(ADMIN, metadata, {
        ...simFields(sim.credentials.apiKey),
        focus_base_url: 'http://127.0.0.1:9/api',
      }),
    );
    expect(JSON.parse(answer.text)).toMatchObject({
      response_action: 'errors',
      errors: { focus_base_url: expect.stringContaining('Could not reach this address') },
    });
    expect(await connections.get('T1')).toBeUndefined();
  });

  it('a member’s crafted submission with a good key is refused and saves nothing', async () => {
    const answer = await interaction(submission(MEMBER, metadata, simFields(sim.credentials.apiKey)));
    expect(JSON.parse(answer.text)).toMatchObject({
      response_action: 'errors',
      errors: { focus_base_url: expect.stringContaining('Only a workspace admin or owner') },
    });
    const stranger = await interaction(submission(GUEST_ADMIN, metadata, simFields(sim.credentials.apiKey)));
    expect(JSON.parse(stranger.text)).toMatchObject({ response_action: 'errors' });
    expect(await connections.get('T1')).toBeUndefined();
  });

  it('the right key: checked against Focus, saved, the tenant invalidated, the Home tab shows it masked', async () => {
    const from = slack.calls.length;
    const answer = await interaction(submission(ADMIN, metadata, simFields(sim.credentials.apiKey)));
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    const saved = await connections.get('T1');
    expect(saved).toMatchObject({
      kind: 'tenant',
      baseUrl: sim.url,
      credentials: sim.credentials,
      connectedBy: ADMIN,
      requireLinkedUsers: true,
      admins: [],
    });
    const view = await slack.publishedView(ADMIN, from);
    expect(text(view)).toContain(`Connected to Focus at ${new URL(sim.url).host}`);
    expect(text(view)).toContain(maskApiKey(sim.credentials.apiKey));
    expect(text(view)).not.toContain(sim.credentials.apiKey);
    expect(invalidated).toEqual(['T1']);
    // A member sees the status, without buttons.
    const member = await openHome(MEMBER);
    expect(text(member)).toContain('Connected to Focus.');
    expect(buttonsOf(member.blocks)).toEqual([]);
  });

  it('answering everyone with the connection’s rights is the admin’s explicit choice, kept with the connection', async () => {
    const from = await press(await openHome(ADMIN), CONNECTION_ACTIONS.linkedOff, ADMIN);
    const view = await slack.publishedView(ADMIN, from);
    expect(text(view)).toContain('every member sees what the Focus service user sees');
    expect((await connections.get('T1'))?.requireLinkedUsers).toBe(false);
    expect(invalidated).toEqual(['T1', 'T1']);
  });

  it('a press from an older Home tab (drawn before the connection changed) changes nothing', async () => {
    const from = slack.calls.length;
    const stale = homeButton({ blocks: [] }, { action_id: CONNECTION_ACTIONS.linkedOn, value: '-' }, ADMIN);
    expect((await interaction(stale)).status).toBe(200);
    expect(text(await slack.publishedView(ADMIN, from))).toContain('changed since this tab was shown');
    expect((await connections.get('T1'))?.requireLinkedUsers).toBe(false);
  });

  it('Remove (behind Slack’s confirm dialog) deletes it; then the simulator can be tried', async () => {
    const from = await press(await openHome(ADMIN), CONNECTION_ACTIONS.remove, ADMIN);
    expect(text(await slack.publishedView(ADMIN, from))).toContain('Removed the Focus connection');
    expect(await connections.get('T1')).toBeUndefined();
    expect(invalidated).toEqual(['T1', 'T1', 'T1']);
    const home = await openHome(ADMIN);
    expect(text(home)).toContain('Focus is not connected to this workspace yet');
    const next = await press(home, CONNECTION_ACTIONS.simulator, ADMIN);
    expect(text(await slack.publishedView(ADMIN, next))).toContain(
      'Connected to the built-in Focus simulator',
    );
    expect(await connections.get('T1')).toMatchObject({
      kind: 'simulator',
      connectedBy: ADMIN,
      requireLinkedUsers: false,
    });
  });

  it('no API key reaches a log line', () => {
    const all = logLines.join('\n');
    expect(all).toContain('"audit"');
    expect(all).not.toContain(sim.credentials.apiKey);
    expect(all).not.toContain(WRONG_KEY);
  });
});
