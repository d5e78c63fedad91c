/** Readiness, metrics, logs and graceful shutdown. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { appEnv, startAppProcess } from '../helpers/app-process.js';
import { signSlackRequest, slashCommandBody, startFakeSlack } from '../helpers/fake-slack.js';
import { startSimulator } from '../helpers/focus.js';
import { BOT_TOKEN, type Harness, SECRET, startHarness } from '../helpers/harness.js';

describe('readiness and metrics', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('/readyz is 200 with working Focus credentials and /metrics counts what happened', async () => {
    expect((await fetch(`${h.base}/readyz`)).status).toBe(200);
    await h.command(`+${FIXTURES.jane.phone2}`);
    await h.slack.nextResponse();
    await h.command(`+${FIXTURES.jane.phone2}`);
    await h.slack.nextResponse();
    await h.command('help');
    await h.slack.nextResponse();
    const res = await fetch(`${h.base}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/focus_slack_lookups_total\{kind="phone",outcome="found"\} 2/);
    expect(text).toMatch(/focus_slack_lookups_total\{kind="help",outcome="answered"\} 1/);
    expect(text).toMatch(/focus_slack_lookup_duration_seconds_count\{kind="phone"\} 2/);
    expect(text).toMatch(/focus_slack_focus_calls_total\{endpoint="endpoint.search",status="200"\} [1-9]/);
    expect(text).toMatch(/focus_slack_cache_events_total\{kind="endpoint",result="hit"\} [1-9]/);
    expect(text).toMatch(/focus_slack_token_renewals_total [1-9]/);
    expect(text).toMatch(/focus_slack_slack_deliveries_total\{surface="command",result="ok"\} 3/);
    expect(text).toContain('process_resident_memory_bytes');
  });
});

describe('wrong Focus credentials', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ FOCUS_API_KEY: 'definitely-wrong-key' });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('/readyz is 503 while /healthz stays 200, and lookups get a friendly card', async () => {
    expect((await fetch(`${h.base}/readyz`)).status).toBe(503);
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    await h.command(`+${FIXTURES.jane.phone2}`);
    const card = JSON.stringify((await h.slack.nextResponse()).body);
    expect(card).toContain('did not accept this app');
    expect(card).toMatch(/Reference: `[a-z]+`/);
    expect(h.logLines.join('\n')).not.toContain('definitely-wrong-key');
  });
});

/** The app as its own process (as `npm start` runs it), pointed at a simulator and a fake Slack. */
async function spawnApp(env: Record<string, string> = {}) {
  const sim = await startSimulator();
  const slack = await startFakeSlack();
  const app = await startAppProcess(appEnv(sim, slack, env));
  const command = (text: string) => {
    const body = slashCommandBody(text, slack.responseUrl());
    return fetch(`${app.base}/slack/events`, {
      method: 'POST',
      body,
      headers: signSlackRequest(SECRET, body),
    });
  };
  const stop = async () => {
    app.child.kill('SIGKILL');
    await sim.close();
    await slack.close();
  };
  return { sim, slack, child: app.child, exited: app.exited, command, output: app.output, stop };
}

// A process each, mostly waiting on Focus: at once.
describe.concurrent('graceful shutdown', () => {
  it('SIGTERM during an in-flight lookup still answers it, then exits 0', async () => {
    const app = await spawnApp();
    try {
      app.sim.setFaults({ latencyMs: 1_500 });
      expect((await app.command(`+${FIXTURES.jane.phone2}`)).status).toBe(200);
      app.child.kill('SIGTERM');
      const card = await app.slack.nextResponse(15_000);
      expect(JSON.stringify(card.body.blocks)).toContain('Jane Smith');
      expect(await app.exited).toBe(0);
      const output = app.output();
      expect(output).toContain('"event":"shutdown"');
      // Logs of a whole run: no secret, no whole phone number.
      for (const secret of [SECRET, BOT_TOKEN, app.sim.credentials.apiKey])
        expect(output).not.toContain(secret);
      expect(output).not.toContain(FIXTURES.jane.phone2);
    } finally {
      await app.stop();
    }
  });

  it('SIGTERM with Focus hanging past the grace: the asker is told to retry, and the exit is 1', async () => {
    const app = await spawnApp({ SHUTDOWN_GRACE_MS: '500', FOCUS_TIMEOUT_MS: '20000' });
    try {
      app.sim.setFaults({ hangMs: 60_000 });
      expect((await app.command(`+${FIXTURES.jane.phone2}`)).status).toBe(200);
      app.child.kill('SIGTERM');
      const card = await app.slack.nextResponse(10_000);
      expect(String(card.body.text)).toContain('restarting');
      expect(await app.exited).toBe(1);
      expect(app.output()).toContain('"event":"config.shutdown_grace_short"');
    } finally {
      await app.stop();
    }
  });
});
