/**
 * Slack's own payload shapes (test/fixtures/slack-events.ts) through the real receiver: link
 * previews in DMs and group DMs, and what a watched channel answers (people's messages, file
 * shares, thread broadcasts, edits) and ignores (every bot).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import {
  appBotMessage,
  botMessage,
  fileShare,
  linkShared,
  messageChanged,
  messageChangedWithoutTs,
  personMessage,
  threadBroadcast,
} from '../fixtures/slack-events.js';
import { signSlackRequest } from '../helpers/fake-slack.js';
import { type Harness, SECRET, startHarness } from '../helpers/harness.js';

const WATCHED = 'CWATCH';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ WATCH_CHANNEL_IDS: WATCHED, UNFURL_CONSENT: 'always' });
  // A conversations.info that cannot classify DMs (no im:read), as before the fix.
  h.slack.on('conversations.info', (body) =>
    String(body.channel).startsWith('C')
      ? { channel: { id: body.channel, is_ext_shared: false } }
      : { ok: false, error: 'missing_scope', needed: 'im:read' },
  );
  // The person pasting is of the app's own workspace (asked only in conversations that may be shared).
  h.slack.on('users.info', (body) => ({ user: { id: body.user, team_id: 'T1' } }));
});
afterAll(async () => {
  await h?.stop();
});

async function send(payload: Record<string, unknown>) {
  const body = JSON.stringify(payload);
  return h.post(body, { ...signSlackRequest(SECRET, body), 'content-type': 'application/json' });
}
const settle = () => new Promise((r) => setTimeout(r, 400));
const portal = (id: number) => `https://portal.focus.test/recordings/${id}`;
const janeIntl = '+44 7700 900123';
const phone2Intl = '+44 7897 897897';

describe('link previews in DMs and group DMs', () => {
  it.each([
    ['a DM', 'D0442US94JD'],
    ['a group DM', 'G0123MPIM45'],
  ])(
    'unfurls a portal link in %s, deciding from the envelope without conversations.info',
    async (_, channel) => {
      const before = h.slack.callsOf('chat.unfurl').length;
      const infos = h.slack.callsOf('conversations.info').length;
      const url = portal(FIXTURES.jane.recordingIds[channel.startsWith('D') ? 1 : 2] as number);
      expect((await send(linkShared(channel, url, false))).status).toBe(200);
      const [call] = (await h.slack.waitForCalls('chat.unfurl', before + 1)).slice(-1);
      expect(call?.body.channel).toBe(channel);
      expect(Object.keys(JSON.parse(String(call?.body.unfurls)))).toEqual([url]);
      expect(h.slack.callsOf('conversations.info')).toHaveLength(infos);
    },
  );

  it('does not unfurl in a Slack Connect DM (the envelope says so)', async () => {
    const before = h.slack.callsOf('chat.unfurl').length;
    await send(linkShared('D0EXTERNAL1', portal(FIXTURES.jane.recordingIds[3] as number), true));
    await settle();
    expect(h.slack.callsOf('chat.unfurl')).toHaveLength(before);
    expect(h.logLines.join('\n')).toContain('"reason":"shared_channel"');
  });

  it('fails closed, saying why, when neither the envelope nor conversations.info can classify', async () => {
    const before = h.slack.callsOf('chat.unfurl').length;
    await send(linkShared('D0NOFLAG001', portal(FIXTURES.jane.recordingIds[4] as number), undefined));
    await settle();
    expect(h.slack.callsOf('chat.unfurl')).toHaveLength(before);
    const line = h.logLines.find((l) => l.includes('"event":"slack.channel_unclassified"'));
    expect(line).toContain('"reason":"missing_scope"');
    expect(line).toContain('"needed":"im:read"');
  });
});

describe('watched channels', () => {
  const posts = () => h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === WATCHED);

  it('answers a plain message with a number Focus knows, in its thread', async () => {
    const before = posts().length;
    await send(personMessage(WATCHED, `who is ${janeIntl}?`));
    await h.slack.waitForCall('chat.postMessage', (c) => c.body.channel === WATCHED);
    const [post] = posts().slice(before);
    expect(post?.body.thread_ts).toBe('1355517523.000777');
    expect(String(post?.body.text)).toContain('Jane Smith');
  });

  it.each([
    ['another integration (bot_message)', botMessage(WATCHED, `call ${janeIntl}`)],
    ['another app (bot_id, no subtype)', appBotMessage(WATCHED, `call ${janeIntl}`)],
  ])('ignores a message from %s', async (_, payload) => {
    const before = posts().length;
    expect((await send(payload)).status).toBe(200);
    await settle();
    expect(posts()).toHaveLength(before);
  });

  it.each([
    ['a file share', fileShare(WATCHED, `recording from ${janeIntl}`), '1670631527.874149'],
    ['a thread broadcast', threadBroadcast(WATCHED, `also ${janeIntl}`), '1673464730.703009'],
  ])('answers %s typed by a person, in the right thread', async (_, payload, thread) => {
    const before = posts().length;
    await send(payload);
    await h.slack.waitForCalls('chat.postMessage', h.slack.callsOf('chat.postMessage').length + 1);
    const added = posts().slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]?.body.thread_ts).toBe(thread);
  });

  it('answers an edit once, for the number it added only', async () => {
    const before = posts().length;
    await send(messageChanged(WATCHED, `call ${janeIntl}`, `call ${janeIntl} or ${phone2Intl}`));
    await h.slack.waitForCalls('chat.postMessage', h.slack.callsOf('chat.postMessage').length + 1);
    await settle();
    const added = posts().slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]?.body.thread_ts).toBe('1355517523.000005');
    // An edit that adds nothing new answers nothing.
    await send(
      messageChanged(WATCHED, `call ${janeIntl} or ${phone2Intl}`, `ring ${phone2Intl} or ${janeIntl}`),
    );
    await settle();
    expect(posts()).toHaveLength(before + 1);
  });

  it('answers an edit whose message has no ts (bolt-python’s shape), under the edited message', async () => {
    const before = posts().length;
    await send(messageChangedWithoutTs(WATCHED, 'call me', `call me on ${janeIntl}`));
    await h.slack.waitForCalls('chat.postMessage', h.slack.callsOf('chat.postMessage').length + 1);
    await settle();
    const added = posts().slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]?.body.thread_ts).toBe('1665102338.901939');
    expect(String(added[0]?.body.text)).toContain('Jane Smith');
  });
});
