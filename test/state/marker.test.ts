/**
 * A store that lost its subscriptions says so: the app on a redis-server of its own (FLUSHALL
 * would empty the shared one under other tests), a subscription made through Slack, then
 * FLUSHALL: one `state.subscriptions_lost` error line, `/readyz` carries `"state":"subscriptions_lost"`
 * (still 200: lookups are served), and `/metrics` shows it. Until then, and on SQLite, nothing is said.
 * The two suites have an app each and wait for its marker checks, so they run at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { type RedisServer, redisCommand, redisServerInstalled, startRedisServer } from '../helpers/redis.js';

const until = async (check: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};
const readyz = async (h: Harness) => {
  const res = await fetch(`${h.base}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const lost = (h: Harness) => h.logLines.filter((l) => l.includes('"event":"state.subscriptions_lost"'));

describe
  .skipIf(!redisServerInstalled() && !process.env.CI)
  .concurrent('a store that lost its subscriptions', () => {
    let redis: RedisServer;
    let h: Harness;
    beforeAll(async () => {
      redis = await startRedisServer();
      h = await startHarness({
        REDIS_URL: redis.url,
        SUBSCRIPTION_POLL_SECONDS: '1',
        POLLER_LEASE_SECONDS: '2',
      });
      h.slack.on('conversations.info', (body) => ({ channel: { id: body.channel, is_ext_shared: false } }));
      h.slack.on('users.info', (body) => ({ user: { id: body.user, team_id: 'T1' } }));
    });
    afterAll(async () => {
      await h?.stop();
      await redis?.stop();
    });

    it('FLUSHALL on Redis: one error line, /readyz says so, /metrics shows it', async () => {
      const { responseUrl } = await h.command(`subscribe +${FIXTURES.jane.phone}`, {
        channel_id: 'CLOST',
        user_id: 'U1',
      });
      expect(String((await h.slack.responseAt(responseUrl)).body.text)).toContain('Subscribed');
      await new Promise((r) => setTimeout(r, 1_500));
      expect(await readyz(h)).toEqual({ status: 200, body: { status: 'ready' } });
      expect(lost(h)).toEqual([]);

      await redisCommand(redis.url, ['FLUSHALL']);
      await until(async () => (await readyz(h)).body.state === 'subscriptions_lost');
      expect(await readyz(h)).toEqual({
        status: 200,
        body: { status: 'ready', state: 'subscriptions_lost' },
      });
      await new Promise((r) => setTimeout(r, 2_500));
      expect(lost(h)).toHaveLength(1);
      expect(JSON.parse(lost(h)[0] as string)).toMatchObject({ level: 'error', marker: 'gone' });
      const metrics = await (await fetch(`${h.base}/metrics`)).text();
      expect(metrics).toMatch(/focus_slack_state_subscriptions_lost 1/);
    }, 30_000);
  });

describe.concurrent('a store that keeps them', () => {
  it('SQLite across polls: nothing is said, /readyz has no state', async () => {
    const h = await startHarness({ SUBSCRIPTION_POLL_SECONDS: '1' });
    try {
      await new Promise((r) => setTimeout(r, 2_500));
      expect(await readyz(h)).toEqual({ status: 200, body: { status: 'ready' } });
      expect(lost(h)).toEqual([]);
      expect(await (await fetch(`${h.base}/metrics`)).text()).toMatch(
        /focus_slack_state_subscriptions_lost 0/,
      );
    } finally {
      await h.stop();
    }
  }, 20_000);
});
