/**
 * Consent before a conversation sees a preview (UNFURL_CONSENT), through the real receiver:
 * link_shared events and block_actions presses shaped as Slack sends them
 * (https://docs.slack.dev/reference/events/link_shared,
 * https://docs.slack.dev/reference/interaction-payloads/block_actions-payload), against the fake
 * Slack Web API. The kept "always" is tested on the SQLite store (the default) and on Redis,
 * across a restart of the app.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { signSlackRequest } from '../helpers/fake-slack.js';
import { buttonsOf, type Harness, SECRET, startHarness } from '../helpers/harness.js';
import { deletePrefix, redisCommand, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { tempStatePath } from '../helpers/state.js';

const PASTER = 'UPASTER';
const OTHER = 'UOTHER';
const recording = (i: number) =>
  `https://portal.focus.test/recordings/${FIXTURES.jane.recordingIds[i] as number}`;
const person = (id: number) => `https://portal.focus.test/people/${id}`;
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));
let counter = 0;

/** A link_shared event of a posted message (not the composer). */
function linkShared(channel: string, user: string, urls: string[], extra: Record<string, unknown> = {}) {
  counter += 1;
  const ts = `${Math.floor(Date.now() / 1000)}.${String(counter).padStart(6, '0')}`;
  return {
    type: 'link_shared',
    channel,
    is_bot_user_member: true,
    user,
    message_ts: ts,
    unfurl_id: `${channel}.${ts}.1b90fa1278528ce6e2f6c5c2bfa1abc9`,
    source: 'conversations_history',
    links: urls.map((url) => ({ domain: 'portal.focus.test', url })),
    event_ts: ts,
    ...extra,
  };
}

/** A press of a button on the ephemeral prompt, as Slack sends it. */
function press(
  button: { action_id: string; value?: string },
  channel: string,
  user: string,
  responseUrl: string,
): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    container: { type: 'message', message_ts: '1.2', channel_id: channel, is_ephemeral: true },
    trigger_id: '1.2.3',
    team: { id: 'T1', domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'compliance' },
    state: { values: {} },
    response_url: responseUrl,
    actions: [
      {
        type: 'button',
        action_id: button.action_id,
        block_id: 'consent',
        text: { type: 'plain_text', text: 'Show', emoji: true },
        value: button.value,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** Conversations as `conversations.info` describes them to the bot. */
function conversations(h: Harness) {
  h.slack.on('conversations.info', (body) => {
    const channel = String(body.channel);
    if (channel === 'DSELF') return { channel: { id: channel, is_im: true, user: PASTER } };
    if (channel === 'DAPP') return { channel: { id: channel, is_im: true, user: 'UBOT' } };
    if (channel === 'DPEER') return { channel: { id: channel, is_im: true, user: OTHER } };
    if (channel === 'DFAIL') return { ok: false, error: 'missing_scope', needed: 'im:read' };
    return { channel: { id: channel, is_ext_shared: false } };
  });
}

/** The prompt posted to `user` in `channel` (the `count`-th such), with its buttons. */
async function promptFor(h: Harness, channel: string, user: string, count = 1) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const calls = h.slack
      .callsOf('chat.postEphemeral')
      .filter((c) => c.body.channel === channel && c.body.user === user);
    const call = calls[count - 1];
    if (call) {
      const blocks = JSON.parse(String(call.body.blocks));
      const buttons = buttonsOf(blocks);
      const by = (id: string) => {
        const b = buttons.find((x) => x.action_id === id);
        if (!b) throw new Error(`no ${id} button`);
        return b;
      };
      return {
        call,
        blocks,
        show: by('unfurl_consent_show'),
        notNow: by('unfurl_consent_not_now'),
        always: by('unfurl_consent_always'),
      };
    }
    if (Date.now() > deadline) throw new Error(`no prompt to ${user} in ${channel}`);
    await settle(10);
  }
}

const promptsTo = (h: Harness, channel: string, user: string) =>
  h.slack.callsOf('chat.postEphemeral').filter((c) => c.body.channel === channel && c.body.user === user)
    .length;
const unfurlsIn = (h: Harness, channel: string) =>
  h.slack.callsOf('chat.unfurl').filter((c) => c.body.channel === channel);
/** The unfurl audit lines so far: logged once chat.unfurl has answered, so after the fake saw the call. */
const audits = (h: Harness) =>
  h.logLines.map((l) => JSON.parse(l)).filter((l) => l.event === 'audit' && l.kind === 'unfurl');

/** Posts an event in an envelope with `extra` fields (e.g. `is_ext_shared_channel`), signed as Slack signs it. */
async function eventIn(h: Harness, event: Record<string, unknown>, extra: Record<string, unknown>) {
  counter += 1;
  const body = JSON.stringify({
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `EvConsent${counter}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
    ...extra,
  });
  expect(
    (await h.post(body, { ...signSlackRequest(SECRET, body), 'content-type': 'application/json' })).status,
  ).toBe(200);
}

/** Presses `button` as `user`; resolves with the answer posted to its response_url. */
async function pressAs(
  h: Harness,
  button: { action_id: string; value?: string },
  channel: string,
  user: string,
) {
  const url = h.slack.responseUrl();
  expect((await h.action(press(button, channel, user, url))).status).toBe(200);
  return (await h.slack.responseAt(url)).body;
}

describe('UNFURL_CONSENT=ask (the default)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    conversations(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('a paste in a channel makes a prompt to the paster, in the thread, and no chat.unfurl', async () => {
    const url = recording(1);
    await h.event(linkShared('CASK1', PASTER, [url], { thread_ts: '1700000000.000100' }));
    const prompt = await promptFor(h, 'CASK1', PASTER);
    expect(prompt.call.body.thread_ts).toBe('1700000000.000100');
    expect(String(prompt.call.body.text)).toBe(
      `Show a preview of recording ${FIXTURES.jane.recordingIds[1]} to <#CASK1>?`,
    );
    expect([prompt.show, prompt.notNow, prompt.always].map((b) => b.text.text)).toEqual([
      'Show',
      'Not now',
      'Always in this channel',
    ]);
    await settle();
    expect(h.slack.callsOf('chat.unfurl')).toHaveLength(0);
    expect(JSON.stringify(prompt.blocks)).not.toContain('Jane Smith');
  });

  it('Show unfurls once, on the message pasted; pressing again does not unfurl twice', async () => {
    const url = recording(2);
    const event = linkShared('CASK2', PASTER, [url]);
    await h.event(event);
    const { show } = await promptFor(h, 'CASK2', PASTER);
    const answer = await pressAs(h, show, 'CASK2', PASTER);
    expect(answer.replace_original).toBe(true);
    expect(String(answer.text)).toContain('Preview shown.');
    const [call] = unfurlsIn(h, 'CASK2');
    expect(call?.body.ts).toBe(event.message_ts);
    expect(Object.keys(JSON.parse(String(call?.body.unfurls)))).toEqual([url]);
    expect(audits(h).find((a) => a.channel === 'CASK2')).toMatchObject({
      authorisedBy: PASTER,
      consent: 'show',
      team: 'T1',
      recordingIds: [FIXTURES.jane.recordingIds[2]],
    });

    const again = await pressAs(h, show, 'CASK2', PASTER);
    expect(String(again.text)).toContain('already previewed');
    await settle();
    expect(unfurlsIn(h, 'CASK2')).toHaveLength(1);
  });

  it('two presses of Show at once (or on two replicas) unfurl once', async () => {
    await h.event(linkShared('CASK3', PASTER, [recording(3)]));
    const { show } = await promptFor(h, 'CASK3', PASTER);
    await Promise.all([pressAs(h, show, 'CASK3', PASTER), pressAs(h, show, 'CASK3', PASTER)]);
    await settle();
    expect(unfurlsIn(h, 'CASK3')).toHaveLength(1);
  });

  it('Not now unfurls nothing and replaces the prompt', async () => {
    await h.event(linkShared('CASK4', PASTER, [person(FIXTURES.jane.personId)]));
    const prompt = await promptFor(h, 'CASK4', PASTER);
    expect(String(prompt.call.body.text)).toBe(
      `Show a preview of person ${FIXTURES.jane.personId} to <#CASK4>?`,
    );
    const answer = await pressAs(h, prompt.notNow, 'CASK4', PASTER);
    expect(answer.replace_original).toBe(true);
    expect(String(answer.text)).toBe('No preview was shown.');
    await settle();
    expect(unfurlsIn(h, 'CASK4')).toHaveLength(0);
  });

  it('someone else pressing Show is refused, and nothing is unfurled', async () => {
    await h.event(linkShared('CASK5', PASTER, [recording(4)]));
    const { show } = await promptFor(h, 'CASK5', PASTER);
    const answer = await pressAs(h, show, 'CASK5', OTHER);
    expect(answer.replace_original).toBe(false);
    expect(String(answer.text)).toContain('Only the person who pasted the link');
    await settle();
    expect(unfurlsIn(h, 'CASK5')).toHaveLength(0);
  });

  it('a malformed or forged value gets a friendly answer and a warning, never a preview', async () => {
    const values = [
      'not json',
      '{"ch":"CASK6","ts":"1.2","u":"UPASTER","l":["https://elsewhere.test/recordings/1"]}',
      '{"ch":"<!channel>","ts":"1.2","u":"UPASTER","l":["https://portal.focus.test/recordings/1"]}',
      JSON.stringify({ ch: 'CASK6', ts: '1.2', u: PASTER, l: [recording(5)], x: 'y'.repeat(3000) }),
      '{"ch":"COTHER","ts":"1.2","u":"UPASTER","l":["https://portal.focus.test/recordings/1"]}',
    ];
    for (const value of values) {
      const answer = await pressAs(h, { action_id: 'unfurl_consent_show', value }, 'CASK6', PASTER);
      expect(String(answer.text)).toContain('That button no longer works');
    }
    expect(
      h.logLines.filter((l) => l.includes('"event":"slack.bad_action_value"')).length,
    ).toBeGreaterThanOrEqual(values.length);
    await settle();
    expect(unfurlsIn(h, 'CASK6')).toHaveLength(0);
    expect(unfurlsIn(h, 'COTHER')).toHaveLength(0);
  });

  it.each([
    ['a self-DM', 'DSELF'],
    ['the app’s Messages tab', 'DAPP'],
  ])('%s previews at once, without a prompt', async (_, channel) => {
    await h.event(linkShared(channel, PASTER, [recording(6)]));
    await h.slack.waitForCall('chat.unfurl', (c) => c.body.channel === channel);
    await settle(); // the audit line is written once Slack has answered the unfurl
    expect(promptsTo(h, channel, PASTER)).toBe(0);
    await expect
      .poll(() => audits(h).find((a) => a.channel === channel))
      .toMatchObject({
        consent: 'private',
        authorisedBy: PASTER,
      });
  });

  it.each([
    ['a DM with another person', 'DPEER'],
    ['a DM conversations.info cannot describe (fail closed)', 'DFAIL'],
    ['a group DM', 'GMPIM1'],
    ['a private channel', 'GPRIV1'],
  ])('%s asks', async (_, channel) => {
    // The envelope says it is not Slack Connect, so only the privacy rule asks conversations.info.
    await eventIn(h, linkShared(channel, PASTER, [recording(7)]), { is_ext_shared_channel: false });
    await promptFor(h, channel, PASTER);
    await settle();
    expect(unfurlsIn(h, channel)).toHaveLength(0);
  });

  it('counts prompts and answers in /metrics', async () => {
    const text = await (await fetch(`${h.base}/metrics`)).text();
    expect(text).toMatch(/focus_slack_unfurl_consent_total\{step="prompted"\} [1-9]/);
    expect(text).toMatch(/focus_slack_unfurl_consent_total\{step="show"\} [1-9]/);
    expect(text).toMatch(/focus_slack_unfurl_consent_total\{step="not_now"\} 1/);
    expect(text).toMatch(/focus_slack_unfurl_consent_total\{step="refused"\} 1/);
  });
});

describe('UNFURL_CONSENT=ask with composer previews possible (UNFURL_IN_SHARED_CHANNELS=true)', () => {
  it('a composer preview makes nothing and sets no memory, so the posted message prompts', async () => {
    const h = await startHarness({ UNFURL_IN_SHARED_CHANNELS: 'true' });
    try {
      conversations(h);
      const url = recording(8);
      await h.event(
        linkShared('COMPOSER', PASTER, [url], { source: 'composer', unfurl_id: 'Uabc', message_ts: 'Uxyz' }),
      );
      await settle();
      await h.event(linkShared('CASK7', PASTER, [url]));
      await promptFor(h, 'CASK7', PASTER);
      await settle();
      expect(h.slack.callsOf('chat.unfurl')).toHaveLength(0);
    } finally {
      await h.stop();
    }
  });
});

const redisUrl = sharedRedisUrl();
const stores: Array<[string, () => { env: Record<string, string>; cleanup(): Promise<void> } | undefined]> = [
  [
    'SQLite',
    () => {
      const state = tempStatePath();
      return { env: { STATE_PATH: state.path }, cleanup: async () => state.remove() };
    },
  ],
  [
    'Redis',
    () => {
      if (!redisUrl) return undefined;
      const prefix = uniquePrefix('consent');
      return {
        env: { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix },
        cleanup: async () => {
          await deletePrefix(redisUrl, prefix);
        },
      };
    },
  ],
];

describe.each(stores)('Always in this channel, kept in %s', (name, makeStore) => {
  const store = makeStore();
  let h: Harness | undefined;
  const start = async () => {
    if (!store) throw new Error('no store');
    h = await startHarness(store.env);
    conversations(h);
    return h;
  };
  afterAll(async () => {
    await h?.stop();
    await store?.cleanup();
  });

  // Events go out with ids of their own: the Redis store remembers event ids across the restart.
  it.skipIf(!store)(
    'unfurls now, previews the next paste at once (also after a restart), until forgotten',
    async () => {
      let app = await start();
      await eventIn(app, linkShared('CALW', PASTER, [recording(1)]), {});
      const { always } = await promptFor(app, 'CALW', PASTER);
      const answer = await pressAs(app, always, 'CALW', PASTER);
      expect(String(answer.text)).toContain('Preview shown.');
      expect(String(answer.text)).toContain('/focus previews forget');
      expect(unfurlsIn(app, 'CALW')).toHaveLength(1);
      expect(audits(app).find((a) => a.channel === 'CALW')).toMatchObject({
        consent: 'always_new',
        authorisedBy: PASTER,
      });
      if (name === 'Redis' && redisUrl) {
        const keys = (await redisCommand(redisUrl, [
          'KEYS',
          `${store?.env.REDIS_KEY_PREFIX}kv:consent:*`,
        ])) as string[];
        expect(keys).toEqual([`${store?.env.REDIS_KEY_PREFIX}kv:consent:T1:CALW:${PASTER}`]);
        const ttl = Number(await redisCommand(redisUrl, ['PTTL', keys[0] as string]));
        expect(ttl).toBeGreaterThan(364 * 86_400_000);
      }

      // The same store, a new process: the choice is still there.
      await app.stop();
      app = await start();
      await eventIn(app, linkShared('CALW', PASTER, [recording(2)]), {});
      await app.slack.waitForCall('chat.unfurl', (c) => c.body.channel === 'CALW');
      expect(promptsTo(app, 'CALW', PASTER)).toBe(0);
      await expect
        .poll(() => audits(app).find((a) => a.channel === 'CALW'))
        .toMatchObject({ consent: 'always_kept' });

      // Someone else in that channel, and the same person elsewhere, are still asked.
      await eventIn(app, linkShared('CALW', OTHER, [recording(3)]), {});
      await promptFor(app, 'CALW', OTHER);
      await eventIn(app, linkShared('CALW2', PASTER, [recording(3)]), {});
      await promptFor(app, 'CALW2', PASTER);
      expect(unfurlsIn(app, 'CALW')).toHaveLength(1);

      await app.command('previews', { channel_id: 'CALW', user_id: PASTER });
      expect(String((await app.slack.nextResponse()).body.text)).toContain(
        'You chose Always in this channel',
      );
      await app.command('previews forget', { channel_id: 'CALW', user_id: PASTER });
      expect(String((await app.slack.nextResponse()).body.text)).toContain('Forgotten');
      await app.command('previews', { channel_id: 'CALW', user_id: PASTER });
      expect(String((await app.slack.nextResponse()).body.text)).toContain('asks you before');

      await eventIn(app, linkShared('CALW', PASTER, [recording(4)]), {});
      await promptFor(app, 'CALW', PASTER);
      await settle();
      expect(unfurlsIn(app, 'CALW')).toHaveLength(1);
    },
    40_000,
  );
});

describe('UNFURL_CONSENT=always and never', () => {
  it('always: previews at once, as before, and audits it', async () => {
    const h = await startHarness({ UNFURL_CONSENT: 'always' });
    try {
      conversations(h);
      await h.event(linkShared('CALWAYS', PASTER, [recording(1)]));
      await h.slack.waitForCall('chat.unfurl', (c) => c.body.channel === 'CALWAYS');
      expect(h.slack.callsOf('chat.postEphemeral')).toHaveLength(0);
      await expect
        .poll(() => audits(h))
        .toEqual([
          expect.objectContaining({ consent: 'config_always', authorisedBy: PASTER, channel: 'CALWAYS' }),
        ]);
      expect(audits(h)[0]).not.toHaveProperty('personIds');
    } finally {
      await h.stop();
    }
  });

  it('never: no preview and no prompt, even in a self-DM', async () => {
    const h = await startHarness({ UNFURL_CONSENT: 'never' });
    try {
      conversations(h);
      await h.event(linkShared('CNEVER', PASTER, [recording(1)]));
      await h.event(linkShared('DSELF', PASTER, [recording(2)]));
      await settle(500);
      expect(h.slack.callsOf('chat.unfurl')).toHaveLength(0);
      expect(h.slack.callsOf('chat.postEphemeral')).toHaveLength(0);
      expect(h.logLines.filter((l) => l.includes('"reason":"consent_never"'))).toHaveLength(2);
    } finally {
      await h.stop();
    }
  });
});
