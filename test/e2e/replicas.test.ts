/**
 * Two replicas behave as one: two apps (their own HTTP ports), one Redis (a real redis-server),
 * one fake Slack, one simulator. A retried event that lands on the other replica is answered
 * once; a link pasted twice is previewed once; every new recording is posted once, by the
 * replica holding the poller lease, and when that one stops the other takes over. Redis killed
 * under a burst of lookups: every lookup is still answered, and subscriptions resume after.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { FIXTURES } from '../../src/sandbox/index.js';
import { appEnv, startAppProcess } from '../helpers/app-process.js';
import { type FakeSlack, signSlackRequest, slashCommandBody, startFakeSlack } from '../helpers/fake-slack.js';
import { startSimulator } from '../helpers/focus.js';
import { SECRET } from '../helpers/harness.js';
import {
  type RedisServer,
  redisCommand,
  redisServerInstalled,
  startRedisServer,
  uniquePrefix,
} from '../helpers/redis.js';

const JANE = FIXTURES.jane.phone;
const available = redisServerInstalled() || Boolean(process.env.CI);

/**
 * Who holds the poller lease, by Redis itself: its holder key reads `<token>:<holder id>`, and
 * its time to live left (ms; -2 when there is none, -1 when it would never run out).
 */
async function pollerLease(
  url: string,
  prefix: string,
): Promise<{ holder: string | undefined; leftMs: number }> {
  const key = `${prefix}lease:subscriptions-poller:holder`;
  const value = (await redisCommand(url, ['GET', key])) as string | null;
  const leftMs = Number(await redisCommand(url, ['PTTL', key]));
  return { holder: value === null ? undefined : value.slice(value.indexOf(':') + 1), leftMs };
}

describe.skipIf(!available)('two replicas on one Redis', () => {
  let redis: RedisServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let slack: FakeSlack;
  const apps: RunningApp[] = [];
  const logs: string[][] = [];
  const prefix = uniquePrefix('replicas');

  async function replica(): Promise<RunningApp> {
    const loaded = loadConfig({
      ...appEnv(sim, slack),
      FOCUS_PORTAL_URL: 'https://portal.focus.test',
      PORT: '0',
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: prefix,
      POLLER_LEASE_SECONDS: '2',
      SUBSCRIPTION_POLL_SECONDS: '1',
      SUBSCRIPTION_POST_INTERVAL_MS: '0',
      FOCUS_TIMEOUT_MS: '3000',
      UNFURL_CONSENT: 'always',
    });
    if (!loaded.ok) throw new Error(loaded.problems.join('; '));
    const lines: string[] = [];
    logs.push(lines);
    const app = await startApp(loaded.config, createLogger({ level: 'info', write: (l) => lines.push(l) }));
    apps.push(app);
    return app;
  }
  const base = (app: RunningApp) => `http://127.0.0.1:${app.slack?.port}`;
  async function post(app: RunningApp, body: string, extra: Record<string, string> = {}) {
    const res = await fetch(`${base(app)}/slack/events`, {
      method: 'POST',
      body,
      headers: { ...signSlackRequest(SECRET, body), ...extra },
    });
    await res.text();
    return res.status;
  }
  const event = (e: Record<string, unknown>, eventId: string) =>
    JSON.stringify({
      token: 't',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: eventId,
      event_time: 1,
      event: e,
    });
  const json = { 'content-type': 'application/json' };
  const postsIn = (channel: string) =>
    slack
      .callsOf('chat.postMessage')
      .filter((c) => c.body.channel === channel)
      .map((c) => String(c.body.text));
  /** Until `check` holds, at most `ms` (generous: the assertions after it say what must have happened). */
  async function until(check: () => boolean, ms: number) {
    const deadline = Date.now() + ms;
    while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }

  beforeAll(async () => {
    redis = await startRedisServer({ persist: true });
    sim = await startSimulator();
    slack = await startFakeSlack();
    slack.on('conversations.info', (body) => ({ channel: { id: body.channel, is_ext_shared: false } }));
    await replica();
    await replica();
  }, 30_000);
  afterAll(async () => {
    for (const app of apps) await app.stop().catch(() => {});
    await sim?.close();
    await slack?.close();
    await redis?.stop();
  });

  it('a retried event answered by one replica is not answered again by the other', async () => {
    const [a, b] = apps as [RunningApp, RunningApp];
    const mention = {
      type: 'app_mention',
      user: 'U1',
      text: `<@UBOT> +${JANE}`,
      ts: '1.0001',
      channel: 'CREP1',
      event_ts: '1.0001',
    };
    expect(await post(a, event(mention, 'EvREPLICA1'), json)).toBe(200);
    expect(
      await post(b, event(mention, 'EvREPLICA1'), {
        ...json,
        'x-slack-retry-num': '1',
        'x-slack-retry-reason': 'http_timeout',
      }),
    ).toBe(200);
    await until(() => postsIn('CREP1').length >= 1, 15_000);
    await new Promise((r) => setTimeout(r, 800));
    expect(postsIn('CREP1')).toHaveLength(1);
  });

  it('a link pasted in one channel is previewed once, whichever replica gets each event', async () => {
    const [a, b] = apps as [RunningApp, RunningApp];
    const url = `https://portal.focus.test/recordings/${FIXTURES.jane.recordingIds[1]}`;
    const shared = (ts: string) => ({
      type: 'link_shared',
      channel: 'CREP2',
      user: 'U1',
      message_ts: ts,
      event_ts: ts,
      links: [{ domain: 'portal.focus.test', url }],
    });
    const before = slack.callsOf('chat.unfurl').length;
    await post(a, event(shared('2.0001'), 'EvLINK1'), json);
    await until(() => slack.callsOf('chat.unfurl').length > before, 15_000);
    await post(b, event(shared('2.0002'), 'EvLINK2'), json);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(slack.callsOf('chat.unfurl')).toHaveLength(before + 1);
  });

  it('every new recording is posted once across both replicas; when the poller stops, the other takes over', async () => {
    const [a] = apps as [RunningApp, RunningApp];
    const body = slashCommandBody(`subscribe +${JANE}`, slack.responseUrl(), { channel_id: 'CREP3' });
    expect(await post(a, body)).toBe(200);
    expect(String((await slack.nextResponse()).body.text)).toContain('Subscribed');
    const first = Array.from({ length: 3 }, () => sim.addRecording({ phone: JANE }));
    await until(() => postsIn('CREP3').length >= 3, 20_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(postsIn('CREP3')).toHaveLength(3);

    // The lease holder stops (a deploy): the other replica polls and posts from now on.
    const { holder: holderId } = await pollerLease(redis.url, prefix);
    const at = logs.findIndex((lines) =>
      lines.some((l) => l.includes('"event":"lease_acquired"') && l.includes(`"holder":"${holderId}"`)),
    );
    expect(at).toBeGreaterThanOrEqual(0);
    const holder = apps[at] as RunningApp;
    await holder.stop();
    apps.splice(apps.indexOf(holder), 1);
    // It let the lease go: the other takes it at its next step (test/state/lease.test.ts), not
    // once it runs out.
    expect((await pollerLease(redis.url, prefix)).holder).not.toBe(holderId);
    const later = Array.from({ length: 2 }, () => sim.addRecording({ phone: JANE }));
    await until(() => postsIn('CREP3').length >= 5, 20_000);
    await new Promise((r) => setTimeout(r, 1_500));
    const texts = postsIn('CREP3');
    expect(texts).toHaveLength(5);
    for (const r of [...first, ...later])
      expect(texts.filter((t) => t.includes(`${r.interactionId}`))).toHaveLength(1);
  }, 60_000);

  it('Redis killed under a burst of lookups: every lookup is answered; back up, subscriptions resume', async () => {
    const app = apps[0] as RunningApp;
    await redis.kill();
    const urls = Array.from({ length: 500 }, () => slack.responseUrl());
    const statuses = await Promise.all(
      urls.map((url, i) => post(app, slashCommandBody(`+${JANE}`, url, { user_id: `UB${i}` }))),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    const answers = await Promise.all(urls.map((url) => slack.responseAt(url, 30_000)));
    expect(answers.every((a) => String(a.body.text).includes('Jane Smith'))).toBe(true);
    expect(logs.flat().some((l) => l.includes('"event":"state.shared_store_down"'))).toBe(true);

    await redis.restart();
    const r = sim.addRecording({ phone: JANE });
    await until(() => postsIn('CREP3').some((t) => t.includes(`${r.interactionId}`)), 20_000);
    expect(postsIn('CREP3').filter((t) => t.includes(`${r.interactionId}`))).toHaveLength(1);
  }, 60_000);
});

describe.skipIf(!available)('two replica processes: the lease holder killed mid-delivery', () => {
  it('the other takes over within two lease periods; every recording posted, at most one twice', async () => {
    const redis = await startRedisServer({ persist: true });
    const sim = await startSimulator();
    const slack = await startFakeSlack();
    const children: ChildProcess[] = [];
    const start = async () => {
      const app = await startAppProcess(
        appEnv(sim, slack, {
          REDIS_URL: redis.url,
          POLLER_LEASE_SECONDS: '2',
          SUBSCRIPTION_POLL_SECONDS: '1',
          SUBSCRIPTION_POST_INTERVAL_MS: '150',
          LOG_LEVEL: 'warn',
        }),
      );
      children.push(app.child);
      return app;
    };
    const holds = async (port: number) =>
      /^focus_slack_poller_lease_held 1$/m.test(
        await fetch(`http://127.0.0.1:${port}/metrics`).then(
          (r) => r.text(),
          () => '',
        ),
      );
    const posted = () =>
      slack
        .callsOf('chat.postMessage')
        .filter((c) => c.body.channel === 'CKILL2')
        .map((c) => Number(/New recording (\d+)/.exec(String(c.body.text))?.[1]));
    try {
      const a = await start();
      const b = await start();
      const body = slashCommandBody(`subscribe +${JANE}`, slack.responseUrl(), { channel_id: 'CKILL2' });
      await fetch(`http://127.0.0.1:${a.port}/slack/events`, {
        method: 'POST',
        body,
        headers: signSlackRequest(SECRET, body),
      });
      expect(String((await slack.nextResponse()).body.text)).toContain('Subscribed');
      let holder: typeof a | undefined;
      for (let i = 0; i < 50 && !holder; i++) {
        holder = (await holds(a.port)) ? a : (await holds(b.port)) ? b : undefined;
        if (!holder) await new Promise((r) => setTimeout(r, 100));
      }
      expect(holder).toBeDefined();
      const other = holder === a ? b : a;
      const since = Date.now();
      await new Promise((r) => setTimeout(r, 50));
      const added = Array.from({ length: 10 }, (_, i) =>
        sim.addRecording({ phone: JANE, startsAt: since + 5 * (i + 1) }),
      );
      const deadline = Date.now() + 15_000;
      while (posted().length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      holder?.child.kill('SIGKILL');
      // What bounds the takeover, by Redis's clock rather than this busy machine's: the killed
      // holder's grant runs out within one lease period, and the other takes the lease at its
      // next step after that (counted in steps in test/state/lease.test.ts): two lease periods.
      const { leftMs } = await pollerLease(redis.url, 'focus:');
      expect(leftMs).not.toBe(-1);
      expect(leftMs).toBeLessThanOrEqual(2_000);
      const killedAt = Date.now();
      let tookOver = false;
      while (Date.now() < killedAt + 20_000) {
        tookOver ||= await holds(other.port);
        if (new Set(posted()).size >= 10) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1_500));
      const ids = posted();
      expect(tookOver).toBe(true);
      expect(new Set(ids)).toEqual(new Set(added.map((r) => r.interactionId)));
      expect(ids.length - new Set(ids).size).toBeLessThanOrEqual(1);
    } finally {
      for (const child of children) child.kill('SIGKILL');
      await sim.close();
      await slack.close();
      await redis.stop();
    }
  }, 60_000);
});
