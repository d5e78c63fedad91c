/**
 * Subscriptions across restarts: the state file is the memory. A restart between polls loses
 * and doubles nothing; a process killed (SIGKILL) in the middle of a burst of posts, started
 * again on the same file, posts everything, at most the one post in flight twice. The two tests
 * have a world each and mostly wait, so they run at once.
 */
import { describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { FIXTURES } from '../../src/sandbox/index.js';
import { appEnv, startAppProcess, subscribeJane } from '../helpers/app-process.js';
import { type FakeSlack, startFakeSlack } from '../helpers/fake-slack.js';
import { startSimulator } from '../helpers/focus.js';
import { twoPollsLater } from '../helpers/polls.js';
import { tempStatePath } from '../helpers/state.js';

const JANE = FIXTURES.jane.phone;

/** The same state file, polled every second, quiet logs. */
const envFor = (
  sim: Awaited<ReturnType<typeof startSimulator>>,
  slack: FakeSlack,
  statePath: string,
  extra: Record<string, string> = {},
) =>
  appEnv(sim, slack, { STATE_PATH: statePath, SUBSCRIPTION_POLL_SECONDS: '1', LOG_LEVEL: 'warn', ...extra });

const postedIds = (slack: FakeSlack, channel: string) =>
  slack
    .callsOf('chat.postMessage')
    .filter((c) => c.body.channel === channel)
    .map((c) => Number(/New recording (\d+)/.exec(String(c.body.text))?.[1]));

async function until(check: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

describe.concurrent('subscriptions across restarts', () => {
  it('a restart between polls loses and doubles nothing (the file is the memory)', async ({
    onTestFinished,
  }) => {
    const sim = await startSimulator();
    const slack = await startFakeSlack();
    const state = tempStatePath();
    onTestFinished(() => state.remove());
    onTestFinished(() => slack.close());
    onTestFinished(() => sim.close());
    const start = async () => {
      const loaded = loadConfig(
        envFor(sim, slack, state.path, { PORT: '0', SUBSCRIPTION_POST_INTERVAL_MS: '0' }),
      );
      if (!loaded.ok) throw new Error(loaded.problems.join('; '));
      const app: RunningApp = await startApp(
        loaded.config,
        createLogger({ level: 'error', write: () => {} }),
      );
      return app;
    };
    const first = await start();
    await subscribeJane(first.slack?.port as number, slack, 'CRESTART');
    const a = sim.addRecording({ phone: JANE });
    await until(() => postedIds(slack, 'CRESTART').length >= 1, 10_000);
    await first.stop();

    // While the app is down: two more.
    const b = sim.addRecording({ phone: JANE });
    const c = sim.addRecording({ phone: JANE });
    const second = await start();
    onTestFinished(() => second.stop().then(() => undefined));
    await until(() => postedIds(slack, 'CRESTART').length >= 3, 10_000);
    await twoPollsLater({ app: second });
    expect(postedIds(slack, 'CRESTART')).toEqual([a.interactionId, b.interactionId, c.interactionId]);
  }, 30_000);

  it('SIGKILL in the middle of a burst, then a restart: every recording posted, at most one twice', async ({
    onTestFinished,
  }) => {
    const sim = await startSimulator();
    const slack = await startFakeSlack();
    const state = tempStatePath();
    onTestFinished(() => state.remove());
    onTestFinished(() => slack.close());
    onTestFinished(() => sim.close());
    const spawnApp = async () => {
      const app = await startAppProcess(
        envFor(sim, slack, state.path, { SUBSCRIPTION_POST_INTERVAL_MS: '150' }),
      );
      onTestFinished(() => {
        app.child.kill('SIGKILL');
      });
      return app;
    };
    const first = await spawnApp();
    await subscribeJane(first.port, slack, 'CKILL');
    const since = Date.now();
    await new Promise((r) => setTimeout(r, 50));
    const added = Array.from({ length: 8 }, (_, i) =>
      sim.addRecording({ phone: JANE, startsAt: since + 5 * (i + 1) }),
    );
    await until(() => postedIds(slack, 'CKILL').length >= 3, 15_000);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('close', r));
    const before = postedIds(slack, 'CKILL').length;
    expect(before).toBeLessThan(8);

    await spawnApp();
    await until(() => new Set(postedIds(slack, 'CKILL')).size >= 8, 20_000);
    await new Promise((r) => setTimeout(r, 1_500));
    const posted = postedIds(slack, 'CKILL');
    expect(new Set(posted)).toEqual(new Set(added.map((r) => r.interactionId)));
    expect(posted.length - new Set(posted).size).toBeLessThanOrEqual(1);
  }, 60_000);
});
