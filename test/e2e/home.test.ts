/**
 * The App Home tab through the real receiver: `app_home_opened` events and `block_actions`
 * presses from the published view, shaped as Slack sends them (test/fixtures/slack-events.ts
 * names the sources), against the fake Slack Web API, which records every `views.publish`.
 * Linked users are required, so the link status and the rights a Resume needs are real.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/domain/actions.js';
import { decodeHome } from '../../src/domain/home.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { Subscription } from '../../src/domain/subscription.js';
import { FIXTURES } from '../../src/sandbox/index.js';
import { appHomeOpened, envelope, homeButton } from '../fixtures/slack-events.js';
import { type PublishedView, signSlackRequest } from '../helpers/fake-slack.js';
import { buttonPayload, buttonsOf, type Harness, SECRET, startHarness } from '../helpers/harness.js';

const JANE = 'UJANE';
const VIEWER = 'UVIEW';
const OTHER = 'UOTHER';
const EMAILS: Record<string, string> = {
  [JANE]: FIXTURES.users.jane.username,
  [VIEWER]: FIXTURES.users.viewer.username,
  [OTHER]: 'someone.else@example.com',
};
const PHONE2 = { kind: 'phone' as const, phone: FIXTURES.jane.phone2, display: '+44 7897 897897' };

let h: Harness;

/** Who is in which channel, as `users.conversations` tells the bot. */
const memberOf: Record<string, string[]> = { [JANE]: ['C1'], [VIEWER]: ['C1'] };

function slackDirectory(harness: Harness) {
  harness.slack.on('users.info', (body) => ({
    user: { id: body.user, team_id: 'T1', profile: { email: EMAILS[String(body.user)] } },
  }));
  harness.slack.on('users.conversations', (body) => ({
    channels: (memberOf[String(body.user)] ?? []).map((id) => ({ id })),
    response_metadata: { next_cursor: '' },
  }));
  harness.slack.on('conversations.info', (body) => ({ channel: { id: body.channel, is_ext_shared: false } }));
}

async function signed(harness: Harness, payload: Record<string, unknown>) {
  const body = JSON.stringify(payload);
  return harness.post(body, { ...signSlackRequest(SECRET, body), 'content-type': 'application/json' });
}

/** Opens the Home tab as `user`; resolves with the view published. */
async function openHome(user: string, harness = h): Promise<PublishedView> {
  const from = harness.slack.calls.length;
  expect((await signed(harness, appHomeOpened(user, `D${user}`))).status).toBe(200);
  return harness.slack.publishedView(user, from);
}

/** Presses a button of the view as `user`; resolves with the view published after it. */
async function press(view: PublishedView, button: { action_id: string; value?: string }, user: string) {
  const from = h.slack.calls.length;
  expect((await h.action(homeButton(view, button, user))).status).toBe(200);
  return h.slack.publishedView(user, from);
}

const text = (view: PublishedView) => JSON.stringify(view.blocks);
/** The buttons of one subscription (by id) on the view. */
const buttonsFor = (view: PublishedView, id: number) =>
  buttonsOf(view.blocks).filter((b) => decodeHome(b.value)?.s === id);
/** The section a header opens, as text. */
function part(view: PublishedView, title: string): string {
  const start = view.blocks.findIndex((b) => JSON.stringify(b).includes(`"text":"${title}"`));
  const end = view.blocks.findIndex((b, i) => i > start && b.type === 'divider');
  return JSON.stringify(view.blocks.slice(start, end < 0 ? undefined : end));
}

async function subscribe(user: string, channel: string, target: Subscription['target']) {
  const outcome = await h.app.subscriptions.subscribe(
    target.kind === 'phone' ? target : { kind: 'person', id: target.personId },
    { channel, team: 'T1', user },
    silentLogger,
  );
  if (outcome.status === 'refused') throw new Error(outcome.message);
  return outcome.subscription;
}

const postsIn = (channel: string, from: number) =>
  h.slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage' && c.body.channel === channel);

beforeAll(async () => {
  h = await startHarness({ FOCUS_REQUIRE_LINKED_USER: 'true', UNFURL_CONSENT: 'ask' });
  slackDirectory(h);
});
afterAll(async () => {
  await h?.stop();
});

describe('the Home tab', () => {
  let mine: Subscription;

  it('opening it publishes who you are in Focus, your subscriptions, the channel’s others, your masked recent lookups', async () => {
    mine = await subscribe(JANE, 'C1', PHONE2);
    await subscribe(OTHER, 'C1', { kind: 'person', personId: FIXTURES.accented.personId, name: '' });
    // Jane's too, in a channel she has left: what others follow there is not hers to see.
    await subscribe(JANE, 'C2', { kind: 'person', personId: FIXTURES.jane.personId, name: '' });
    await subscribe(OTHER, 'C2', { kind: 'person', personId: FIXTURES.emojiName.personId, name: '' });
    await h.command('+44 7700 900123', { user_id: JANE, channel_id: 'C1' });
    await h.slack.nextResponse();

    const view = await openHome(JANE);
    expect(view.type).toBe('home');
    const all = text(view);
    expect(all).toContain(`Linked to Focus portal user *${FIXTURES.users.jane.username}*`);
    expect(all).toContain('<#C1>');
    expect(all).toContain('+44 7897 897897');
    expect(buttonsFor(view, mine.id).map((b) => [b.text.text, b.action_id])).toEqual([
      ['Pause', ACTIONS.homePause],
      ['Unsubscribe', ACTIONS.homeUnsubscribe],
    ]);
    expect(all).toContain(`Also followed here: ${FIXTURES.accented.fullName}`);
    expect(all).toContain(`(by <@${OTHER}> since `);
    const channelLine = (channel: string) =>
      JSON.stringify(view.blocks.find((b) => JSON.stringify(b).includes(`*<#${channel}>*`)));
    expect(channelLine('C1')).toContain('Also followed here');
    expect(channelLine('C2')).toContain('<#C2>');
    expect(channelLine('C2')).not.toContain('Also followed here');
    expect(all).not.toContain(FIXTURES.emojiName.fullName);
    const recent = part(view, 'Your recent lookups');
    expect(recent).toContain('•••123: Jane Smith');
    expect(recent).not.toContain('900123');
    expect(all).toContain('Help');
  });

  it('the Messages tab publishes nothing', async () => {
    const from = h.slack.calls.length;
    await signed(h, appHomeOpened(JANE, `D${JANE}`, 'messages'));
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'views.publish')).toEqual([]);
  });

  it('Pause, then Resume: the channel is told each time and the tab is published again', async () => {
    const view = await openHome(JANE);
    const from = h.slack.calls.length;
    const paused = await press(view, buttonsFor(view, mine.id)[0] as never, JANE);
    expect(text(paused)).toContain('Paused +44 7897 897897 in <#C1>');
    expect(buttonsFor(paused, mine.id).map((b) => b.text.text)).toEqual(['Resume', 'Unsubscribe']);
    expect((await h.app.subscriptions.list('C1')).find((s) => s.id === mine.id)?.paused?.reason).toBe(
      'paused_by_subscriber',
    );
    expect(JSON.stringify(postsIn('C1', from))).toContain(`<@${JANE}> paused posting new recordings`);
    // The channel's list says why.
    const { responseUrl } = await h.command('subscriptions', { user_id: JANE, channel_id: 'C1' });
    expect(JSON.stringify((await h.slack.responseAt(responseUrl)).body)).toContain(
      'the subscriber paused it',
    );

    const resumed = await press(paused, buttonsFor(paused, mine.id)[0] as never, JANE);
    expect(text(resumed)).toContain('Resumed +44 7897 897897 in <#C1>');
    expect((await h.app.subscriptions.list('C1')).find((s) => s.id === mine.id)?.paused).toBeUndefined();
    expect(JSON.stringify(postsIn('C1', from))).toContain(`<@${JANE}> resumed posting new recordings`);
  });

  it('Resume is decided again: a subscriber who lost the right to see recordings is told, and it stays paused', async () => {
    // Made while the viewer could see recordings; paused since.
    const theirs = await subscribe(VIEWER, 'C1', {
      kind: 'phone',
      phone: FIXTURES.hostile.phone,
      display: '+44 20 7946 0958',
    });
    await h.app.subscriptions.change(
      'pause',
      theirs,
      { channel: 'C1', team: 'T1', user: VIEWER },
      silentLogger,
    );
    const view = await openHome(VIEWER);
    expect(text(view)).toContain('you need the Focus right *Recording.View*');
    const after = await press(view, buttonsFor(view, theirs.id)[0] as never, VIEWER);
    expect(text(after)).toContain('To resume it you need the Focus right *Recording.View*');
    expect((await h.app.subscriptions.list('C1')).find((s) => s.id === theirs.id)?.paused).toBeDefined();
  });

  it('a press on someone else’s subscription changes nothing; Unsubscribe on your own stops it', async () => {
    const view = await openHome(JANE);
    const stop = buttonsFor(view, mine.id)[1] as never;
    const refused = await press(view, stop, OTHER);
    expect(text(refused)).toContain('That subscription is gone, or it is not one you made.');
    expect((await h.app.subscriptions.list('C1')).some((s) => s.id === mine.id)).toBe(true);

    const from = h.slack.calls.length;
    const after = await press(view, stop, JANE);
    expect(text(after)).toContain('Unsubscribed +44 7897 897897 in <#C1>');
    expect(buttonsFor(after, mine.id)).toEqual([]);
    expect((await h.app.subscriptions.list('C1')).some((s) => s.id === mine.id)).toBe(false);
    expect(JSON.stringify(postsIn('C1', from))).toContain(`<@${JANE}> unsubscribed this channel from`);
  });

  it('a kept “Always in this channel” is listed, and Forget drops it', async () => {
    // The consent prompt's Always button, as a pasted link brings it.
    const url = `https://portal.focus.test/recordings/${FIXTURES.jane.recordingIds[0]}`;
    const from = h.slack.calls.length;
    await signed(
      h,
      envelope({
        type: 'link_shared',
        channel: 'C1',
        is_bot_user_member: true,
        user: JANE,
        message_ts: '1700000000.000100',
        unfurl_id: 'C1.1700000000.000100.x',
        source: 'conversations_history',
        links: [{ domain: 'portal.focus.test', url }],
        event_ts: '1700000000.000100',
      }),
    );
    const prompt = await h.slack.waitForCall(
      'chat.postEphemeral',
      (c) => c.body.user === JANE && h.slack.calls.indexOf(c) >= from,
    );
    const always = buttonsOf(JSON.parse(String(prompt.body.blocks))).find(
      (b) => b.action_id === ACTIONS.consentAlways,
    );
    await h.action({ ...buttonPayload(always as never, h.slack.responseUrl(), JANE), channel: { id: 'C1' } });
    await h.slack.nextResponse();

    const view = await openHome(JANE);
    expect(part(view, 'Link previews')).toContain('<#C1>: links you paste are previewed at once');
    const forget = buttonsOf(view.blocks).find((b) => b.action_id === ACTIONS.homeForget);
    expect(decodeHome(forget?.value)).toEqual({ ch: 'C1' });
    const after = await press(view, forget as never, JANE);
    expect(text(after)).toContain('Links you paste in <#C1> will be previewed only after you say so again.');
    expect(part(after, 'Link previews')).toContain('You have not chosen “Always in this channel” anywhere.');
    const { responseUrl } = await h.command('previews', { user_id: JANE, channel_id: 'C1' });
    expect(JSON.stringify((await h.slack.responseAt(responseUrl)).body)).not.toContain(
      'previewed without asking you',
    );
  });

  it('pages through more subscriptions than a page holds', async () => {
    const many = 'UMANY';
    EMAILS[many] = FIXTURES.users.jane.username;
    for (let i = 0; i < 16; i++)
      await subscribe(many, `CP${i}`, { kind: 'phone', phone: `44790000${String(1000 + i)}`, display: '' });
    const first = await openHome(many);
    expect(text(first)).toContain('Subscriptions 1–15 of 16');
    const next = buttonsOf(first.blocks).find((b) => b.text.text === 'Next');
    const second = await press(first, next as never, many);
    expect(text(second)).toContain('Subscriptions 16–16 of 16');
    expect(buttonsOf(second.blocks).map((b) => b.text.text)).toContain('Previous');
    // A press on page 2 keeps page 2.
    const pause = buttonsOf(second.blocks).find((b) => b.action_id === ACTIONS.homePause);
    expect(text(await press(second, pause as never, many))).toContain('Subscriptions 16–16 of 16');
  });

  it('a forged button value gets a friendly notice, not an action', async () => {
    const view = await openHome(JANE);
    const after = await press(
      view,
      { action_id: ACTIONS.homeUnsubscribe, value: '{"s":"<!channel>"}' },
      JANE,
    );
    expect(text(after)).toContain('That button no longer works');
  });
});

describe('the Home tab, configured down', () => {
  let quiet: Harness;
  beforeAll(async () => {
    quiet = await startHarness({
      FOCUS_REQUIRE_LINKED_USER: 'true',
      HOME_RECENT_LOOKUPS: 'false',
      ALLOWED_SLACK_CHANNEL_IDS: 'C1',
    });
    slackDirectory(quiet);
  });
  afterAll(async () => {
    await quiet?.stop();
  });

  it('HOME_RECENT_LOOKUPS=false keeps none; outside the allowed channels it says where Focus answers', async () => {
    await quiet.command('+44 7700 900123', { user_id: JANE, channel_id: 'C1' });
    expect(JSON.stringify((await quiet.slack.nextResponse()).body)).toContain('Jane Smith');
    const view = await openHome(JANE, quiet);
    const all = JSON.stringify(view.blocks);
    expect(all).toContain('Recent lookups are not kept here.');
    expect(all).not.toContain('•••123');
    // The app's DM is not on ALLOWED_SLACK_CHANNEL_IDS: no Focus data here, but what you set up is.
    expect(all).toContain('answers only in the channels it is enabled in');
    expect(all).toContain('Your subscriptions');
  });
});
