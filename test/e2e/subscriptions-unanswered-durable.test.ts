/**
 * A subscription post Slack took but never answered, when the process that sent it is gone
 * before the post comes again: the record of that attempt is in the state store, so the
 * process that polls next reads the channel's history first and does not post it twice.
 * - SQLite: the app stops right after the attempt; a new process on the same file finds it.
 * - Redis: the lease holder stops right after the attempt; the other replica takes the lease
 *   over, waits out the holder's intent, and finds it.
 * Real parts: signed slash commands into the real receiver, the simulator, a fake Slack that
 * posts the message and cuts the connection (no answer), a real SQLite file, the run's Redis.
 * Each case has a world of its own and mostly waits, so they run at once.
 */
import { describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { FIXTURES } from '../../src/sandbox/index.js';
import { appEnv, subscribeJane } from '../helpers/app-process.js';
import { type FakeSlack, startFakeSlack } from '../helpers/fake-slack.js';
import { startSimulator } from '../helpers/focus.js';
import { twoPollsLater } from '../helpers/polls.js';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { tempStatePath } from '../helpers/state.js';

const JANE = FIXTURES.jane.phone;
const redisUrl = sharedRedisUrl();

type World = { sim: Awaited<ReturnType<typeof startSimulator>>; slack: FakeSlack };

type Cleanup = (fn: () => Promise<void> | void) => void;

async function world(onTestFinished: Cleanup): Promise<World> {
  const sim = await startSimulator();
  const slack = await startFakeSlack();
  slack.on('conversations.info', (body) => ({ channel: { id: body.channel, is_ext_shared: false } }));
  onTestFinished(() => slack.close());
  onTestFinished(() => sim.close());
  return { sim, slack };
}

/**
 * An in-process app with its log lines. `stopOnUnanswered`: it stops as soon as a post gets no
 * answer, before its next poll could look for that post itself (what it knows in memory).
 */
async function app(
  { sim, slack }: World,
  env: Record<string, string>,
  stopOnUnanswered = false,
): Promise<{ app: RunningApp; lines: string[]; stop: () => Promise<void>; stopped: Promise<void> }> {
  const loaded = loadConfig(
    appEnv(sim, slack, {
      PORT: '0',
      SUBSCRIPTION_POST_INTERVAL_MS: '0',
      SUBSCRIPTION_POLL_SECONDS: '1',
      ...env,
    }),
  );
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const lines: string[] = [];
  let running: RunningApp | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (running as RunningApp).stop().then(() => undefined);
    return stopping;
  };
  let stoppedNow!: () => void;
  const stopped = new Promise<void>((resolve) => {
    stoppedNow = resolve;
  });
  const logger = createLogger({
    level: 'info',
    write: (line) => {
      lines.push(line);
      if (
        stopOnUnanswered &&
        line.includes('"event":"subscriptions.post_failed"') &&
        line.includes('"unsure"')
      )
        setImmediate(() => void stop().then(stoppedNow));
    },
  });
  running = await startApp(loaded.config, logger);
  return { app: running, lines, stop, stopped };
}

const sends = (slack: FakeSlack, channel: string) =>
  slack.callsOf('chat.postMessage').filter((c) => c.body.channel === channel).length;
const logged = (lines: string[], event: string) => lines.filter((l) => l.includes(`"event":"${event}"`));
const found = (lines: string[]) => logged(lines, 'subscriptions.post_found').length > 0;

async function until(check: () => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

/** Subscribes, lets the first post be taken without an answer, and waits for `first` to stop. */
async function unansweredThenStopped(
  w: World,
  first: Awaited<ReturnType<typeof app>>,
  channel: string,
): Promise<number> {
  await subscribeJane(first.app.slack?.port as number, w.slack, channel);
  // Slack takes the post and cuts the connection: no answer, so it may have been posted.
  w.slack.stall('chat.postMessage', 1, { cutAfterMs: 50 });
  const r = w.sim.addRecording({ phone: JANE });
  await Promise.race([
    first.stopped,
    new Promise((_, reject) => setTimeout(() => reject(new Error('no post went unanswered')), 20_000)),
  ]);
  expect(w.slack.messagesIn(channel)).toHaveLength(1);
  expect(sends(w.slack, channel)).toBe(1);
  // It stopped before it looked for the post itself: what follows is the next process's doing.
  expect(logged(first.lines, 'subscriptions.post_found')).toHaveLength(0);
  return r.interactionId;
}

describe.concurrent('a post that got no answer, its process gone before it comes again', () => {
  it('SQLite: the restarted process reads the history and does not post it again', async ({
    onTestFinished,
  }) => {
    const w = await world(onTestFinished);
    const state = tempStatePath();
    onTestFinished(() => state.remove());
    const first = await app(w, { STATE_PATH: state.path }, true);
    onTestFinished(first.stop);
    const recording = await unansweredThenStopped(w, first, 'CDURABLE');

    const second = await app(w, { STATE_PATH: state.path });
    onTestFinished(second.stop);
    await until(() => found(second.lines) || sends(w.slack, 'CDURABLE') > 1, 15_000);
    await twoPollsLater(second);
    expect(sends(w.slack, 'CDURABLE')).toBe(1);
    expect(w.slack.messagesIn('CDURABLE')).toHaveLength(1);
    expect(logged(second.lines, 'subscriptions.post_found')[0]).toContain(`"recording":${recording}`);
  }, 60_000);

  it.skipIf(!redisUrl)(
    'Redis: the replica that takes the lease over reads the history and does not post it again',
    async ({ onTestFinished }) => {
      const w = await world(onTestFinished);
      const prefix = uniquePrefix('unanswered');
      onTestFinished(() => deletePrefix(redisUrl as string, prefix).then(() => undefined));
      const env = { REDIS_URL: redisUrl as string, REDIS_KEY_PREFIX: prefix, POLLER_LEASE_SECONDS: '2' };
      const holder = await app(w, env, true);
      onTestFinished(holder.stop);
      await until(() => logged(holder.lines, 'lease_acquired').length > 0, 10_000);
      expect(logged(holder.lines, 'lease_acquired')).toHaveLength(1);
      const other = await app(w, env);
      onTestFinished(other.stop);
      const recording = await unansweredThenStopped(w, holder, 'CTAKEOVER');

      // The holder's intent stays (the post may be in the channel): the other replica waits it
      // out (2 × lease + 10 s), then looks in the channel before it would send.
      await until(() => found(other.lines) || sends(w.slack, 'CTAKEOVER') > 1, 30_000);
      await twoPollsLater(other);
      expect(sends(w.slack, 'CTAKEOVER')).toBe(1);
      expect(w.slack.messagesIn('CTAKEOVER')).toHaveLength(1);
      expect(logged(other.lines, 'lease_acquired')).toHaveLength(1);
      expect(logged(other.lines, 'subscriptions.intent_abandoned')[0]).toContain(`"recording":${recording}`);
      expect(logged(other.lines, 'subscriptions.post_found')[0]).toContain(`"recording":${recording}`);
    },
    60_000,
  );
});
