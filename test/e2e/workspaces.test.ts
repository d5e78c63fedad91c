/**
 * Many workspaces in one Slack app: signed requests into the real receiver, whose workspace (Bolt's
 * authorization: here the token's app, the request's team) is resolved per request by the
 * multi-workspace resolver over the tenant registry. Two workspaces on two Focus simulators with
 * the same recording ids and different contents answer each from its own; a workspace with no
 * Focus connection is told so, and who can connect it, on the slash command and on a mention.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { FocusConnection } from '../../src/domain/tenant.js';
import { InFlight } from '../../src/inflight.js';
import { createLogger } from '../../src/log.js';
import { Metrics } from '../../src/metrics.js';
import { generateDataset } from '../../src/sandbox/index.js';
import { type RunningSlackApp, startSlackApp } from '../../src/slack/app.js';
import { MemoryStore } from '../../src/state/index.js';
import { TenantRegistry } from '../../src/tenants/registry.js';
import { buildTenantStack } from '../../src/tenants/stack.js';
import { tenantWorkspaces } from '../../src/tenants/workspaces.js';
import { type FakeSlack, signSlackRequest, slashCommandBody, startFakeSlack } from '../helpers/fake-slack.js';
import { sharedDataset, startSimulator } from '../helpers/focus.js';

const SECRET = 'test-signing-secret-0123456789';
const BOT_TOKEN = 'xoxb-test-bot-token-abcdef';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
let simA: Sim;
let simB: Sim;
let fake: FakeSlack;
let slack: RunningSlackApp;
let registry: TenantRegistry;
const logLines: string[] = [];
/** A recording id both tenants have, with different contents. */
let recordingId = 0;
let eventCounter = 0;

const loaded = loadConfig({ FOCUS_TIMEOUT_MS: '5000' });
if (!loaded.ok) throw new Error(loaded.problems.join('; '));
const settings = loaded.config;

beforeAll(async () => {
  const datasetB = generateDataset({ seed: 7 });
  simA = await startSimulator();
  simB = await startSimulator({ dataset: datasetB });
  const b = new Map(datasetB.recordings.map((r) => [r.interactionId, r]));
  recordingId = sharedDataset().recordings.find(
    (r) => (b.get(r.interactionId)?.durationSeconds ?? r.durationSeconds) !== r.durationSeconds,
  )?.interactionId as number;
  fake = await startFakeSlack();
  const logger = createLogger({
    level: 'debug',
    secrets: [SECRET, BOT_TOKEN, simA.credentials.apiKey, simB.credentials.apiKey],
    write: (line) => logLines.push(line),
  });
  const connections = new Map<string, FocusConnection>([
    ['T_A', { baseUrl: simA.url, credentials: simA.credentials }],
    ['T_B', { baseUrl: simB.url, credentials: simB.credentials }],
  ]);
  registry = new TenantRegistry({
    connectionOf: async (key) => connections.get(key),
    build: (connection) =>
      buildTenantStack({ connection, settings, portalUrl: 'https://portal.focus.test', logger }),
    idleMs: 60_000,
    max: 100,
    logger,
  });
  const metrics = new Metrics();
  const state = new MemoryStore();
  slack = await startSlackApp({
    mode: { kind: 'http', botToken: BOT_TOKEN, signingSecret: SECRET },
    apiUrl: fake.apiUrl,
    port: 0,
    workspaces: () => ({
      resolve: tenantWorkspaces({
        registry,
        shared: {
          access: { ...settings.access },
          slackConnectAllowed: false,
          logger,
          onDelivery: metrics.delivery,
          onDenial: metrics.denial,
        },
        state,
        idleMs: 60_000,
        max: 100,
      }),
    }),
    logger,
    ready: async () => true,
    slackConnectAllowed: false,
    unfurlConsent: 'ask',
    watchChannelIds: [],
    metrics,
    state,
    durableState: new MemoryStore(),
    inflight: new InFlight(),
  });
});

afterAll(async () => {
  await slack?.stop();
  await slack?.close();
  await registry?.close();
  await simA?.close();
  await simB?.close();
  await fake?.close();
});

async function post(body: string, headers = signSlackRequest(SECRET, body)): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${slack.port}/slack/events`, { method: 'POST', body, headers });
  await res.text();
  return res.status;
}

async function command(text: string, team: string): Promise<Record<string, unknown>> {
  const url = fake.responseUrl();
  expect(await post(slashCommandBody(text, url, { team_id: team }))).toBe(200);
  return (await fake.responseAt(url)).body;
}

async function mention(text: string, team: string, ts: string): Promise<void> {
  const body = JSON.stringify({
    token: 'legacy',
    team_id: team,
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `EvWs${++eventCounter}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_mention', user: 'U1', text: `<@UBOT> ${text}`, ts, channel: 'C7', event_ts: ts },
  });
  expect(await post(body, { ...signSlackRequest(SECRET, body), 'content-type': 'application/json' })).toBe(
    200,
  );
}

const NOT_CONNECTED = /Focus is not connected for this workspace yet.*workspace admin.*Home tab/;

describe('a workspace without a Focus connection', () => {
  it('is told so on the slash command, with who can connect it', async () => {
    const answer = await command('+44 7700 900123', 'T_C');
    expect(answer.response_type).toBe('ephemeral');
    expect(String(answer.text)).toMatch(NOT_CONNECTED);
    expect(logLines.some((l) => l.includes('slack.workspace_not_ready') && l.includes('T_C'))).toBe(true);
  });

  it('is told so in the thread of a mention', async () => {
    const before = fake.callsOf('chat.postMessage').length;
    await mention('who is +44 7700 900123?', 'T_C', '1700000000.000200');
    const [reply] = (await fake.waitForCalls('chat.postMessage', before + 1)).slice(-1);
    expect(reply?.body.channel).toBe('C7');
    expect(reply?.body.thread_ts).toBe('1700000000.000200');
    expect(String(reply?.body.text)).toMatch(NOT_CONNECTED);
  });
});

describe('two connected workspaces', () => {
  it('each answers the same recording id from its own Focus tenant', async () => {
    const a = await command(`recording ${recordingId}`, 'T_A');
    const b = await command(`recording ${recordingId}`, 'T_B');
    for (const answer of [a, b]) {
      expect(String(answer.text)).not.toMatch(/not connected/);
      expect(JSON.stringify(answer.blocks)).toContain(String(recordingId));
    }
    // Same id, different tenants: different recordings.
    expect(JSON.stringify(a.blocks)).not.toBe(JSON.stringify(b.blocks));
    const again = await command(`recording ${recordingId}`, 'T_A');
    expect(JSON.stringify(again.blocks)).toBe(JSON.stringify(a.blocks));
  });

  it('answers that subscriptions are not available yet in multi-workspace mode', async () => {
    const answer = await command('subscribe +44 7700 900123', 'T_A');
    expect(String(answer.text)).toMatch(/Subscriptions are not available yet/);
  });
});
