/** Access control on every surface, through the real receiver. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { buttonPayload, type Harness, startHarness } from '../helpers/harness.js';

const linkShared = (channel: string, user: string, url: string) => ({
  type: 'link_shared',
  channel,
  user,
  message_ts: `${Date.now() / 1000}`,
  event_ts: '1.1',
  links: [{ domain: 'portal.focus.test', url }],
});
const recordingUrl = (i: number) => `https://portal.focus.test/recordings/${FIXTURES.jane.recordingIds[i]}`;
const settle = () => new Promise((r) => setTimeout(r, 300));

describe('allow lists', () => {
  let h: Harness;
  beforeAll(async () => {
    // Previews at once (no consent prompt): this file is about who may see them.
    h = await startHarness({
      ALLOWED_SLACK_USER_IDS: 'UOK,UOK2',
      ALLOWED_SLACK_CHANNEL_IDS: 'COK',
      UNFURL_CONSENT: 'always',
    });
    h.slack.on('conversations.info', (body) => ({ channel: { id: body.channel } }));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('slash command: an unlisted user and an unlisted channel get a friendly explanation', async () => {
    await h.command('+44 7897 897897', { user_id: 'UNOPE', channel_id: 'COK' });
    const user = await h.slack.nextResponse();
    expect(user.body.response_type).toBe('ephemeral');
    expect(String(user.body.text)).toContain('ALLOWED_SLACK_USER_IDS');
    expect(JSON.stringify(user.body)).not.toContain('Jane Smith');
    await h.command('+44 7897 897897', { user_id: 'UOK', channel_id: 'CNOPE' });
    expect(String((await h.slack.nextResponse()).body.text)).toContain('not enabled in this conversation');
    await h.command('+44 7897 897897', { user_id: 'UOK', channel_id: 'COK' });
    expect(JSON.stringify((await h.slack.nextResponse()).body.blocks)).toContain('Jane Smith');
    const denials = h.logLines.filter((l) => l.includes('"access.denied"'));
    expect(denials.length).toBeGreaterThanOrEqual(2);
    expect(denials.some((l) => l.includes('user_not_allowed'))).toBe(true);
  });

  it('buttons: a card allowed to one user is not usable by another', async () => {
    const value = JSON.stringify({ c: `phone +${FIXTURES.jane.phone}`, p: 2 });
    await h.action(buttonPayload({ action_id: 'more_recordings', value }, h.slack.responseUrl(), 'UNOPE'));
    const answer = await h.slack.nextResponse();
    expect(String(answer.body.text)).toContain('ALLOWED_SLACK_USER_IDS');
    expect(answer.body.replace_original).toBe(false);
  });

  it('message shortcut: the modal explains instead of answering', async () => {
    const updates = h.slack.callsOf('views.update').length;
    await h.action({
      type: 'message_action',
      callback_id: 'focus_lookup',
      trigger_id: 't1',
      response_url: h.slack.responseUrl(),
      team: { id: 'T1' },
      channel: { id: 'COK' },
      user: { id: 'UNOPE' },
      message_ts: '1.1',
      message: { type: 'message', ts: '1.1', text: 'call +44 7897 897897' },
    });
    const [update] = (await h.slack.waitForCalls('views.update', updates + 1)).slice(-1);
    const view = String(update?.body.view);
    expect(view).toContain('ALLOWED_SLACK_USER_IDS');
    expect(view).not.toContain('Jane Smith');
  });

  it('unfurls: no preview for an unlisted user or channel', async () => {
    const before = h.slack.callsOf('chat.unfurl').length;
    await h.event(linkShared('COK', 'UNOPE', recordingUrl(0)));
    await h.event(linkShared('CNOPE', 'UOK', recordingUrl(1)));
    await settle();
    expect(h.slack.callsOf('chat.unfurl')).toHaveLength(before);
    await h.event(linkShared('COK', 'UOK', recordingUrl(2)));
    await h.slack.waitForCalls('chat.unfurl', before + 1);
  });

  it('mentions: an ephemeral explanation, no card in the thread', async () => {
    const posts = h.slack.callsOf('chat.postMessage').length;
    const ephemerals = h.slack.callsOf('chat.postEphemeral').length;
    await h.event({
      type: 'app_mention',
      user: 'UNOPE',
      text: '<@UBOT> +44 7897 897897',
      ts: '2.1',
      channel: 'COK',
    });
    const [eph] = (await h.slack.waitForCalls('chat.postEphemeral', ephemerals + 1)).slice(-1);
    expect(eph?.body.user).toBe('UNOPE');
    expect(String(eph?.body.text)).toContain('ALLOWED_SLACK_USER_IDS');
    await settle();
    expect(h.slack.callsOf('chat.postMessage')).toHaveLength(posts);
  });

  it('counts denials in /metrics', async () => {
    const text = await (await fetch(`${h.base}/metrics`)).text();
    expect(text).toMatch(/focus_slack_denials_total\{surface="command",reason="user_not_allowed"\} [1-9]/);
    expect(text).toMatch(/focus_slack_denials_total\{surface="unfurl",reason="channel_not_allowed"\} [1-9]/);
  });
});

describe('FOCUS_REQUIRE_LINKED_USER', () => {
  let h: Harness;
  const emails: Record<string, string | undefined> = {
    UJANE: FIXTURES.users.jane.username,
    UGONE: FIXTURES.users.disabled.username,
    USTRANGER: 'stranger@example.com',
    UNOMAIL: undefined,
  };
  beforeAll(async () => {
    h = await startHarness({ FOCUS_REQUIRE_LINKED_USER: 'true' });
    h.slack.on('users.info', (body) => ({
      user: { id: body.user, profile: { email: emails[String(body.user)] } },
    }));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('lets an enabled Focus portal user in, and asks users.info only once', async () => {
    await h.command(`+${FIXTURES.jane.phone2}`, { user_id: 'UJANE' });
    expect(JSON.stringify((await h.slack.nextResponse()).body.blocks)).toContain('Jane Smith');
    await h.command(`+${FIXTURES.jane.phone2}`, { user_id: 'UJANE' });
    await h.slack.nextResponse();
    expect(h.slack.callsOf('users.info').filter((c) => c.body.user === 'UJANE')).toHaveLength(1);
  });

  it.each([
    ['UGONE', 'not linked to an enabled Focus portal user'],
    ['USTRANGER', 'not linked to an enabled Focus portal user'],
    ['UNOMAIL', 'could not read the email address'],
  ])('denies %s with an explanation of how to get access', async (user, message) => {
    await h.command(`+${FIXTURES.jane.phone2}`, { user_id: user });
    const answer = await h.slack.nextResponse();
    expect(String(answer.body.text)).toContain(message);
    expect(JSON.stringify(answer.body)).not.toContain('Jane Smith');
  });
});
