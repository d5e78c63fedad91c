/**
 * Who sees what, as one table: every surface × every kind of asker, through signed requests
 * into the real receiver, each cell the decision observed in the fake Slack (what kind of
 * answer, and who could see it). The drivers are keyed by surface, so a new surface does not
 * type-check until it has a row here.
 *
 * Askers: linked with the right (Jane: Admin), linked without it (the viewer: no
 * Recording.View), not linked, an external (Slack Connect) user, and an internal linked user
 * in a shared channel. Payload shapes as Slack publishes them (see test/fixtures/slack-events.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Surface } from '../../src/domain/interaction.js';
import { silentLogger } from '../../src/domain/logger.js';
import { FIXTURES } from '../../src/sandbox/index.js';
import { appHomeOpened, envelope, functionExecuted, imMessage } from '../fixtures/slack-events.js';
import { signSlackRequest } from '../helpers/fake-slack.js';
import { buttonPayload, type Harness, SECRET, startHarness } from '../helpers/harness.js';
import { pollsFinished } from '../helpers/polls.js';
import { sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';

const INTERNAL = 'CIN';
const SHARED = 'CSHARED';
const RECORDING = FIXTURES.jane.recordingIds[0] as number;
const PHONE = `+${FIXTURES.jane.phone2}`;

interface Who {
  user: string;
  channel: string;
  /** The user's own workspace, as the payload names it. */
  team: string;
}
const WHO = {
  withRight: { user: 'UJANE', channel: INTERNAL, team: 'T1' },
  withoutRight: { user: 'UVIEW', channel: INTERNAL, team: 'T1' },
  unlinked: { user: 'USTRANGER', channel: INTERNAL, team: 'T1' },
  external: { user: 'UEXT', channel: SHARED, team: 'TOTHER' },
  sharedChannel: { user: 'UJANE', channel: SHARED, team: 'T1' },
} satisfies Record<string, Who>;
type Asker = keyof typeof WHO;

/** What a card says: a full answer, one without recordings, only a missing right, a refusal. */
type Kind = 'full' | 'partial' | 'withheld' | 'refused';
/**
 * `kind@private` (the asker alone), `kind@channel` (the conversation), `kind@workflow` (a
 * workflow's outputs, which it may post anywhere), or `none`.
 */
type Decision = `${Kind}@${'private' | 'channel' | 'workflow'}` | 'none';

function classify(card: unknown): Kind {
  const text = JSON.stringify(card);
  if (/members of the organisation|not linked to an enabled|shared with another organisation/.test(text))
    return 'refused';
  if (text.includes('you need the Focus right')) return text.includes('Jane Smith') ? 'partial' : 'withheld';
  expect(text).toContain('Jane Smith');
  return 'full';
}

const settle = () => new Promise((r) => setTimeout(r, 400));

async function event(h: Harness, payload: Record<string, unknown>, shared: boolean) {
  await signed(h, envelope(payload, { is_ext_shared_channel: shared }));
}

async function signed(h: Harness, envelope: Record<string, unknown>) {
  const body = JSON.stringify(envelope);
  await h.post(body, { ...signSlackRequest(SECRET, body), 'content-type': 'application/json' });
}

/** The Web API calls `method` made after `from`, in `channel`, waited for briefly. */
async function newCalls(h: Harness, method: string, from: number, channel: string, expectOne: boolean) {
  if (expectOne)
    await h.slack.waitForCall(method, (c) => c.body.channel === channel && h.slack.calls.indexOf(c) >= from);
  else await settle();
  return h.slack.calls.slice(from).filter((c) => c.method === method && c.body.channel === channel);
}

/** A reply in the thread (the channel sees it) or one only the asker sees, after call `from`. */
async function threadOrAsker(
  h: Harness,
  from: number,
  channel: string,
  expected: Decision,
): Promise<Decision> {
  const [thread] = await newCalls(h, 'chat.postMessage', from, channel, expected.endsWith('@channel'));
  const [eph] = await newCalls(h, 'chat.postEphemeral', from, channel, expected.endsWith('@private'));
  if (thread) return `${classify(thread.body.blocks)}@channel`;
  return eph ? `${classify(eph.body.blocks ?? eph.body.text)}@private` : 'none';
}

/** Sends one interaction as `who`; resolves with the decision observed. `expect` says what to wait for. */
type Driver = (h: Harness, who: Who, expected: Decision) => Promise<Decision>;

async function viaResponseUrl(h: Harness, send: (url: string) => Promise<unknown>): Promise<Decision> {
  const url = h.slack.responseUrl();
  await send(url);
  const { body } = await h.slack.responseAt(url);
  return `${classify(body.blocks ?? body.text)}@${body.response_type === 'in_channel' ? 'channel' : 'private'}`;
}

function button(h: Harness, action: string, value: Record<string, unknown>, who: Who, url: string) {
  const payload = buttonPayload({ action_id: action, value: JSON.stringify(value) }, url, who.user);
  return h.action({
    ...payload,
    user: { id: who.user, username: 'x', team_id: who.team },
    channel: { id: who.channel, name: 'desk' },
  });
}

const DRIVERS: Record<Exclude<Surface, 'console'>, Record<string, Driver>> = {
  command: {
    command: (h, who) =>
      viaResponseUrl(h, (url) =>
        h.post(
          new URLSearchParams({
            command: '/focus',
            text: `recording ${RECORDING}`,
            user_id: who.user,
            channel_id: who.channel,
            team_id: who.team,
            response_url: url,
            trigger_id: '1.2.3',
          }).toString(),
        ),
      ),
  },
  button: {
    'More recordings': (h, who) =>
      viaResponseUrl(h, (url) => button(h, 'more_recordings', { c: `phone ${PHONE}`, p: 1 }, who, url)),
    'Share in channel': (h, who) =>
      viaResponseUrl(h, (url) =>
        button(h, 'share_in_channel', { c: `recording ${RECORDING}`, u: who.user }, who, url),
      ),
  },
  shortcut: {
    shortcut: async (h, who) => {
      const from = h.slack.callsOf('views.update').length;
      await h.action({
        type: 'message_action',
        callback_id: 'focus_lookup',
        trigger_id: `t-${from}`,
        response_url: h.slack.responseUrl(),
        team: { id: 'T1' },
        channel: { id: who.channel },
        user: { id: who.user, team_id: who.team },
        message_ts: '1.1',
        message: { type: 'message', ts: '1.1', text: `call ${PHONE}` },
      });
      const [update] = (await h.slack.waitForCalls('views.update', from + 1)).slice(-1);
      return `${classify(update?.body.view)}@private`;
    },
  },
  mention: {
    '@Focus': async (h, who, expected) => {
      const from = h.slack.calls.length;
      await event(
        h,
        {
          type: 'app_mention',
          user: who.user,
          user_team: who.team,
          text: `<@UBOT> recording ${RECORDING}`,
          ts: `${Date.now() / 1000}`,
          channel: who.channel,
        },
        who.channel === SHARED,
      );
      return threadOrAsker(h, from, who.channel, expected);
    },
    'watched channel': async (h, who, expected) => {
      const from = h.slack.calls.length;
      await event(
        h,
        {
          type: 'message',
          user: who.user,
          user_team: who.team,
          text: `who is ${PHONE}?`,
          ts: `${Date.now() / 1000}`,
          channel: who.channel,
          channel_type: 'channel',
        },
        who.channel === SHARED,
      );
      return threadOrAsker(h, from, who.channel, expected);
    },
  },
  subscription: {
    // A subscription made while its subscriber was allowed, then a new recording: the poller
    // decides again for the subscriber, in the channel, before it posts.
    'subscription post': async (h, who) => {
      const where = { channel: who.channel, team: 'T1', user: who.user };
      const target = { kind: 'phone' as const, phone: FIXTURES.jane.phone2, display: PHONE };
      await h.app.subscriptions.subscribe(target, where, silentLogger);
      const from = h.slack.calls.length;
      // A millisecond after the subscription: one made in the same millisecond is history.
      const recording = h.sim.addRecording({ phone: FIXTURES.jane.phone2, startsAt: Date.now() + 1 });
      const seen = () =>
        h.slack.calls
          .slice(from)
          .filter(
            (c) =>
              c.method === 'chat.postMessage' && [who.channel, who.user].includes(String(c.body.channel)),
          );
      // Until it posts, or the polls that would have posted have run (see twoPollsLater): on a
      // busy machine too, not for a fixed time.
      const polls = await pollsFinished(h);
      while (seen().length === 0 && (await pollsFinished(h)) < polls + 3)
        await new Promise((r) => setTimeout(r, 50));
      await h.app.subscriptions.unsubscribe('all', where, silentLogger);
      const [post] = seen();
      if (!post) return 'none';
      const text = JSON.stringify(post.body);
      const seenIn = post.body.channel === who.channel ? 'channel' : 'private';
      if (text.includes(`New recording ${recording.interactionId}`)) return `full@${seenIn}`;
      expect(text).toContain('stopped posting');
      return `refused@${seenIn}`;
    },
  },
  home: {
    // A lookup first, so the Home tab has something of Focus to show (its recent lookups) or withhold.
    'Home tab': async (h, who) => {
      await DRIVERS.command.command?.(h, { ...who }, 'none');
      // The lookup is kept after its answer is sent, not before (on Redis a round trip later, or
      // several when the machine is busy): the Home tab is opened again until it shows one.
      const until = Date.now() + 15_000;
      for (;;) {
        const from = h.slack.calls.length;
        await signed(h, appHomeOpened(who.user, `D${who.user}`));
        const view = await h.slack.publishedView(who.user, from);
        if (!JSON.stringify(view.blocks).includes('None in the last 24 hours') || Date.now() > until)
          return `${classify(view.blocks)}@private`;
        await settle();
      }
    },
  },
  dm: {
    DM: async (h, who) => {
      const from = h.slack.calls.length;
      const dm = `D${who.user}`;
      await signed(h, imMessage(who.user, dm, `recording ${RECORDING}`, {}, who.team));
      const [post] = await newCalls(h, 'chat.postMessage', from, dm, true);
      return post ? `${classify(post.body.blocks)}@private` : 'none';
    },
  },
  workflow: {
    'workflow step': async (h, who) => {
      const from = h.slack.calls.length;
      await signed(h, functionExecuted({ phone_number: PHONE, user_id: who.user }));
      const result = await h.slack.stepResult(from);
      if ('error' in result) return `${classify(result.error)}@workflow`;
      const outputs = result.outputs;
      expect(outputs.owner_name).toBe('Jane Smith');
      return `${outputs.latest_recording_url ? 'full' : 'partial'}@workflow`;
    },
  },
  unfurl: {
    unfurl: async (h, who, expected) => {
      const from = h.slack.calls.length;
      const url = `https://portal.focus.test/recordings/${RECORDING}?from=${from}`;
      await event(
        h,
        {
          type: 'link_shared',
          channel: who.channel,
          user: who.user,
          message_ts: `${Date.now() / 1000}`,
          links: [{ domain: 'portal.focus.test', url }],
        },
        who.channel === SHARED,
      );
      const [call] = await newCalls(h, 'chat.unfurl', from, who.channel, expected.endsWith('@channel'));
      const [eph] = await newCalls(h, 'chat.postEphemeral', from, who.channel, expected.endsWith('@private'));
      if (call) return `${classify(JSON.parse(String(call.body.unfurls)))}@channel`;
      return eph ? `${classify(eph.body.blocks)}@private` : 'none';
    },
  },
};

/** One row per asker: the decision of each way in, in the order of DRIVERS. */
type Table = Record<Asker, Decision[]>;
const WAYS = Object.values(DRIVERS).flatMap((d) => Object.entries(d));
const NAMES = WAYS.map(([name]) => name);

// Columns: command, More recordings, Share in channel, shortcut, @Focus, watched channel,
// subscription post, Home tab, DM, workflow step, unfurl. `refused@channel`: the channel is told
// the subscription stopped.
// biome-ignore format: a table
const LINKED_REQUIRED: Table = {
  withRight:     ['full@private',     'full@private',    'full@channel',    'full@private',    'full@channel',     'full@channel',    'full@channel',    'full@private',    'full@private',     'full@workflow',    'full@channel'],
  withoutRight:  ['withheld@private', 'partial@private', 'withheld@private', 'partial@private', 'withheld@private', 'partial@channel', 'refused@channel', 'partial@private', 'withheld@private', 'partial@workflow', 'none'],
  unlinked:      ['refused@private',  'refused@private', 'refused@private', 'refused@private', 'refused@private',  'none',            'refused@channel', 'refused@private', 'refused@private',  'refused@workflow', 'none'],
  external:      ['refused@private',  'refused@private', 'refused@private', 'refused@private', 'refused@private',  'refused@private', 'refused@channel', 'refused@private', 'refused@private',  'refused@workflow', 'refused@private'],
  sharedChannel: ['full@private',     'full@private',    'refused@private', 'full@private',    'full@private',     'full@private',    'refused@private', 'full@private',    'full@private',     'full@workflow',    'none'],
};
/** Linked users not required (everyone sees the service user's view), Slack Connect allowed. */
// biome-ignore format: a table
const CONNECT_ALLOWED: Partial<Table> = {
  unlinked:      ['full@private',     'full@private',    'full@channel',    'full@private',    'full@channel',     'full@channel',    'full@channel',    'full@private',    'full@private',     'full@workflow',    'full@channel'],
  external:      ['refused@private',  'refused@private', 'refused@private', 'refused@private', 'refused@private',  'refused@private', 'refused@channel', 'refused@private', 'refused@private',  'refused@workflow', 'refused@private'],
  sharedChannel: ['full@private',     'full@private',    'full@channel',    'full@private',    'full@channel',     'full@channel',    'full@channel',    'full@private',    'full@private',     'full@workflow',    'full@channel'],
};

const EMAILS: Record<string, string> = {
  UJANE: FIXTURES.users.jane.username,
  UVIEW: FIXTURES.users.viewer.username,
  USTRANGER: 'stranger@example.com',
  UEXT: 'someone@other.example',
};

async function startTable(env: Record<string, string>): Promise<Harness> {
  const h = await startHarness({
    WATCH_CHANNEL_IDS: `${INTERNAL},${SHARED}`,
    UNFURL_CONSENT: 'always',
    SUBSCRIPTION_POLL_SECONDS: '1',
    SUBSCRIPTION_POST_INTERVAL_MS: '0',
    ...env,
  });
  h.slack.on('users.info', (body) => ({
    user: {
      id: body.user,
      team_id: body.user === 'UEXT' ? 'TOTHER' : 'T1',
      profile: { email: EMAILS[String(body.user)] },
    },
  }));
  h.slack.on('conversations.info', (body) => ({
    channel: { id: body.channel, is_ext_shared: body.channel === SHARED },
  }));
  return h;
}

const redisUrl = sharedRedisUrl();
const onRedis = redisUrl
  ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: uniquePrefix('who-sees-what') }
  : undefined;

// The policies at once, each with an app of its own; the tests of one in order (they read its
// fake Slack's calls from a point on, and the audit test reads what the others logged).
describe.concurrent.each([
  [
    'linked users required, Slack Connect not allowed',
    { FOCUS_REQUIRE_LINKED_USER: 'true' },
    LINKED_REQUIRED,
  ],
  ['no linked users, Slack Connect allowed', { SLACK_CONNECT_ALLOWED: 'true' }, CONNECT_ALLOWED],
  ...(onRedis
    ? [
        [
          'linked users required, state on Redis',
          { FOCUS_REQUIRE_LINKED_USER: 'true', ...onRedis },
          LINKED_REQUIRED,
        ] as const,
      ]
    : []),
] as const)('who sees what: %s', (_, env, table: Partial<Table>) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startTable(env);
  });
  afterAll(() => h?.stop());

  it.sequential('has a column for every way in', () => {
    expect(NAMES).toHaveLength(11);
    for (const row of Object.values(table)) expect(row).toHaveLength(NAMES.length);
  });

  for (const [asker, row] of Object.entries(table) as Array<[Asker, Decision[]]>) {
    it.sequential(`${asker}: ${NAMES.map((n, i) => `${n} ${row[i]}`).join(', ')}`, async () => {
      const seen: Decision[] = [];
      for (const [i, [, drive]] of WAYS.entries()) seen.push(await drive(h, WHO[asker], row[i] as Decision));
      expect(Object.fromEntries(NAMES.map((n, i) => [n, seen[i]]))).toEqual(
        Object.fromEntries(NAMES.map((n, i) => [n, row[i]])),
      );
    });
  }

  it.sequential('tells an external user where nobody asked once a day per conversation, then says nothing', async () => {
    const watched = DRIVERS.mention['watched channel'] as Driver;
    const unfurl = DRIVERS.unfurl.unfurl as Driver;
    expect(await watched(h, WHO.external, 'none')).toBe('none');
    expect(await unfurl(h, WHO.external, 'none')).toBe('none');
  });

  it.sequential('audits every answer the conversation sees: who authorised it, where, which ids; never a number', () => {
    const audits = h.logLines.filter((l) => l.includes('"event":"audit"')).map((l) => JSON.parse(l));
    const public_ = audits.filter((a) => a.audience === 'channel');
    // Share, @Focus, the watched channel and the unfurl, for each asker allowed to post there.
    expect(public_.length).toBeGreaterThanOrEqual(4);
    for (const a of public_) {
      expect(a.authorisedBy).toBe(a.user ?? a.authorisedBy);
      expect(a.authorisedBy).toMatch(/^U/);
      expect(a.channel).toMatch(/^C/);
      expect([...(a.recordingIds ?? []), ...(a.personIds ?? [])].length).toBeGreaterThan(0);
    }
    expect(public_.some((a) => a.surface === 'unfurl' && a.recordingIds?.includes(RECORDING))).toBe(true);
    expect(public_.some((a) => a.kind === 'subscription_post' && a.subscription > 0)).toBe(true);
    const digits = FIXTURES.jane.phone2;
    expect(h.logLines.filter((l) => l.includes(digits))).toEqual([]);
  });
});
