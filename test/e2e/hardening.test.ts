/**
 * Hardening of the HTTP receiver and the Web API client: malformed but signed bodies,
 * timestamps out of the window, replayed requests, and one method's rate limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { appEnv, startAppProcess } from '../helpers/app-process.js';
import { signSlackRequest, slashCommandBody, startFakeSlack } from '../helpers/fake-slack.js';
import { startSimulator } from '../helpers/focus.js';
import { type Harness, SECRET, startHarness } from '../helpers/harness.js';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POSTs a signed body; a request the server never answers resolves as status 0. */
async function postSigned(
  base: string,
  body: string,
  contentType: string,
  timestamp?: number,
): Promise<number> {
  const headers = { ...signSlackRequest(SECRET, body, timestamp), 'content-type': contentType };
  try {
    const res = await fetch(`${base}/slack/events`, {
      method: 'POST',
      body,
      headers,
      signal: AbortSignal.timeout(2_500),
    });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

async function expectServing(base: string): Promise<void> {
  for (const path of ['/healthz', '/readyz', '/metrics']) {
    const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(2_000) });
    await res.text();
    expect(res.status, path).toBe(200);
  }
}

const MALFORMED: Array<[string, string, string]> = [
  ['JSON null', 'null', JSON_TYPE],
  ['JSON number', '5', JSON_TYPE],
  ['JSON string', '"hello"', JSON_TYPE],
  ['JSON array', '[{"type":"event_callback"}]', JSON_TYPE],
  ['JSON true', 'true', JSON_TYPE],
  ['not JSON', '{nope', JSON_TYPE],
  ['event_callback with a null event', '{"type":"event_callback","event":null}', JSON_TYPE],
  ['form payload=null', 'payload=null', FORM],
  ['form payload=not-json', 'payload=not-json', FORM],
  ['form payload=[]', 'payload=%5B%5D', FORM],
  ['form payload=7', 'payload=7', FORM],
  ['form with a text event', 'event=hello', FORM],
  ['slash command form with an event field', 'command=%2Ffocus&text=x&%65vent=hello', FORM],
];

describe('malformed but signed requests', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each(MALFORMED)('%s gets a 4xx and the app keeps serving', async (_name, body, contentType) => {
    const status = await postSigned(h.base, body, contentType);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    await expectServing(h.base);
  });

  it('a well-formed command is still answered afterwards; an unsigned ssl_check still gets 200', async () => {
    const { responseUrl, status } = await h.command('help');
    expect(status).toBe(200);
    expect(JSON.stringify((await h.slack.responseAt(responseUrl)).body)).toContain('/focus');
    const ssl = await fetch(`${h.base}/slack/events`, {
      method: 'POST',
      body: 'ssl_check=1&token=legacy',
      headers: { 'content-type': FORM },
    });
    expect(ssl.status).toBe(200);
  });
});

describe('request timestamps and replays', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });
  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    ['6 minutes in the future', 6 * 60],
    ['1 hour in the future', 60 * 60],
    ['6 minutes in the past', -6 * 60],
  ])('a signature dated %s is refused with 401 and never answered', async (_name, offset) => {
    const responseUrl = h.slack.responseUrl();
    const body = slashCommandBody('help', responseUrl);
    expect(await postSigned(h.base, body, FORM, now() + offset)).toBe(401);
    await sleep(300);
    expect(h.slack.responses.filter((r) => r.path === new URL(responseUrl).pathname)).toHaveLength(0);
  });

  it('a signature dated 4 minutes ahead (clock skew) is still accepted', async () => {
    const responseUrl = h.slack.responseUrl();
    const body = slashCommandBody('help', responseUrl);
    expect(await postSigned(h.base, body, FORM, now() + 4 * 60)).toBe(200);
    expect(JSON.stringify((await h.slack.responseAt(responseUrl)).body)).toContain('/focus');
  });

  it('the same signed slash command sent 3 times is answered once', async () => {
    const responseUrl = h.slack.responseUrl();
    const body = slashCommandBody('help', responseUrl);
    const headers = signSlackRequest(SECRET, body);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.post(body, headers)).status);
    // A replay is acknowledged (200, empty) but not processed: see src/slack/inbound/receiver.ts.
    expect(statuses).toEqual([200, 200, 200]);
    await h.slack.responseAt(responseUrl);
    await sleep(500);
    expect(h.slack.responses.filter((r) => r.path === new URL(responseUrl).pathname)).toHaveLength(0);
    expect(h.logLines.filter((l) => l.includes('"event":"slack.replay_ignored"'))).toHaveLength(2);
  });

  it('two identical signed requests at the same moment: one answer', async () => {
    const responseUrl = h.slack.responseUrl();
    const body = slashCommandBody('help', responseUrl);
    const headers = signSlackRequest(SECRET, body);
    await Promise.all([h.post(body, headers), h.post(body, headers)]);
    await h.slack.responseAt(responseUrl);
    await sleep(500);
    expect(h.slack.responses.filter((r) => r.path === new URL(responseUrl).pathname)).toHaveLength(0);
  });

  it("Slack's re-signed retry of an event passes the replay guard and is deduped by event id", async () => {
    const event = {
      token: 'legacy',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: 'EvREPLAYGUARD',
      event_time: now(),
      event: { type: 'app_mention', user: 'U1', text: '<@UBOT> help', ts: '1.5', channel: 'CRETRY' },
    };
    const body = JSON.stringify(event);
    const first = { ...signSlackRequest(SECRET, body, now() - 2), 'content-type': JSON_TYPE };
    const retry = {
      ...signSlackRequest(SECRET, body, now()),
      'content-type': JSON_TYPE,
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    };
    expect((await h.post(body, first)).status).toBe(200);
    expect((await h.post(body, retry)).status).toBe(200);
    await h.slack.waitForCall('chat.postMessage', (c) => c.body.channel === 'CRETRY');
    await sleep(300);
    expect(h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === 'CRETRY')).toHaveLength(1);
    const lines = h.logLines.filter((l) => l.includes('EvREPLAYGUARD'));
    expect(lines.some((l) => l.includes('"event":"slack.duplicate_delivery"'))).toBe(true);
  });
});

describe('a rate limit on one Slack method', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ UNFURL_CONSENT: 'always' });
  });
  afterAll(async () => {
    await h?.stop();
  });
  const portal = (id: number) => `https://portal.focus.test/recordings/${id}`;
  const linkShared = (channel: string, url: string) => ({
    type: 'link_shared',
    channel,
    user: 'U1',
    message_ts: `${Date.now() / 1000}`,
    event_ts: '1.1',
    links: [{ domain: 'portal.focus.test', url }],
  });

  /** A third of the 30 s a call held up by chat.unfurl's Retry-After would wait. */
  const NOT_HELD_MS = 10_000;

  it('chat.unfurl answering 429 (Retry-After 30) does not hold up views.open or chat.postMessage', async () => {
    h.slack.rateLimit('chat.unfurl', 30);
    await h.event(linkShared('CRL1', portal(FIXTURES.jane.recordingIds[1])));
    await h.slack.waitForCalls('chat.unfurl', 1, 5_000);
    await sleep(100);

    const shortcutSent = performance.now();
    await h.action({
      type: 'message_action',
      callback_id: 'focus_lookup',
      trigger_id: 'trigger-during-rate-limit',
      response_url: h.slack.responseUrl(),
      team: { id: 'T1', domain: 'acme' },
      channel: { id: 'C1', name: 'compliance' },
      user: { id: 'U1', name: 'alice' },
      message_ts: '1.1',
      message: { type: 'message', user: 'U2', ts: '1.1', text: `see #${FIXTURES.jane.recordingIds[0]}` },
    });
    const open = await h.slack.waitForCall(
      'views.open',
      (c) => c.body.trigger_id === 'trigger-during-rate-limit',
      NOT_HELD_MS,
    );
    expect(open.at - shortcutSent).toBeLessThan(NOT_HELD_MS);

    const mentionSent = performance.now();
    await h.event({
      type: 'app_mention',
      user: 'U1',
      text: `<@UBOT> who is +${FIXTURES.sharedNumber.phone}?`,
      ts: '1700000000.000200',
      channel: 'CRL2',
      event_ts: '1700000000.000200',
    });
    const reply = await h.slack.waitForCall(
      'chat.postMessage',
      (c) => c.body.channel === 'CRL2',
      NOT_HELD_MS,
    );
    expect(reply.at - mentionSent).toBeLessThan(NOT_HELD_MS);
    expect(h.logLines.some((l) => l.includes('"event":"slack.rate_limited"'))).toBe(true);
  });

  it('while chat.unfurl is paused, another unfurl fails fast locally instead of calling Slack', async () => {
    const before = h.slack.callsOf('chat.unfurl').length;
    await h.event(linkShared('CRL3', portal(FIXTURES.jane.recordingIds[2])));
    await sleep(600);
    expect(h.slack.callsOf('chat.unfurl')).toHaveLength(before);
    expect(h.logLines.some((l) => l.includes('"event":"slack.rate_limited_locally"'))).toBe(true);
    // Expected, not an error: a warning, no error line.
    expect(h.logLines.some((l) => l.includes('"event":"unfurl.rate_limited"'))).toBe(true);
    expect(h.logLines.some((l) => l.includes('"event":"slack.unfurl_failed"'))).toBe(false);
  });
});

describe('the process', () => {
  it('survives signed null bodies (JSON and form) and keeps answering /healthz', async () => {
    const sim = await startSimulator();
    const slack = await startFakeSlack();
    const { child, base, output } = await startAppProcess(appEnv(sim, slack));
    try {
      expect(await postSigned(base, 'null', JSON_TYPE)).toBe(400);
      expect(await postSigned(base, 'payload=null', FORM)).toBe(400);
      await sleep(200);
      expect(child.exitCode, output()).toBeNull();
      await expectServing(base);
      expect(output()).toContain('"event":"slack.malformed_request"');
      expect(output()).not.toContain(SECRET);
    } finally {
      child.kill('SIGKILL');
      await sim.close();
      await slack.close();
    }
  });
});
