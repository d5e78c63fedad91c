/**
 * Connecting a workspace's Focus from the App Home, end to end on the real app in distribution
 * mode (`startDistributionHarness`): the workspace installed by the OAuth flow, signed requests
 * into the real receiver authorized with its installation's token, the fake Slack Web API
 * (`users.info`, `views.open`, `views.publish`), and a real Focus simulator over HTTP whose sign-in
 * decides whether a connection is saved. What is saved is read back from the app's state file
 * (sealed, opened with the app's key); what it changes is shown by the workspace's lookups.
 *
 * Payload shapes: `block_actions` from a Home tab and `view_submission` as
 * test/helpers/slack-install.ts builds them (a `number_input`'s value a string, as Slack sends it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DistributedApp } from '../../src/distribution.js';
import { CONNECTION_FIELDS, maskApiKey, type SlackUserRoles } from '../../src/domain/connection-admin.js';
import {
  CONNECTION_ACTION_PREFIX,
  CONNECTION_ACTIONS,
  CONNECTION_MODAL_ID,
} from '../../src/render/focus-connection.js';
import { FIXTURES } from '../../src/sandbox/index.js';
import { BOT_SCOPES } from '../../src/slack/inbound/install.js';
import type { PublishedView } from '../helpers/fake-slack.js';
import { startSimulator } from '../helpers/focus.js';
import { buttonsOf, type Harness, OAUTH, startDistributionHarness } from '../helpers/harness.js';
import { openSealedStores, type SealedStores } from '../helpers/sealed-stores.js';
import { homeOpened, homePress, slackInstalls, type Via, viewSubmission } from '../helpers/slack-install.js';

const TEAM: Via = { teamId: 'T1' };
const ADMIN = 'U0ADMIN01';
const MEMBER = 'U0MEMBER1';
const INSTALLER = 'U0INSTALL';
const GUEST_ADMIN = 'U0STRANGE';
/** A member whose Slack email is a Focus portal user's (Jane): a linked user. */
const LINKED = 'U0LINKED1';
const WRONG_KEY = 'wrong-key-0123456789-zz';
const API_KEY = 'connect-api-key-5c1e8a2f9d';
const RECORDING = FIXTURES.jane.recordingIds[0] as number;

/** users.info `user` objects (see test/domain/connection-admin.test.ts for the sources of the shape). */
const USERS: Record<string, SlackUserRoles & { name: string; profile?: { email: string } }> = {
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
  [LINKED]: {
    id: LINKED,
    name: 'jane',
    team_id: 'T1',
    is_admin: false,
    profile: { email: FIXTURES.users.jane.username },
  },
  [INSTALLER]: { id: INSTALLER, name: 'ina', team_id: 'T1', is_admin: false, is_owner: false },
  // An admin of another organisation, in a Slack Connect channel.
  [GUEST_ADMIN]: { id: GUEST_ADMIN, name: 'sam', team_id: 'T0OTHER', is_admin: true, is_stranger: true },
};

let h: Harness<DistributedApp>;
/** The tenant connected: not the harness's simulator (its key is masked in the harness's log). */
let sim: Awaited<ReturnType<typeof startSimulator>>;
let sealed: SealedStores;
let slack: ReturnType<typeof slackInstalls>;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ credentials: { apiKey: API_KEY } });
  h = await startDistributionHarness();
  h.slack.oauthApp({ clientId: OAUTH.clientId, clientSecret: OAUTH.clientSecret, appId: 'A1' });
  h.slack.on('users.info', (body) => {
    const user = USERS[String(body.user)];
    return user ? { user } : { ok: false, error: 'user_not_found' };
  });
  slack = slackInstalls(h);
  const installed = await slack.install({
    team: { id: 'T1', name: 'Acme' },
    scope: BOT_SCOPES.join(','),
    userId: INSTALLER,
  });
  expect(installed.status).toBe(200);
  token = installed.botToken;
  sealed = await openSealedStores(h.statePath);
});

afterAll(async () => {
  await sealed?.close();
  await h?.stop();
  await sim?.close();
});

const connection = () => sealed.connections.get('T1');

async function openHome(user: string): Promise<PublishedView> {
  const from = h.slack.calls.length;
  expect((await slack.event(homeOpened(user, 'T1'), TEAM)).status).toBe(200);
  return h.slack.publishedView(user, from);
}

async function press(view: PublishedView, actionId: string, user: string, value?: string) {
  const button = buttonsOf(view.blocks).find((b) => b.action_id === actionId) ?? {
    action_id: actionId,
    value,
  };
  const from = h.slack.calls.length;
  expect((await slack.interaction(homePress(TEAM, user, view, button))).status).toBe(200);
  return from;
}

/** The modal `views.open` opened after call `from`. */
async function openedModal(from: number) {
  const call = await h.slack.waitForCall('views.open', (c) => h.slack.calls.indexOf(c) >= from);
  expect(call.token).toBe(token);
  return JSON.parse(String(call.body.view)) as {
    private_metadata: string;
    blocks: unknown[];
    callback_id: string;
  };
}

const simFields = (apiKey: string) => ({
  [CONNECTION_FIELDS.baseUrl]: `${sim.url}/`,
  [CONNECTION_FIELDS.clientId]: String(sim.credentials.clientId),
  [CONNECTION_FIELDS.username]: sim.credentials.username,
  [CONNECTION_FIELDS.apiKey]: apiKey,
});

const submit = (user: string, metadata: string, fields: Record<string, string>) =>
  slack.interaction(
    viewSubmission(TEAM, user, { callbackId: CONNECTION_MODAL_ID, privateMetadata: metadata }, fields, [
      CONNECTION_FIELDS.clientId,
    ]),
  );

/** `/focus recording <id>` from `user` in T1; the answer's text and blocks as one string. */
async function lookup(user: string): Promise<string> {
  const { responseUrl } = await slack.command(`recording ${RECORDING}`, TEAM, user, 'C1');
  return JSON.stringify((await h.slack.responseAt(responseUrl)).body);
}

const text = (view: PublishedView) => JSON.stringify(view.blocks);
/** The connection section's buttons (the rest of the Home tab has its own). */
const connectionButtons = (view: PublishedView) =>
  buttonsOf(view.blocks).filter((b) => b.action_id.startsWith(CONNECTION_ACTION_PREFIX));
const logged = (event: string, key: string) =>
  h.logLines.filter((l) => l.includes(`"${event}"`) && l.includes(`"key":"${key}"`)).length;

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
    // Published with the installation's own token.
    expect(h.slack.callsOf('views.publish').every((c) => c.token === token)).toBe(true);
  });

  it('a member’s crafted Connect press opens nothing and says who can', async () => {
    const from = await press(await openHome(MEMBER), CONNECTION_ACTIONS.connect, MEMBER, '-');
    const view = await h.slack.publishedView(MEMBER, from);
    expect(text(view)).toContain('Only a workspace admin or owner');
    expect(h.slack.callsOf('views.open')).toEqual([]);
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
    const answer = await submit(ADMIN, metadata, {
      ...simFields(WRONG_KEY),
      [CONNECTION_FIELDS.baseUrl]: 'http://focus.example.com/api',
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      response_action: 'errors',
      errors: { focus_base_url: 'The address must start with https:// (the API key is sent to it).' },
    });
    expect(sim.requests().length).toBe(before);
  });

  it('a wrong key: Focus refuses it, the key field says so, nothing is saved, the key is never echoed', async () => {
    const answer = await submit(ADMIN, metadata, simFields(WRONG_KEY));
    const body = JSON.parse(answer.text) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(Object.keys(body.errors)).toEqual(['focus_api_key']);
    expect(body.errors.focus_api_key).toContain('Focus refused these credentials');
    expect(answer.text).not.toContain(WRONG_KEY);
    expect(await connection()).toBeUndefined();
    expect(h.logLines.some((l) => l.includes('"connection.check_failed"') && l.includes('"refused"'))).toBe(
      true,
    );
    // Still not connected: lookups say so.
    expect(await lookup(LINKED)).toContain('Focus is not connected for this workspace yet');
  });

  it('an unreachable address is said on the address field', async () => {
    const answer = await submit(ADMIN, metadata, {
      ...simFields(API_KEY),
      [CONNECTION_FIELDS.baseUrl]: 'http://127.0.0.1:9/api',
    });
    expect(JSON.parse(answer.text)).toMatchObject({
      response_action: 'errors',
      errors: { focus_base_url: expect.stringContaining('Could not reach this address') },
    });
    expect(await connection()).toBeUndefined();
  });

  it('a member’s crafted submission with a good key is refused and saves nothing', async () => {
    const answer = await submit(MEMBER, metadata, simFields(API_KEY));
    expect(JSON.parse(answer.text)).toMatchObject({
      response_action: 'errors',
      errors: { focus_base_url: expect.stringContaining('Only a workspace admin or owner') },
    });
    const stranger = await submit(GUEST_ADMIN, metadata, simFields(API_KEY));
    expect(JSON.parse(stranger.text)).toMatchObject({ response_action: 'errors' });
    expect(await connection()).toBeUndefined();
  });

  it('the right key: checked against Focus, saved, the Home tab shows it masked, and the workspace is answered from it', async () => {
    const from = h.slack.calls.length;
    const answer = await submit(ADMIN, metadata, simFields(API_KEY));
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    expect(await connection()).toMatchObject({
      kind: 'tenant',
      baseUrl: sim.url,
      credentials: sim.credentials,
      connectedBy: ADMIN,
      requireLinkedUsers: true,
      admins: [],
    });
    const view = await h.slack.publishedView(ADMIN, from);
    expect(text(view)).toContain(`Connected to Focus at ${new URL(sim.url).host}`);
    expect(text(view)).toContain(maskApiKey(API_KEY));
    expect(text(view)).not.toContain(API_KEY);
    // A member sees the status, without the connection's buttons.
    const member = await openHome(MEMBER);
    expect(text(member)).toContain('Connected to Focus.');
    expect(connectionButtons(member)).toEqual([]);
    // Answered from the connected tenant, for a linked member only (each member's own rights).
    const searches = sim.requests().filter((r) => r.endpoint === 'recording.search').length;
    expect(await lookup(LINKED)).toContain(`Recording ${RECORDING}`);
    expect(sim.requests().filter((r) => r.endpoint === 'recording.search').length).toBeGreaterThan(searches);
    expect(await lookup(MEMBER)).not.toContain(`Recording ${RECORDING}`);
  });

  it('answering everyone with the connection’s rights is the admin’s explicit choice, kept with the connection', async () => {
    const built = logged('tenants.built', 'T1');
    const from = await press(await openHome(ADMIN), CONNECTION_ACTIONS.linkedOff, ADMIN);
    const view = await h.slack.publishedView(ADMIN, from);
    expect(text(view)).toContain('every member sees what the Focus service user sees');
    expect((await connection())?.requireLinkedUsers).toBe(false);
    // The tenant's stack was dropped: the next lookup builds it anew, with the new choice.
    expect(logged('tenants.invalidated', 'T1')).toBeGreaterThan(0);
    expect(await lookup(MEMBER)).toContain(`Recording ${RECORDING}`);
    expect(logged('tenants.built', 'T1')).toBe(built + 1);
  });

  it('a press from an older Home tab (drawn before the connection changed) changes nothing', async () => {
    const from = h.slack.calls.length;
    const stale = homePress(
      TEAM,
      ADMIN,
      { blocks: [] },
      { action_id: CONNECTION_ACTIONS.linkedOn, value: '-' },
    );
    expect((await slack.interaction(stale)).status).toBe(200);
    expect(text(await h.slack.publishedView(ADMIN, from))).toContain('changed since this tab was shown');
    expect((await connection())?.requireLinkedUsers).toBe(false);
  });

  it('Remove (behind Slack’s confirm dialog) deletes it; then the simulator can be tried', async () => {
    const from = await press(await openHome(ADMIN), CONNECTION_ACTIONS.remove, ADMIN);
    expect(text(await h.slack.publishedView(ADMIN, from))).toContain('Removed the Focus connection');
    expect(await connection()).toBeUndefined();
    expect(await lookup(LINKED)).toContain('Focus is not connected for this workspace yet');
    const home = await openHome(ADMIN);
    expect(text(home)).toContain('Focus is not connected to this workspace yet');
    const next = await press(home, CONNECTION_ACTIONS.simulator, ADMIN);
    expect(text(await h.slack.publishedView(ADMIN, next))).toContain(
      'Connected to the built-in Focus simulator',
    );
    expect(await connection()).toMatchObject({
      kind: 'simulator',
      connectedBy: ADMIN,
      requireLinkedUsers: false,
    });
    // Answered by the built-in simulator, which every member may try.
    const searches = sim.requests().length;
    expect(await lookup(MEMBER)).toContain(`Recording ${RECORDING}`);
    expect(sim.requests().length).toBe(searches);
  });

  it('no API key reaches a log line', () => {
    const all = h.logLines.join('\n');
    expect(all).toContain('"audit"');
    expect(all).not.toContain(API_KEY);
    expect(all).not.toContain(WRONG_KEY);
  });
});
