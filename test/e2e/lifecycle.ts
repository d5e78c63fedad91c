/**
 * Slack's channel and app lifecycle events end to end, as a suite each state backend's file runs
 * (lifecycle-sqlite.test.ts, lifecycle-redis.test.ts: two files, so the backends run side by
 * side): signed Events API requests (each event shaped as Slack's event reference shows it) into
 * the real receiver, the real poller against the simulator, posts to the fake Slack Web API.
 * Then the post gate across a restart with a narrower channel allow list.
 *
 * The tests are independent of each other (a channel, or an app, of their own), and most of
 * their time is waiting for polls, so they run at once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { twoPollsLater } from '../helpers/polls.js';
import { tempStatePath } from '../helpers/state.js';

const JANE = FIXTURES.jane.phone;

/** Someone a channel follows: their number (for U1) and themselves (for U2). */
interface Person {
  personId: number;
  phone: string;
}

/**
 * People of the simulator's data with one number that is theirs alone: each test of the channel
 * suite follows one of them, so the recordings a test adds are news in its own channel only.
 */
function loners(dataset: Harness['sim']['dataset']): Person[] {
  const phones = dataset.endpoints.filter((e) => e.type === 'phone');
  const owners = new Map<string, number>();
  for (const e of phones) owners.set(e.endpoint, (owners.get(e.endpoint) ?? 0) + 1);
  const numbers = new Map<number, string[]>();
  for (const e of phones) numbers.set(e.personId, [...(numbers.get(e.personId) ?? []), e.endpoint]);
  return [...numbers]
    .filter(([, list]) => list.length === 1 && owners.get(list[0] as string) === 1)
    .map(([personId, [phone]]) => ({ personId, phone: phone as string }));
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where a suite's apps keep their state. */
export interface Backend {
  name: string;
  /** A place of its own for one app's state, or for several apps' given the same env. */
  place(): Place;
}

export interface Place {
  /** What the harness env needs to keep state there. */
  env: Record<string, string>;
  /** Removes what it holds (after its apps stopped). */
  remove(): Promise<void>;
}

const FAST = { SUBSCRIPTION_POLL_SECONDS: '1', SUBSCRIPTION_POST_INTERVAL_MS: '0' };

const postsIn = (h: Harness, channel: string) =>
  h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === channel);

async function command(h: Harness, text: string, channel: string, user = 'U1') {
  const { responseUrl } = await h.command(text, { channel_id: channel, user_id: user });
  return (await h.slack.responseAt(responseUrl)).body;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}

/** Subscribes U1 to the person's number and U2 to the person (Jane), then waits for one post of each. */
async function followed(
  h: Harness,
  channel: string,
  who: Person = { personId: FIXTURES.jane.personId, phone: JANE },
) {
  expect(String((await command(h, `subscribe +${who.phone}`, channel, 'U1')).text)).toContain('Subscribed');
  expect(String((await command(h, `subscribe person ${who.personId}`, channel, 'U2')).text)).toContain(
    'Subscribed',
  );
  const before = postsIn(h, channel).length;
  h.sim.addRecording({ phone: who.phone });
  await until(() => postsIn(h, channel).length >= before + 1);
}

/**
 * Posts an event with an id of its own: on Redis, event dedupe outlives an app, and each
 * harness numbers its events from 1.
 */
const send = (h: Harness, event: Record<string, unknown>) =>
  h.event(event, { eventId: `Ev${randomUUID().replace(/-/g, '')}` });

/** The log lines of `event` (the others are not parsed: the tests poll this while the app logs). */
const logged = (h: Harness, event: string) =>
  h.logLines
    .filter((l) => l.includes(`"event":"${event}"`))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.event === event);

const readyz = async (h: Harness) => {
  const res = await fetch(`${h.base}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/**
 * The three suites of one backend. They run at once, and so do the tests of each: a test has a
 * channel of its own (the channel suite shares one app) or an app of its own.
 */
export function describeLifecycle(backend: Backend): void {
  describe.concurrent(`channel lifecycle events (${backend.name})`, () => {
    let h: Harness;
    let people: Person[] = [];
    const place = backend.place();
    beforeAll(async () => {
      h = await startHarness({ ...FAST, ...place.env });
      people = loners(h.sim.dataset);
    });
    afterAll(async () => {
      await h?.stop();
      await place.remove();
    });
    /** Someone no other test of this suite follows. */
    const someone = (): Person => {
      const who = people.shift();
      if (!who) throw new Error('no one left to follow');
      return who;
    };

    const PAUSES = [
      {
        name: 'channel_shared',
        channel: 'CLSHARED',
        reason: 'shared_channel',
        event: (channel: string) => ({
          type: 'channel_shared',
          connected_team_id: 'E163Q94DX',
          channel,
          event_ts: '1561064063.001100',
        }),
      },
      {
        name: 'channel_archive',
        channel: 'CLARCHIVE',
        reason: 'is_archived',
        event: (channel: string) => ({
          type: 'channel_archive',
          channel,
          user: 'U1',
          is_moved: 0,
          event_ts: '1361482916.000003',
        }),
      },
      {
        name: 'group_archive',
        channel: 'GLARCHIVE',
        reason: 'is_archived',
        event: (channel: string) => ({ type: 'group_archive', channel, event_ts: '1361482916.000003' }),
      },
      {
        name: 'member_left_channel (the app)',
        channel: 'CLKICKED',
        reason: 'bot_removed',
        event: (channel: string) => ({
          type: 'member_left_channel',
          user: 'UBOT',
          channel,
          channel_type: 'C',
          team: 'T1',
        }),
      },
      {
        name: 'channel_left',
        channel: 'CLLEFT',
        reason: 'bot_removed',
        event: (channel: string) => ({
          type: 'channel_left',
          channel,
          actor_id: 'U1',
          event_ts: '1664827321.000300',
        }),
      },
      {
        name: 'group_left',
        channel: 'GLLEFT',
        reason: 'bot_removed',
        event: (channel: string) => ({
          type: 'group_left',
          channel,
          actor_id: 'U1',
          event_ts: '1664827321.000300',
        }),
      },
    ];

    it.each(PAUSES)(
      '$name pauses every subscription of the channel and tells each subscriber once by DM',
      async ({ channel, reason, event }) => {
        const who = someone();
        await followed(h, channel, who);
        // Each subscriber's DMs about this channel (the other tests pause channels of their own).
        const dms = () =>
          ['U1', 'U2'].map((u) =>
            postsIn(h, u).filter((c) => String(c.body.blocks).includes(`<#${channel}>`)),
          );
        expect(dms().map((d) => d.length)).toEqual([0, 0]);
        expect((await send(h, event(channel))).status).toBe(200);
        await until(async () => (await h.app.subscriptions.list(channel)).every((s) => s.paused));
        const subs = await h.app.subscriptions.list(channel);
        expect(subs.map((s) => s.paused?.reason)).toEqual([reason, reason]);
        // The same news again in another event: nothing new is paused, nobody told twice.
        await send(h, event(channel));
        const posted = postsIn(h, channel).length;
        h.sim.addRecording({ phone: who.phone });
        await twoPollsLater(h);
        expect(postsIn(h, channel)).toHaveLength(posted);
        for (const [i, user] of ['U1', 'U2'].entries()) {
          const told = dms()[i] ?? [];
          expect(told, `DMs to ${user}`).toHaveLength(1);
          expect(String(told[0]?.body.text)).toBe('Subscription paused');
        }
        const lines = logged(h, 'subscriptions.paused').filter((l) => l.channel === channel);
        expect(lines).toHaveLength(2);
        expect(lines.every((l) => l.level === 'warn' && l.reason === reason)).toBe(true);
      },
    );

    it('member_left_channel for someone else changes nothing', async () => {
      const who = someone();
      await followed(h, 'CLOTHERLEFT', who);
      await send(h, {
        type: 'member_left_channel',
        user: 'U7',
        channel: 'CLOTHERLEFT',
        channel_type: 'C',
        team: 'T1',
      });
      const before = postsIn(h, 'CLOTHERLEFT').length;
      h.sim.addRecording({ phone: who.phone });
      await until(() => postsIn(h, 'CLOTHERLEFT').length >= before + 1);
      expect((await h.app.subscriptions.list('CLOTHERLEFT')).every((s) => !s.paused)).toBe(true);
    });

    it('channel_shared marks the channel Slack Connect at once; channel_unshared resumes nothing, but a new subscribe can', async () => {
      const who = someone();
      await followed(h, 'CLCONNECT', who);
      await send(h, {
        type: 'channel_shared',
        connected_team_id: 'E163Q94DX',
        channel: 'CLCONNECT',
        event_ts: '1.1',
      });
      await until(async () => (await h.app.subscriptions.list('CLCONNECT')).every((s) => s.paused));
      // conversations.info (the fake) says not shared: the event is what the app goes by now.
      const refused = await command(h, `subscribe +${who.phone}`, 'CLCONNECT');
      expect(String(refused.text)).toContain('shared with another organisation');

      await send(h, {
        type: 'channel_unshared',
        previously_connected_team_id: 'E163Q94DX',
        channel: 'CLCONNECT',
        is_ext_shared: false,
        event_ts: '1.2',
      });
      await until(() => logged(h, 'slack.lifecycle').some((l) => l.type === 'channel_unshared'));
      expect(
        (await h.app.subscriptions.list('CLCONNECT')).every((s) => s.paused?.reason === 'shared_channel'),
      ).toBe(true);
      // Forgotten: conversations.info is asked again, says internal, and subscribing resumes.
      const resumed = await command(h, `subscribe +${who.phone}`, 'CLCONNECT');
      expect(String(resumed.text)).toContain('Subscribed');
      const before = postsIn(h, 'CLCONNECT').length;
      h.sim.addRecording({ phone: who.phone });
      await until(() => postsIn(h, 'CLCONNECT').length >= before + 1);
    });

    it('channel_unarchive resumes nothing: the subscriptions stay paused until /focus subscribe', async () => {
      const who = someone();
      await followed(h, 'CLUNARCHIVE', who);
      await send(h, { type: 'channel_archive', channel: 'CLUNARCHIVE', user: 'U1', event_ts: '1.1' });
      await until(async () => (await h.app.subscriptions.list('CLUNARCHIVE')).every((s) => s.paused));
      await send(h, { type: 'channel_unarchive', channel: 'CLUNARCHIVE', user: 'U1', event_ts: '1.2' });
      await until(() => logged(h, 'slack.lifecycle').some((l) => l.type === 'channel_unarchive'));
      const posted = postsIn(h, 'CLUNARCHIVE').length;
      h.sim.addRecording({ phone: who.phone });
      await twoPollsLater(h);
      expect(postsIn(h, 'CLUNARCHIVE')).toHaveLength(posted);
      expect((await h.app.subscriptions.list('CLUNARCHIVE')).map((s) => s.paused?.reason)).toEqual([
        'is_archived',
        'is_archived',
      ]);
    });

    it.each([
      ['channel_deleted', 'CLDELETED', { type: 'channel_deleted', channel: 'CLDELETED' }],
      [
        'group_deleted',
        'GLDELETED',
        {
          type: 'group_deleted',
          channel: 'GLDELETED',
          date_deleted: 1_700_000_000,
          actor_id: 'U1',
          event_ts: '1.1',
        },
      ],
    ])('%s removes every subscription of the channel', async (type, channel, event) => {
      const who = someone();
      await followed(h, channel, who);
      await send(h, event);
      await until(async () => (await h.app.subscriptions.list(channel)).length === 0);
      const posted = postsIn(h, channel).length;
      h.sim.addRecording({ phone: who.phone });
      await twoPollsLater(h);
      expect(postsIn(h, channel)).toHaveLength(posted);
      expect(logged(h, 'subscriptions.channel_removed')).toContainEqual(
        expect.objectContaining({
          channel,
          by: type,
          subscriptions: [expect.any(Number), expect.any(Number)],
        }),
      );
    });

    it('an event without a channel is logged, not a crash', async () => {
      expect((await send(h, { type: 'channel_archive', user: 'U1' })).status).toBe(200);
      await until(() => logged(h, 'slack.lifecycle_invalid').length > 0);
      expect((await readyz(h)).status).toBe(200);
    });
  });

  describe.concurrent(`the app uninstalled or its token revoked (${backend.name})`, () => {
    const CHANNEL = 'CLREVOKED';

    /**
     * Runs `test` with an app of its own (a revoked one stays revoked) following Jane in
     * CHANNEL, and stops it after.
     */
    async function withRevocable(test: (h: Harness) => Promise<void>): Promise<void> {
      const place = backend.place();
      let h: Harness | undefined;
      try {
        h = await startHarness({ ...FAST, ...place.env });
        await followed(h, CHANNEL);
        await test(h);
      } finally {
        await h?.stop();
        await place.remove();
      }
    }

    async function expectStopped(h: Harness, reason: string) {
      await until(async () => (await readyz(h)).status === 503);
      expect(await readyz(h)).toEqual({ status: 503, body: { status: 'slack_revoked', reason } });
      const all = h.slack.callsOf('chat.postMessage').length;
      h.sim.addRecording({ phone: JANE });
      // The poller has stopped: no poll to wait for, only three of its intervals.
      await sleep(3_000);
      expect(h.slack.callsOf('chat.postMessage')).toHaveLength(all);
      // Kept for a reinstall, not paused.
      const kept = await h.app.subscriptions.list(CHANNEL);
      expect(kept).toHaveLength(2);
      expect(kept.every((s) => s.paused === undefined)).toBe(true);
      expect(logged(h, 'slack.revoked')).toEqual([expect.objectContaining({ level: 'error', reason })]);
    }

    it('app_uninstalled: no more posts, /readyz 503 with the reason, subscriptions kept', () =>
      withRevocable(async (h) => {
        await send(h, { type: 'app_uninstalled' });
        await expectStopped(h, 'app_uninstalled');
      }));

    it('tokens_revoked naming the bot does the same; one naming only user tokens changes nothing', () =>
      withRevocable(async (h) => {
        await send(h, { type: 'tokens_revoked', tokens: { oauth: ['U1'] } });
        await until(() => logged(h, 'slack.tokens_revoked_ignored').length > 0);
        expect((await readyz(h)).status).toBe(200);
        await send(h, { type: 'tokens_revoked', tokens: { oauth: ['U1'], bot: ['UBOT'] } });
        await expectStopped(h, 'tokens_revoked');
      }));

    it.runIf(backend.name === 'SQLite').each(['token_revoked', 'account_inactive', 'invalid_auth'])(
      'chat.postMessage answered %s: stops the same way, and is not tried again at every poll',
      (code) =>
        withRevocable(async (h) => {
          h.slack.on('chat.postMessage', () => ({ ok: false, error: code }));
          h.sim.addRecording({ phone: JANE });
          await expectStopped(h, code);
          // One refused post (per subscription at most), not three tries per poll.
          const refused = h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === CHANNEL);
          expect(refused.length).toBeLessThanOrEqual(2 + 2);
        }),
    );
  });

  describe.concurrent(`the post gate across a restart (${backend.name})`, () => {
    it('a channel taken off ALLOWED_SLACK_CHANNEL_IDS: no more posts, one notice, shown paused, still listed and stoppable', async () => {
      const state = tempStatePath();
      const place = backend.place();
      const env = { ...FAST, ...place.env, STATE_PATH: state.path };
      try {
        const first = await startHarness({ ...env, ALLOWED_SLACK_CHANNEL_IDS: 'CLGATE,CLELSE' });
        try {
          expect(String((await command(first, `subscribe +${JANE}`, 'CLGATE')).text)).toContain('Subscribed');
          first.sim.addRecording({ phone: JANE });
          await until(() => postsIn(first, 'CLGATE').length >= 1);
        } finally {
          await first.stop();
        }

        const second = await startHarness({ ...env, ALLOWED_SLACK_CHANNEL_IDS: 'CLELSE' });
        try {
          second.sim.addRecording({ phone: JANE });
          await until(() => postsIn(second, 'U1').length >= 1);
          await twoPollsLater(second);
          expect(postsIn(second, 'CLGATE')).toHaveLength(0);
          const notices = postsIn(second, 'U1');
          expect(notices).toHaveLength(1);
          expect(String(notices[0]?.body.text)).toBe('Subscription paused');
          expect(JSON.stringify(notices[0]?.body.blocks)).toContain('no longer allows this channel');
          const [sub] = await second.app.subscriptions.list('CLGATE');
          expect(sub?.paused?.reason).toBe('channel_not_allowed');
          expect(logged(second, 'subscriptions.paused')).toEqual([
            expect.objectContaining({
              level: 'warn',
              channel: 'CLGATE',
              reason: 'channel_not_allowed',
              by: 'gate',
            }),
          ]);
          // The channel the policy refuses can still see and stop what it follows; not add to it.
          const list = await command(second, 'subscriptions', 'CLGATE');
          expect(JSON.stringify(list.blocks)).toContain('+44 7700 900123');
          expect(String((await command(second, `subscribe +${JANE}`, 'CLGATE')).text)).toContain(
            'not enabled',
          );
          const stopped = await command(second, 'unsubscribe all', 'CLGATE');
          expect(JSON.stringify(stopped.blocks)).toContain('unsubscribed this channel');
          expect(await second.app.subscriptions.list('CLGATE')).toEqual([]);
        } finally {
          await second.stop();
        }
      } finally {
        state.remove();
        await place.remove();
      }
    }, 40_000);
  });
}
