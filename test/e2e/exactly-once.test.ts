/**
 * Exactly once, with real parts: app processes started here (as `npm start` runs them), a real
 * redis-server of this file's own (appendonly, fsync always), SQLite in a temporary file, the
 * simulator and a fake Slack that answers chat.postMessage after 300 ms (so a post is always on
 * its way when something breaks).
 * - The lease holder is frozen (SIGSTOP) past its lease in the middle of a burst and resumed:
 *   the other replica takes over; no recording is posted twice, none is lost.
 * - Redis is killed in the middle of a burst (a post on its way: its mark cannot be written) and
 *   comes back 10 s later; the lease moves to the other replica: none twice, none lost.
 * - A second process on the same SQLite file refuses to start (exit 2); once the first is
 *   killed, a new one starts on the file.
 * No timing is asserted: the deadlines only bound how long the test waits. The three tests have
 * a world each and mostly wait, so they run at once.
 */
import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { type AppProcess, appEnv, startAppProcess } from '../helpers/app-process.js';
import { type FakeSlack, signSlackRequest, slashCommandBody, startFakeSlack } from '../helpers/fake-slack.js';
import { startSimulator } from '../helpers/focus.js';
import { SECRET } from '../helpers/harness.js';
import { redisServerInstalled, startRedisServer } from '../helpers/redis.js';
import { tempStatePath } from '../helpers/state.js';

const JANE = FIXTURES.jane.phone;
const available = redisServerInstalled() || Boolean(process.env.CI);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A test's own `onTestFinished` (the global one cannot tell concurrent tests apart): last in, first run. */
type Finally = (fn: OnTestFinishedHandler) => void;

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check()) && Date.now() < deadline) await sleep(100);
}

async function world(onTestFinished: Finally) {
  const sim = await startSimulator();
  const slack = await startFakeSlack();
  // A Slack that takes 300 ms to answer a post: one is on its way most of the time.
  slack.on('chat.postMessage', async () => {
    await sleep(300);
    return { ts: '1.1' };
  });
  onTestFinished(() => sim.close());
  onTestFinished(() => slack.close());
  return { sim, slack };
}

function start(onTestFinished: Finally, env: Record<string, string>): Promise<AppProcess> {
  return startAppProcess(env).then((app) => {
    onTestFinished(() => {
      app.child.kill('SIGCONT');
      app.child.kill('SIGKILL');
    });
    return app;
  });
}

async function subscribe(app: AppProcess, slack: FakeSlack, channel: string): Promise<void> {
  const body = slashCommandBody(`subscribe +${JANE}`, slack.responseUrl(), { channel_id: channel });
  await fetch(`${app.base}/slack/events`, { method: 'POST', body, headers: signSlackRequest(SECRET, body) });
  expect(String((await slack.nextResponse()).body.text)).toContain('Subscribed');
}

const postedIds = (slack: FakeSlack, channel: string) =>
  slack
    .callsOf('chat.postMessage')
    .filter((c) => c.body.channel === channel)
    .map((c) => Number(/New recording (\d+)/.exec(String(c.body.text))?.[1]));

const holds = async (app: AppProcess) =>
  /^focus_slack_poller_lease_held 1$/m.test(
    await fetch(`${app.base}/metrics`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.text(),
      () => '',
    ),
  );

/** Recordings of Jane's number, starting one after another just after now. */
function burst(sim: Awaited<ReturnType<typeof startSimulator>>, n: number) {
  const since = Date.now();
  return Array.from({ length: n }, (_, i) =>
    sim.addRecording({ phone: JANE, startsAt: since + 5 * (i + 1) }),
  );
}

describe.skipIf(!available).concurrent('exactly once across replicas (Redis)', () => {
  async function replicas(onTestFinished: Finally, channel: string) {
    const { sim, slack } = await world(onTestFinished);
    const redis = await startRedisServer({ persist: true });
    onTestFinished(() => redis.stop());
    const env = appEnv(sim, slack, {
      REDIS_URL: redis.url,
      POLLER_LEASE_SECONDS: '2',
      SUBSCRIPTION_POLL_SECONDS: '1',
      SUBSCRIPTION_POST_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    });
    const a = await start(onTestFinished, env);
    const b = await start(onTestFinished, env);
    await subscribe(a, slack, channel);
    let holder: AppProcess | undefined;
    await until(async () => {
      holder = (await holds(a)) ? a : (await holds(b)) ? b : undefined;
      return holder !== undefined;
    }, 10_000);
    expect(holder).toBeDefined();
    const other = holder === a ? b : a;
    return { sim, slack, redis, holder: holder as AppProcess, other };
  }

  it('the lease holder frozen past its lease mid-burst, then resumed: none posted twice, none lost', async ({
    onTestFinished,
  }) => {
    const { sim, slack, holder, other } = await replicas(onTestFinished, 'CFREEZE');
    const added = burst(sim, 12);
    await until(() => postedIds(slack, 'CFREEZE').length >= 2, 15_000);
    holder.child.kill('SIGSTOP'); // 8 s: four lease periods
    await until(() => holds(other), 15_000);
    await sleep(8_000);
    holder.child.kill('SIGCONT');
    await until(() => new Set(postedIds(slack, 'CFREEZE')).size >= added.length, 40_000);
    await sleep(3_000); // a late double would show by now
    const ids = postedIds(slack, 'CFREEZE');
    expect(new Set(ids)).toEqual(new Set(added.map((r) => r.interactionId)));
    expect(ids).toHaveLength(added.length);
  }, 90_000);

  it('Redis killed mid-burst and back 10 s later, the lease moved: none posted twice, none lost', async ({
    onTestFinished,
  }) => {
    const { sim, slack, redis, holder, other } = await replicas(onTestFinished, 'CREDIS');
    const added = burst(sim, 12);
    await until(() => postedIds(slack, 'CREDIS').length >= 2, 15_000);
    await redis.kill(); // a post is on its way (Slack answers after 300 ms): its mark fails
    await sleep(10_000);
    await redis.restart();
    // The old holder frozen until the other holds the lease: the lease moves.
    holder.child.kill('SIGSTOP');
    await until(() => holds(other), 20_000);
    expect(await holds(other)).toBe(true);
    holder.child.kill('SIGCONT');
    await until(() => new Set(postedIds(slack, 'CREDIS')).size >= added.length, 40_000);
    await sleep(3_000);
    const ids = postedIds(slack, 'CREDIS');
    expect(new Set(ids)).toEqual(new Set(added.map((r) => r.interactionId)));
    expect(ids).toHaveLength(added.length);
  }, 120_000);
});

describe.concurrent('one process per SQLite file', () => {
  it('a second process on the same file refuses to start (exit 2); the first posts each recording once; a restart after a kill is not blocked', async ({
    onTestFinished,
  }) => {
    const { sim, slack } = await world(onTestFinished);
    const state = tempStatePath();
    onTestFinished(() => state.remove());
    const env = appEnv(sim, slack, {
      STATE_PATH: state.path,
      SUBSCRIPTION_POLL_SECONDS: '1',
      SUBSCRIPTION_POST_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    });
    const first = await start(onTestFinished, env);
    await subscribe(first, slack, 'CFILE');
    const second = await start(onTestFinished, env);
    expect(await second.exited).toBe(2);
    expect(second.output()).toMatch(/in use by another process of the app \(pid \d+ on host /);

    const added = burst(sim, 5);
    await until(() => postedIds(slack, 'CFILE').length >= added.length, 20_000);
    await sleep(2_500);
    expect(postedIds(slack, 'CFILE').sort()).toEqual(added.map((r) => r.interactionId).sort());

    first.child.kill('SIGKILL');
    await first.exited;
    const third = await start(onTestFinished, env);
    expect(third.child.exitCode).toBeNull();
    expect(await fetch(`${third.base}/healthz`).then((r) => r.status)).toBe(200);
  }, 60_000);
});
