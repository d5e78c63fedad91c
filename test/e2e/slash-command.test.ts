import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { FIXTURES } from '../../src/sandbox/index.js';
import { type FakeSlack, signSlackRequest, slashCommandBody, startFakeSlack } from '../helpers/fake-slack.js';
import { startSimulator } from '../helpers/focus.js';

const SECRET = 'test-signing-secret-0123456789';
const BOT_TOKEN = 'xoxb-test-bot-token-abcdef';
let slack: FakeSlack;
let sim: Awaited<ReturnType<typeof startSimulator>>;
let app: RunningApp;
let base: string;
const logLines: string[] = [];

beforeAll(async () => {
  slack = await startFakeSlack();
  sim = await startSimulator();
  const loaded = loadConfig({
    FOCUS_BASE_URL: sim.url,
    FOCUS_CLIENT_ID: String(sim.credentials.clientId),
    FOCUS_API_KEY: sim.credentials.apiKey,
    FOCUS_USERNAME: sim.credentials.username,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    LOG_LEVEL: 'debug',
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const logger = createLogger({
    level: 'debug',
    secrets: [SECRET, BOT_TOKEN, sim.credentials.apiKey],
    write: (line) => logLines.push(line),
  });
  app = await startApp(loaded.config, logger);
  base = `http://127.0.0.1:${app.slack?.port}`;
});

afterAll(async () => {
  await app?.stop();
  await sim?.close();
  await slack?.close();
});

async function post(body: string, headers: Record<string, string>) {
  const started = performance.now();
  const res = await fetch(`${base}/slack/events`, { method: 'POST', body, headers });
  await res.text();
  return { status: res.status, ms: performance.now() - started };
}

describe('/focus over HTTP, end to end', () => {
  it('initialised against the fake Slack API (auth.test)', () => {
    expect(slack.calls.some((c) => c.method === 'auth.test')).toBe(true);
  });

  it('acks at once and posts the phone card to the response_url', async () => {
    const body = slashCommandBody('+44 7700 900123', slack.responseUrl());
    const ack = await post(body, signSlackRequest(SECRET, body));
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3_000);
    const { body: card } = await slack.nextResponse();
    expect(card.response_type).toBe('ephemeral');
    const json = JSON.stringify(card.blocks);
    expect(json).toContain('Jane Smith');
    expect(json).toContain('+44 7700 900123');
    expect(json).toContain('<!date^');
    expect(json).toContain(`/people/${FIXTURES.jane.personId}`);
  });

  it('escapes a hostile owner name', async () => {
    const body = slashCommandBody(`phone +${FIXTURES.hostile.phone}`, slack.responseUrl());
    expect((await post(body, signSlackRequest(SECRET, body))).status).toBe(200);
    const { body: card } = await slack.nextResponse();
    const json = JSON.stringify(card.blocks);
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U123>');
    expect(json).not.toContain('<https://evil.example');
  });

  it('answers help and bad numbers with friendly cards', async () => {
    const helpBody = slashCommandBody('', slack.responseUrl());
    await post(helpBody, signSlackRequest(SECRET, helpBody));
    expect(JSON.stringify((await slack.nextResponse()).body.blocks)).toContain('/focus person');
    const badBody = slashCommandBody('phone 12ab', slack.responseUrl());
    await post(badBody, signSlackRequest(SECRET, badBody));
    expect(JSON.stringify((await slack.nextResponse()).body.blocks)).toMatch(
      /doesn.t look like a phone number/,
    );
  });

  it('rejects a bad signature and a stale timestamp with 401', async () => {
    const body = slashCommandBody('+44 7700 900123', slack.responseUrl());
    const forged = { ...signSlackRequest(SECRET, body), 'x-slack-signature': `v0=${'0'.repeat(64)}` };
    expect((await post(body, forged)).status).toBe(401);
    const stale = signSlackRequest(SECRET, body, Math.floor(Date.now() / 1000) - 10 * 60);
    expect((await post(body, stale)).status).toBe(401);
    expect(slack.responses).toHaveLength(0);
  });

  it('serves /healthz and /readyz', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('logs an audit line and never a secret or a whole phone number', () => {
    const text = logLines.join('\n');
    expect(logLines.some((l) => JSON.parse(l).event === 'audit')).toBe(true);
    for (const secret of [SECRET, BOT_TOKEN, sim.credentials.apiKey]) expect(text).not.toContain(secret);
    expect(text).not.toContain(FIXTURES.jane.phone);
    expect(text).not.toMatch(/7700 ?900 ?123/);
  });
});
