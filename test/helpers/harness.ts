/**
 * End-to-end harness: the real app (Bolt HTTP receiver on 127.0.0.1) against the Focus
 * simulator, with SLACK_API_URL pointed at a fake Slack Web API that also takes response_url
 * posts. Requests are signed as Slack signs them.
 */
import { type RunningApp, startApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { type DistributedApp, startDistribution } from '../../src/distribution.js';
import type { Logger } from '../../src/domain/logger.js';
import { createLogger } from '../../src/log.js';
import type { SimulatorOptions } from '../../src/sandbox/index.js';
import { type FakeSlack, signSlackRequest, slashCommandBody, startFakeSlack } from './fake-slack.js';
import { startSimulator } from './focus.js';
import { tempStatePath } from './state.js';

export const SECRET = 'test-signing-secret-0123456789';
/** Subscriptions polled every second and posted without pacing, for the end-to-end cases. */
export const FAST_SUBSCRIPTIONS = { SUBSCRIPTION_POLL_SECONDS: '1', SUBSCRIPTION_POST_INTERVAL_MS: '0' };
export const BOT_TOKEN = 'xoxb-test-bot-token-abcdef';

/** Distribution mode's app credentials and state key, for `startDistributionHarness`. */
export const OAUTH = {
  clientId: '1111.2222',
  clientSecret: 'client-secret-0123456789abcdef',
  stateSecret: 'state-secret-0123456789abcdef-0123456789',
  encryptionKey: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

export interface Harness<A = RunningApp> {
  app: A;
  slack: FakeSlack;
  sim: Awaited<ReturnType<typeof startSimulator>>;
  base: string;
  /** The app's SQLite state file. */
  statePath: string;
  logLines: string[];
  /** POSTs a signed raw body; resolves with the HTTP answer's status. */
  post(body: string, headers?: Record<string, string>): Promise<{ status: number }>;
  command(text: string, overrides?: Record<string, string>): Promise<{ status: number; responseUrl: string }>;
  action(payload: Record<string, unknown>): Promise<{ status: number }>;
  event(
    event: Record<string, unknown>,
    options?: { eventId?: string; retryNum?: number },
  ): Promise<{ status: number }>;
  stop(): Promise<void>;
}

/**
 * `env` refines the app's configuration; `simulator` picks the Focus tenant (e.g. `{ profile: 'bare' }`).
 */
export function startHarness(
  env: Record<string, string> = {},
  simulator: SimulatorOptions = {},
): Promise<Harness> {
  return harness(env, simulator, startApp);
}

/**
 * Distribution mode ("Add to Slack"): no single Focus tenant and no bot token; `env` adds e.g.
 * FOCUS_TENANTS_FILE. The harness's simulator is there for a test to provision.
 */
export function startDistributionHarness(
  env: Record<string, string> = {},
  simulator: SimulatorOptions = {},
): Promise<Harness<DistributedApp>> {
  return harness(
    {
      SLACK_BOT_TOKEN: '',
      SLACK_CLIENT_ID: OAUTH.clientId,
      SLACK_CLIENT_SECRET: OAUTH.clientSecret,
      SLACK_STATE_SECRET: OAUTH.stateSecret,
      STATE_ENCRYPTION_KEY: OAUTH.encryptionKey,
      FOCUS_BASE_URL: '',
      FOCUS_CLIENT_ID: '',
      FOCUS_API_KEY: '',
      FOCUS_USERNAME: '',
      FOCUS_PORTAL_URL: '',
      ...env,
    },
    simulator,
    startDistribution,
  );
}

async function harness<
  A extends { slack: { port: number | undefined } | undefined; stop(): Promise<unknown> },
>(
  env: Record<string, string>,
  simulator: SimulatorOptions,
  start: (config: Config, logger: Logger) => Promise<A>,
): Promise<Harness<A>> {
  const slack = await startFakeSlack();
  const sim = await startSimulator(simulator);
  const state = tempStatePath();
  const loaded = loadConfig({
    STATE_PATH: state.path,
    FOCUS_BASE_URL: sim.url,
    FOCUS_CLIENT_ID: String(sim.credentials.clientId),
    FOCUS_API_KEY: sim.credentials.apiKey,
    FOCUS_USERNAME: sim.credentials.username,
    FOCUS_PORTAL_URL: 'https://portal.focus.test',
    FOCUS_TIMEOUT_MS: '3000',
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    LOG_LEVEL: 'debug',
    ...env,
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const logLines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    secrets: [SECRET, BOT_TOKEN, sim.credentials.apiKey],
    write: (line) => logLines.push(line),
  });
  const app = await start(loaded.config, logger);
  const base = `http://127.0.0.1:${app.slack?.port}`;
  let eventCounter = 0;

  const post: Harness<A>['post'] = async (body, headers = signSlackRequest(SECRET, body)) => {
    const res = await fetch(`${base}/slack/events`, { method: 'POST', body, headers });
    await res.text();
    return { status: res.status };
  };
  return {
    app,
    slack,
    sim,
    base,
    statePath: state.path,
    logLines,
    post,
    async command(text, overrides = {}) {
      const responseUrl = slack.responseUrl();
      const body = slashCommandBody(text, responseUrl, overrides);
      return { ...(await post(body)), responseUrl };
    },
    async action(payload) {
      return post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    },
    async event(event, options = {}) {
      const body = JSON.stringify({
        token: 'legacy',
        team_id: 'T1',
        api_app_id: 'A1',
        type: 'event_callback',
        event_id: options.eventId ?? `Ev${++eventCounter}`,
        event_time: Math.floor(Date.now() / 1000),
        event,
      });
      const headers: Record<string, string> = {
        ...signSlackRequest(SECRET, body),
        'content-type': 'application/json',
      };
      if (options.retryNum !== undefined) {
        headers['x-slack-retry-num'] = String(options.retryNum);
        headers['x-slack-retry-reason'] = 'http_timeout';
      }
      return post(body, headers);
    },
    async stop() {
      await app.stop();
      await sim.close();
      await slack.close();
      state.remove();
    },
  };
}

/** A block_actions payload for a button of a card, as Slack sends it. */
export function buttonPayload(
  button: { action_id: string; value?: string },
  responseUrl: string,
  user = 'U1',
): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: { id: 'T1', domain: 'acme' },
    user: { id: user, username: 'alice', team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    container: { type: 'message', message_ts: '1.2', channel_id: 'C1', is_ephemeral: true },
    trigger_id: '1.2.3',
    channel: { id: 'C1', name: 'compliance' },
    response_url: responseUrl,
    actions: [
      {
        type: 'button',
        action_id: button.action_id,
        block_id: 'b1',
        text: { type: 'plain_text', text: 'x' },
        value: button.value,
        action_ts: '1.3',
      },
    ],
  };
}

/** Every button in a card's blocks. */
export function buttonsOf(
  blocks: unknown,
): Array<{ action_id: string; value?: string; url?: string; text: { text: string } }> {
  const list = (blocks ?? []) as Array<{ type: string; elements?: unknown[]; accessory?: unknown }>;
  return list.flatMap((b) => [
    ...(b.type === 'actions' ? (b.elements as never[]) : []),
    ...(b.accessory ? [b.accessory as never] : []),
  ]);
}
