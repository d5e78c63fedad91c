/**
 * Slack's rate limits are per workspace: in distribution mode, one workspace's 429 on
 * `chat.postMessage` pauses that workspace's posts, and another workspace keeps posting. Two
 * workspaces installed through "Add to Slack" (the real receiver and InstallProvider, the fake
 * Slack answering 429 to one bot token only); each answers a DM (not connected to Focus yet: the
 * answer says so, in one `chat.postMessage`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DistributedApp } from '../../src/distribution.js';
import { BOT_SCOPES } from '../../src/slack/inbound/install.js';
import { type FakeInstallation, signSlackRequest } from '../helpers/fake-slack.js';
import { type Harness, OAUTH, SECRET, startDistributionHarness } from '../helpers/harness.js';

const BUSY = { id: 'T310', name: 'Busy' };
const QUIET = { id: 'T320', name: 'Quiet' };

let h: Harness<DistributedApp>;
let busy: FakeInstallation;
let quiet: FakeInstallation;
let events = 0;

/** A whole install: the state cookie from `/slack/install`, the approval, the redirect. */
async function install(team: { id: string; name: string }): Promise<FakeInstallation> {
  const page = await fetch(`${h.base}/slack/install`, { redirect: 'manual' });
  const body = await page.text();
  const href = /<a href="([^"]+)">Add to Slack<\/a>/.exec(body)?.[1]?.replaceAll('&amp;', '&') ?? '';
  const state = new URL(href).searchParams.get('state') ?? '';
  const granted = h.slack.grant({ team, scope: BOT_SCOPES.join(','), userId: 'UADMIN' });
  const back = await fetch(
    `${h.base}/slack/oauth_redirect?${new URLSearchParams({ code: granted.code, state })}`,
    { redirect: 'manual', headers: { cookie: `slack-app-oauth-state=${state}` } },
  );
  await back.text();
  expect(back.status).toBe(200);
  return granted;
}

/** A DM saying `help` in `team`'s workspace, in the DM channel `channel`. */
async function dm(team: { id: string }, channel: string): Promise<void> {
  const ts = `${Date.now() / 1000}`;
  const body = JSON.stringify({
    token: 'legacy',
    team_id: team.id,
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `EvRL${++events}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      { enterprise_id: null, team_id: team.id, user_id: 'UBOT', is_bot: true, is_enterprise_install: false },
    ],
    event: { type: 'message', channel_type: 'im', channel, user: 'U1', team: team.id, text: 'help', ts },
  });
  const { status } = await h.post(body, {
    ...signSlackRequest(SECRET, body),
    'content-type': 'application/json',
  });
  expect(status).toBe(200);
}

const postsWith = (token: string) => h.slack.callsOf('chat.postMessage').filter((c) => c.token === token);
const linesOf = (event: string) => h.logLines.filter((l) => l.includes(`"event":"${event}"`));

/** Resolves once `count` log lines of `event` are written. */
async function logged(event: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (linesOf(event).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} ${event} lines`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return linesOf(event);
}

beforeAll(async () => {
  h = await startDistributionHarness();
  h.slack.oauthApp({ clientId: OAUTH.clientId, clientSecret: OAUTH.clientSecret, appId: 'A1' });
  busy = await install(BUSY);
  quiet = await install(QUIET);
  h.slack.rateLimit('chat.postMessage', 30, busy.botToken);
});

afterAll(async () => {
  await h?.stop();
});

describe("one workspace's Slack rate limit", () => {
  it('pauses its own posts only: the other workspace keeps posting', async () => {
    // Slack answers the busy workspace's post 429 (Retry-After 30): the answer fails, and is logged.
    await dm(BUSY, 'DBUSY1');
    await logged('slack.delivery_failed', 1);
    expect(postsWith(busy.botToken)).toHaveLength(1);
    expect(await logged('slack.rate_limited', 1)).toHaveLength(1);

    // Its next post is answered here, without reaching Slack.
    await dm(BUSY, 'DBUSY2');
    await logged('slack.delivery_failed', 2);
    expect(postsWith(busy.botToken)).toHaveLength(1);
    expect(await logged('slack.rate_limited_locally', 1)).toHaveLength(1);

    // The quiet workspace's post goes to Slack with its own token and is posted.
    await dm(QUIET, 'DQUIET1');
    const posted = await h.slack.waitForCall('chat.postMessage', (c) => c.body.channel === 'DQUIET1');
    expect(posted.token).toBe(quiet.botToken);
    expect(h.slack.messagesIn('DQUIET1')).toHaveLength(1);
    expect(h.slack.messagesIn('DBUSY1')).toHaveLength(0);

    // The pauses' log lines name the workspace by a short hash, never by its token.
    const [limited] = linesOf('slack.rate_limited');
    const [local] = linesOf('slack.rate_limited_locally');
    const workspace = (line: string | undefined) =>
      (JSON.parse(line ?? '{}') as { workspace?: string }).workspace;
    expect(workspace(limited)).toMatch(/^[0-9a-f]{8}$/);
    expect(workspace(local)).toBe(workspace(limited));
    for (const token of [busy.botToken, quiet.botToken]) {
      expect(h.logLines.filter((l) => l.includes(token))).toEqual([]);
    }
  });
});
