/**
 * Channel subscriptions end to end: signed slash commands into the real receiver, the real
 * poller against the simulator (which adds recordings as the test asks), posts to the fake
 * Slack Web API, state in a real SQLite file.
 *
 * The tests of delivery have an app each (a Focus outage, a rate-limited or refusing Slack, the
 * subscription ids touch no other test) and mostly wait for polls, so they run at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { pollsLater, twoPollsLater } from '../helpers/polls.js';

const JANE = FIXTURES.jane.phone;

async function startSubscriptionsApp(): Promise<Harness> {
  const h = await startHarness({
    SUBSCRIPTION_POLL_SECONDS: '1',
    SUBSCRIPTION_POST_INTERVAL_MS: '0',
    ALLOWED_SLACK_USER_IDS: 'U1,U2',
  });
  h.slack.on('conversations.info', (body) =>
    // A private channel the app is not in; one Slack cannot classify for another reason.
    body.channel === 'CPRIVATE'
      ? { ok: false, error: 'channel_not_found' }
      : body.channel === 'CUNKNOWN'
        ? { ok: false, error: 'missing_scope', needed: 'groups:read' }
        : { channel: { id: body.channel, is_ext_shared: body.channel === 'CSHARED' } },
  );
  // A command names no user's organisation: where the channel may be shared, Slack is asked who
  // the user is. They are of the app's own workspace.
  h.slack.on('users.info', (body) => ({ user: { id: body.user, team_id: 'T1' } }));
  return h;
}

/** Runs `test` with an app of its own, stopped after. */
async function withApp(test: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startSubscriptionsApp();
  try {
    await test(h);
  } finally {
    await h.stop();
  }
}

const postsIn = (h: Harness, channel: string) =>
  h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === channel);
const textsIn = (h: Harness, channel: string) => postsIn(h, channel).map((c) => String(c.body.text));
async function command(h: Harness, text: string, channel: string, user = 'U1') {
  const { responseUrl } = await h.command(text, { channel_id: channel, user_id: user });
  return (await h.slack.responseAt(responseUrl)).body;
}
/** Waits until `channel` has `count` posts (or the time runs out), then for polls that could post one twice. */
async function postsAfter(h: Harness, channel: string, count: number, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (postsIn(h, channel).length < count && Date.now() < until)
    await new Promise((r) => setTimeout(r, 100));
  await twoPollsLater(h);
  return textsIn(h, channel);
}

describe.concurrent('subscribe, deliver, unsubscribe', () => {
  it('posts each new recording of a followed number once, then stops after unsubscribe', () =>
    withApp(async (h) => {
      const reply = await command(h, `subscribe +${JANE}`, 'CSUB1');
      expect(reply.response_type).toBe('in_channel');
      expect(String(reply.text)).toContain('Subscribed to +44 7700 900123');
      expect(JSON.stringify(reply.blocks)).toContain('<@U1> subscribed this channel');

      const again = await command(h, `subscribe 07700 900123`, 'CSUB1');
      expect(again.response_type).toBe('ephemeral');
      expect(String(again.text)).toContain('Already subscribed');

      const a = h.sim.addRecording({ phone: JANE });
      const b = h.sim.addRecording({ phone: JANE, direction: 'outbound' });
      const texts = await postsAfter(h, 'CSUB1', 2);
      expect(texts).toHaveLength(2);
      expect(texts[0]).toContain(`New recording ${a.interactionId}`);
      expect(texts[1]).toContain(`New recording ${b.interactionId}`);

      const list = await command(h, 'subscriptions', 'CSUB1');
      expect(JSON.stringify(list.blocks)).toMatch(/1\. \+44 7700 900123 · by <@U1>/);

      const stopped = await command(h, 'unsubscribe 1', 'CSUB1');
      expect(stopped.response_type).toBe('in_channel');
      expect(JSON.stringify(stopped.blocks)).toContain('unsubscribed this channel from +44 7700 900123');
      h.sim.addRecording({ phone: JANE });
      await twoPollsLater(h);
      expect(textsIn(h, 'CSUB1')).toHaveLength(2);
    }));

  it('follows a person: recordings on any of their numbers', () =>
    withApp(async (h) => {
      const reply = await command(h, `subscribe person ${FIXTURES.jane.personId}`, 'CSUB2');
      expect(String(reply.text)).toContain('Subscribed to Jane Smith');
      const r = h.sim.addRecording({ phone: FIXTURES.jane.phone2 });
      const texts = await postsAfter(h, 'CSUB2', 1);
      expect(texts).toEqual([expect.stringContaining(`New recording ${r.interactionId} of Jane Smith`)]);
    }));

  it('after a Focus outage, delivers the backlog: the 10 newest and one "and N more" line', () =>
    withApp(async (h) => {
      await command(h, `subscribe +${JANE}`, 'CSUB3');
      h.sim.setFaults({ forceStatus: 503, forceEndpoints: ['recording.search'] });
      const since = Date.now();
      await new Promise((r) => setTimeout(r, 200));
      const failed = pollsLater(h, 1, 'failed');
      const added = Array.from({ length: 13 }, (_, i) =>
        h.sim.addRecording({ phone: JANE, startsAt: since + 10 * (i + 1) }),
      );
      await failed; // a poll of the outage: Focus answered 503 (after its retries)
      expect(postsIn(h, 'CSUB3')).toHaveLength(0);
      h.sim.setFaults({ forceStatus: undefined, forceEndpoints: undefined });
      const texts = await postsAfter(h, 'CSUB3', 11);
      expect(texts).toHaveLength(11);
      for (const r of added.slice(3))
        expect(texts.some((t) => t.includes(`New recording ${r.interactionId}`))).toBe(true);
      expect(texts.at(-1)).toContain('and 3 more new recordings');
    }));

  it('a Slack 429 on chat.postMessage delays posts but loses none', () =>
    withApp(async (h) => {
      await command(h, `subscribe +${JANE}`, 'CSUB4');
      h.slack.rateLimit('chat.postMessage', 2);
      const r = h.sim.addRecording({ phone: JANE });
      await h.slack.waitForCall('chat.postMessage', (c) => c.body.channel === 'CSUB4'); // answered 429
      h.slack.clearRateLimit('chat.postMessage');
      const texts = await postsAfter(h, 'CSUB4', 2);
      // Refused once (429), then taken: the same post, tried again after Retry-After.
      expect(texts.length).toBeGreaterThanOrEqual(2);
      expect(new Set(texts)).toEqual(new Set([expect.stringContaining(`New recording ${r.interactionId}`)]));
      expect(h.logLines.some((l) => l.includes('"event":"subscriptions.post_rate_limited"'))).toBe(true);
    }));

  it('a channel that takes no more posts pauses the subscription, tells the subscriber once, and shows it in the list and /metrics', () =>
    withApp(async (h) => {
      h.slack.on('chat.postMessage', (body) =>
        body.channel === 'CGONE' ? { ok: false, error: 'channel_not_found' } : { ts: '1.1' },
      );
      await command(h, `subscribe +${JANE}`, 'CGONE');
      h.sim.addRecording({ phone: JANE });
      const notice = await h.slack.waitForCall('chat.postMessage', (c) => c.body.channel === 'U1', 10_000);
      expect(String(notice.body.text)).toBe('Subscription paused');
      expect(JSON.stringify(notice.body.blocks)).toContain(
        'stopped posting new recordings of +44 7700 900123',
      );
      h.sim.addRecording({ phone: JANE });
      await twoPollsLater(h);
      // Paused: no further attempts in that channel, no second notice.
      expect(postsIn(h, 'CGONE').length).toBeLessThanOrEqual(2);
      expect(postsIn(h, 'U1')).toHaveLength(1);
      const list = await command(h, 'subscriptions', 'CGONE');
      expect(JSON.stringify(list.blocks)).toContain('paused: channel not found');
      const metrics = await (await fetch(`${h.base}/metrics`)).text();
      expect(metrics).toMatch(/focus_slack_subscription_posts_total\{result="stopped"\} [1-9]/);
      expect(metrics).toMatch(/focus_slack_subscription_polls_total\{result="ok"\} [1-9]/);
      expect(metrics).toContain('focus_slack_subscription_delivery_lag_seconds_bucket');
    }));
});

/** The refusals and limits: quick, on one app. */
let h: Harness;
beforeAll(async () => {
  h = await startSubscriptionsApp();
});
afterAll(async () => {
  await h?.stop();
});

describe('who and where may subscribe', () => {
  it.each([
    ['a DM', `subscribe +${JANE}`, 'D0123DM', 'U1', 'Subscriptions are for channels'],
    ['a Slack Connect channel', `subscribe +${JANE}`, 'CSHARED', 'U1', 'shared with another organisation'],
    ['a private channel the app is not in', `subscribe +${JANE}`, 'CPRIVATE', 'U1', '/invite @Focus'],
    [
      'a channel Slack cannot classify',
      `subscribe +${JANE}`,
      'CUNKNOWN',
      'U1',
      'shared with another organisation',
    ],
    ['a user the policy refuses', `subscribe +${JANE}`, 'CSUB5', 'UNOTALLOWED', 'not on the list'],
    [
      'a target that is not a number or person',
      'subscribe retention',
      'CSUB5',
      'U1',
      'phone number or a person',
    ],
  ])('refuses in %s, privately', async (_, text, channel, user, message) => {
    const reply = await command(h, text, channel, user);
    expect(reply.response_type).toBe('ephemeral');
    expect(String(reply.text)).toContain(message);
    expect(await command(h, 'subscriptions', channel === 'D0123DM' ? 'CSUB5' : channel, 'U2')).toMatchObject({
      text: expect.stringMatching(/No subscriptions|not on the list|shared with another/),
    });
  });
});

describe('limits', () => {
  it('a channel takes 50 subscriptions; the 51st is answered privately with what to do', async () => {
    const numbers = Array.from({ length: 51 }, (_, i) => `+44 7700 9${String(10_000 + i).slice(1)}`);
    const replies = await Promise.all(numbers.map((n) => command(h, `subscribe ${n}`, 'CLIMIT')));
    const added = replies.filter((r) => r.response_type === 'in_channel');
    const refused = replies.filter((r) => r.response_type === 'ephemeral');
    expect(added).toHaveLength(50);
    expect(refused).toHaveLength(1);
    expect(String(refused[0]?.text)).toContain('the most one channel can (50)');
    expect(JSON.stringify(refused[0]?.blocks)).toContain(':information_source:');
    await command(h, 'unsubscribe all', 'CLIMIT');
  }, 30_000);
});

describe('information is not a refusal', () => {
  it('nobody to subscribe to, or the wrong place, is information (no lock); a refusal keeps the lock', async () => {
    const icons = (reply: Record<string, unknown>) => JSON.stringify(reply.blocks).match(/:[a-z_]+:/g);
    const nobody = await command(h, 'subscribe person 999999', 'CSUB6');
    expect(String(nobody.text)).toContain('Focus has no person with id 999999');
    expect(icons(nobody)).toEqual([':information_source:']);
    expect(icons(await command(h, `subscribe +${JANE}`, 'D0123DM'))).toEqual([':information_source:']);
    expect(icons(await command(h, `subscribe +${JANE}`, 'CPRIVATE'))).toEqual([':information_source:']);
    expect(icons(await command(h, `subscribe +${JANE}`, 'CSHARED'))).toEqual([':lock:']);
    expect(icons(await command(h, `subscribe +${JANE}`, 'CSUB6', 'UNOTALLOWED'))).toEqual([':lock:']);
  });
});
