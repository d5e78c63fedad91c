/**
 * Hardening of the HTTP receiver and the Web API client: malformed but signed bodies,
 * timestamps out of the window and replayed requests.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSlackRequest, slashCommandBody, startFakeSlack } from '../helpers/fake-slack.js';
import { startSimulator } from '../helpers/focus.js';
import { BOT_TOKEN, type Harness, SECRET, startHarness } from '../helpers/harness.js';

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
    // A replay is acknowledged (200, empty) but not processed: see src/slack/receiver.ts.
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

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe('the process', () => {
  it('survives signed null bodies (JSON and form) and keeps answering /healthz', async () => {
    const sim = await startSimulator();
    const slack = await startFakeSlack();
    const port = await freePort();
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        FOCUS_BASE_URL: sim.url,
        FOCUS_CLIENT_ID: String(sim.credentials.clientId),
        FOCUS_API_KEY: sim.credentials.apiKey,
        FOCUS_USERNAME: sim.credentials.username,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; i < 100; i++) {
        const ok = await fetch(`${base}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        await sleep(100);
      }
      expect(await postSigned(base, 'null', JSON_TYPE)).toBe(400);
      expect(await postSigned(base, 'payload=null', FORM)).toBe(400);
      await sleep(200);
      expect(child.exitCode, output).toBeNull();
      await expectServing(base);
      expect(output).toContain('"event":"slack.malformed_request"');
      expect(output).not.toContain(SECRET);
    } finally {
      child.kill('SIGKILL');
      await sim.close();
      await slack.close();
    }
  });
});
