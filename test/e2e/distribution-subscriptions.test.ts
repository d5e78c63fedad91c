/**
 * Subscriptions in distribution mode end to end: two workspaces installed with "Add to Slack"
 * through the fake Slack (each its own bot token), provisioned in FOCUS_TENANTS_FILE on two Focus
 * simulators with different data, each subscribing a channel with a signed slash command. New
 * recordings added to each simulator are posted in that workspace's channel only, with its own
 * token, exactly once; uninstalling one stops its posts while the other keeps posting.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DistributedApp } from '../../src/distribution.js';
import { FIXTURES, generateDataset } from '../../src/sandbox/index.js';
import { signSlackRequest, slashCommandBody } from '../helpers/fake-slack.js';
import { startSimulator } from '../helpers/focus.js';
import {
  FAST_SUBSCRIPTIONS,
  type Harness,
  OAUTH,
  SECRET,
  startDistributionHarness,
} from '../helpers/harness.js';

const JANE = FIXTURES.jane.phone;
const A = { id: 'TAAA1', name: 'Alpha' };
const B = { id: 'TBBB2', name: 'Beta' };

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let h: Harness<DistributedApp>;
let simA: Sim;
let simB: Sim;
let dir: string;
const tokens: Record<string, string> = {};
let events = 0;

beforeAll(async () => {
  simA = await startSimulator();
  simB = await startSimulator({ dataset: generateDataset({ seed: 7 }) });
  dir = mkdtempSync(join(tmpdir(), 'focus-tenants-'));
  const file = join(dir, 'tenants.json');
  const entry = (sim: Sim) => ({
    baseUrl: sim.url,
    clientId: sim.credentials.clientId,
    username: sim.credentials.username,
    apiKey: sim.credentials.apiKey,
  });
  writeFileSync(file, JSON.stringify({ [A.id]: entry(simA), [B.id]: entry(simB) }));
  h = await startDistributionHarness({ FOCUS_TENANTS_FILE: file, ...FAST_SUBSCRIPTIONS });
  h.slack.oauthApp({ clientId: OAUTH.clientId, clientSecret: OAUTH.clientSecret, appId: 'A1' });
  // Each person is a linked Focus portal user (each person's own rights, the default here).
  h.slack.on('users.info', (body) => ({
    user: {
      id: body.user,
      team_id: body.user === 'UB' ? B.id : A.id,
      profile: { email: FIXTURES.users.jane.username },
    },
  }));
  h.slack.on('conversations.info', (body) => ({ channel: { id: body.channel, is_ext_shared: false } }));
  for (const team of [A, B]) tokens[team.id] = await install(team);
});

afterAll(async () => {
  await h?.stop();
  await simA?.close();
  await simB?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A whole "Add to Slack" install of `team`; its bot token. */
async function install(team: { id: string; name: string }): Promise<string> {
  const page = await fetch(`${h.base}/slack/install`, { redirect: 'manual' });
  const body = await page.text();
  const href = /<a href="([^"]+)">Add to Slack<\/a>/.exec(body)?.[1]?.replaceAll('&amp;', '&') ?? '';
  const state = new URL(href).searchParams.get('state') ?? '';
  const granted = h.slack.grant({ team, scope: 'commands,chat:write', userId: 'UINSTALLER' });
  const back = await fetch(
    `${h.base}/slack/oauth_redirect?${new URLSearchParams({ code: granted.code, state })}`,
    { redirect: 'manual', headers: { cookie: `slack-app-oauth-state=${state}` } },
  );
  await back.text();
  expect(back.status).toBe(200);
  return granted.botToken;
}

async function command(team: string, user: string, channel: string, text: string) {
  const url = h.slack.responseUrl();
  const body = slashCommandBody(text, url, { team_id: team, user_id: user, channel_id: channel });
  expect((await h.post(body)).status).toBe(200);
  return (await h.slack.responseAt(url)).body;
}

async function event(team: string, e: Record<string, unknown>) {
  const body = JSON.stringify({
    token: 'legacy',
    team_id: team,
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `EvDSUB${++events}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: team, user_id: 'UBOT', is_bot: true }],
    event: e,
  });
  return h.post(body, { ...signSlackRequest(SECRET, body), 'content-type': 'application/json' });
}

const postsIn = (channel: string) =>
  h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === channel);

async function until(done: () => boolean, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return done();
}

/** Two rounds over every workspace, so a second post of anything would have gone out. */
async function twoRounds(): Promise<void> {
  await h.app.subscriptions.tick();
  await h.app.subscriptions.tick();
  await new Promise((r) => setTimeout(r, 300));
}

describe('distribution mode: each workspace its own subscriptions', () => {
  it("a channel deleted in one workspace removes that workspace's subscriptions only", async () => {
    await command(A.id, 'UA', 'CSHARE', `subscribe +${FIXTURES.jane.phone2}`);
    expect((await event(B.id, { type: 'channel_deleted', channel: 'CSHARE' })).status).toBe(200);
    // B's own (none) are removed: the event came through B's installation.
    expect(
      await until(() =>
        h.logLines.some((l) => l.includes('"subscriptions.channel_removed"') && l.includes('CSHARE')),
      ),
    ).toBe(true);
    const list = await command(A.id, 'UA', 'CSHARE', 'subscriptions');
    expect(JSON.stringify(list.blocks)).toMatch(/1\. \+44 7897 897897/);
  });
  it("each channel gets its own tenant's recordings, with its own token, once; an uninstall stops only that workspace", async () => {
    const a = await command(A.id, 'UA', 'CALPHA', `subscribe +${JANE}`);
    expect(a.response_type).toBe('in_channel');
    expect(String(a.text)).toContain('Subscribed to +44 7700 900123');
    const b = await command(B.id, 'UB', 'CBETA', `subscribe +${JANE}`);
    expect(b.response_type).toBe('in_channel');

    // Each workspace lists only its own.
    const listA = await command(A.id, 'UA', 'CALPHA', 'subscriptions');
    expect(JSON.stringify(listA.blocks)).toMatch(/1\. \+44 7700 900123/);
    const listBInA = await command(B.id, 'UB', 'CALPHA', 'subscriptions');
    expect(JSON.stringify(listBInA.blocks)).not.toMatch(/1\. \+44 7700 900123/);

    // Different lengths tell the two tenants' recordings apart even where their ids are the same.
    const ra = simA.addRecording({ phone: JANE, durationSeconds: 61 });
    const rb = simB.addRecording({ phone: JANE, durationSeconds: 3_599 });
    await until(() => postsIn('CALPHA').length >= 1 && postsIn('CBETA').length >= 1);
    await twoRounds();

    const inA = postsIn('CALPHA');
    const inB = postsIn('CBETA');
    expect(inA).toHaveLength(1);
    expect(inB).toHaveLength(1);
    expect(String(inA[0]?.body.text)).toContain(`New recording ${ra.interactionId}`);
    expect(String(inB[0]?.body.text)).toContain(`New recording ${rb.interactionId}`);
    expect(JSON.stringify(inA[0]?.body.blocks)).toContain('1m 01s');
    expect(JSON.stringify(inB[0]?.body.blocks)).toContain('59m 59s');
    expect(inA[0]?.token).toBe(tokens[A.id]);
    expect(inB[0]?.token).toBe(tokens[B.id]);

    // B is uninstalled: its posts stop, A's go on.
    expect((await event(B.id, { type: 'app_uninstalled' })).status).toBe(200);
    expect(await until(() => h.logLines.some((l) => l.includes('"slack.uninstalled"')))).toBe(true);
    simA.addRecording({ phone: JANE });
    simB.addRecording({ phone: JANE });
    await until(() => postsIn('CALPHA').length >= 2);
    await twoRounds();
    expect(postsIn('CALPHA')).toHaveLength(2);
    expect(postsIn('CBETA')).toHaveLength(1);
    expect(postsIn('CALPHA').every((c) => c.token === tokens[A.id])).toBe(true);
  });
});
