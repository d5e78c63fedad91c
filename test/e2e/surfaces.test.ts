import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { buttonPayload, buttonsOf, type Harness, startHarness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  // Previews at once: the consent prompt has its own tests (consent.test.ts).
  h = await startHarness({ UNFURL_CONSENT: 'always' });
  h.slack.on('conversations.info', (body) => ({
    channel: { id: body.channel, is_ext_shared: body.channel === 'CSHARED' },
  }));
});
afterAll(async () => {
  await h?.stop();
});

const portal = (kind: 'recordings' | 'people', id: number) => `https://portal.focus.test/${kind}/${id}`;
const parseJson = (value: unknown) => JSON.parse(String(value));

describe('buttons', () => {
  it('More recordings loads the next page in place', async () => {
    await h.command(`person ${FIXTURES.jane.personId}`);
    const first = await h.slack.nextResponse();
    const more = buttonsOf(first.body.blocks).find((b) => b.action_id === 'more_recordings');
    expect(more).toBeDefined();
    const responseUrl = h.slack.responseUrl();
    expect((await h.action(buttonPayload(more as never, responseUrl))).status).toBe(200);
    const second = await h.slack.nextResponse();
    expect(second.body.replace_original).toBe(true);
    expect(JSON.stringify(second.body.blocks)).toContain('Recordings 6–10');
  });

  it('Share in channel posts in_channel saying who shared it; only the asker may share', async () => {
    await h.command(`+${FIXTURES.jane.phone2}`, { user_id: 'UASKER' });
    const card = await h.slack.nextResponse();
    const share = buttonsOf(card.body.blocks).find((b) => b.action_id === 'share_in_channel');
    expect(share).toBeDefined();

    await h.action(buttonPayload(share as never, h.slack.responseUrl(), 'UOTHER'));
    const refused = await h.slack.nextResponse();
    expect(refused.body.response_type).toBe('ephemeral');
    expect(String(refused.body.text)).toContain('Only the person who ran this lookup');

    await h.action(buttonPayload(share as never, h.slack.responseUrl(), 'UASKER'));
    const shared = await h.slack.nextResponse();
    expect(shared.body.response_type).toBe('in_channel');
    const json = JSON.stringify(shared.body.blocks);
    expect(json).toContain('Shared by <@UASKER>');
    expect(json).toContain('Jane Smith');
    expect(buttonsOf(shared.body.blocks).map((b) => b.action_id)).not.toContain('share_in_channel');
  });

  it('Show comments opens the comments of a recording', async () => {
    await h.command(`recording ${FIXTURES.manyComments.recordingId}`);
    const card = await h.slack.nextResponse();
    const show = buttonsOf(card.body.blocks).find((b) => b.action_id === 'show_comments');
    expect(show).toBeDefined();
    await h.action(buttonPayload(show as never, h.slack.responseUrl()));
    const comments = await h.slack.nextResponse();
    expect(JSON.stringify(comments.body.blocks)).toContain('Comments 1–10 of 60');
  });

  it('a pick list button opens the chosen person', async () => {
    await h.command('person a');
    const list = await h.slack.nextResponse();
    const picks = buttonsOf(list.body.blocks).filter((b) => b.action_id.startsWith('pick_choice'));
    expect(picks.length).toBeGreaterThan(1);
    expect(picks.length).toBeLessThanOrEqual(10);
    const chosen = picks[0] as (typeof picks)[number];
    await h.action(buttonPayload(chosen, h.slack.responseUrl()));
    const person = await h.slack.nextResponse();
    expect(person.body.replace_original).toBe(true);
    expect(JSON.stringify(person.body.blocks)).toContain(chosen.text.text.split(' · ')[0]?.slice(0, 20));
  });

  it('a forged button value gets a friendly answer, not a lookup', async () => {
    await h.action(
      buttonPayload({ action_id: 'more_recordings', value: '{"c":"<!channel>"}' }, h.slack.responseUrl()),
    );
    const answer = await h.slack.nextResponse();
    expect(String(answer.body.text)).toContain('no longer works');
  });
});

describe('message shortcut', () => {
  const shortcut = (text: string) => ({
    type: 'message_action',
    callback_id: 'focus_lookup',
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
    response_url: h.slack.responseUrl(),
    team: { id: 'T1', domain: 'acme' },
    channel: { id: 'C1', name: 'compliance' },
    user: { id: 'U1', name: 'alice' },
    message_ts: '1.1',
    message: { type: 'message', user: 'U2', ts: '1.1', text },
  });

  it('opens a loading modal at once, then one card per finding', async () => {
    const opens = h.slack.callsOf('views.open').length;
    const updates = h.slack.callsOf('views.update').length;
    const text = `Call <tel:+${FIXTURES.jane.phone2}|+${FIXTURES.jane.phone2}> back about #${FIXTURES.jane.recordingIds[0]}, see ${portal('people', FIXTURES.accented.personId)} and ${FIXTURES.jane.email}; again +${FIXTURES.jane.phone2}`;
    expect((await h.action(shortcut(text))).status).toBe(200);
    const [open] = (await h.slack.waitForCalls('views.open', opens + 1)).slice(-1);
    expect(open?.body.trigger_id).toBe('13345224609.738474920.8088930838d88f008e0');
    expect(JSON.stringify(parseJson(open?.body.view))).toContain('Looking up');
    const [update] = (await h.slack.waitForCalls('views.update', updates + 1)).slice(-1);
    const view = parseJson(update?.body.view);
    const json = JSON.stringify(view.blocks);
    expect(json).toContain('Jane Smith');
    expect(json).toContain(`Recording ${FIXTURES.jane.recordingIds[0]}`);
    expect(json).toContain('Zoë Ó Súilleabháin');
    // The number appears twice in the message but is looked up once: 4 findings, 3 dividers.
    expect(view.blocks.filter((b: { type: string }) => b.type === 'divider')).toHaveLength(3);
  });

  it('says so when there is nothing to look up', async () => {
    const updates = h.slack.callsOf('views.update').length;
    await h.action(shortcut('lunch at noon?'));
    const [update] = (await h.slack.waitForCalls('views.update', updates + 1)).slice(-1);
    expect(JSON.stringify(parseJson(update?.body.view))).toContain('Nothing to look up');
  });
});

describe('link unfurls', () => {
  const linkShared = (channel: string, urls: string[], extra: Record<string, unknown> = {}) => ({
    type: 'link_shared',
    channel,
    user: 'U1',
    message_ts: `${Date.now() / 1000}`,
    event_ts: '1.1',
    links: urls.map((url) => ({ domain: 'portal.focus.test', url })),
    ...extra,
  });
  const unfurlsAfter = async (count: number) =>
    (await h.slack.waitForCalls('chat.unfurl', count)).slice(-1)[0];

  it('one link: a full card via chat.unfurl', async () => {
    const url = portal('recordings', FIXTURES.jane.recordingIds[1]);
    const before = h.slack.callsOf('chat.unfurl').length;
    await h.event(linkShared('C1', [url]));
    const call = await unfurlsAfter(before + 1);
    const unfurls = parseJson(call?.body.unfurls);
    expect(Object.keys(unfurls)).toEqual([url]);
    expect(JSON.stringify(unfurls[url].blocks)).toContain('Participants');
    expect(call?.body.channel).toBe('C1');
  });

  it('two links: compact cards; the same link in the same channel is not unfurled again', async () => {
    const a = portal('people', FIXTURES.jane.personId);
    const b = portal('recordings', FIXTURES.jane.recordingIds[2]);
    const before = h.slack.callsOf('chat.unfurl').length;
    await h.event(linkShared('C2', [a, b]));
    const call = await unfurlsAfter(before + 1);
    const unfurls = parseJson(call?.body.unfurls);
    expect(Object.keys(unfurls).sort()).toEqual([a, b].sort());
    expect(unfurls[a].blocks).toHaveLength(1);
    expect(JSON.stringify(unfurls[a].blocks)).toContain('Jane Smith');

    await h.event(linkShared('C2', [a]));
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.callsOf('chat.unfurl')).toHaveLength(before + 1);
  });

  it('two deliveries of one link racing (two events, as from two replicas): one preview', async () => {
    const url = portal('recordings', FIXTURES.jane.recordingIds[11] as number);
    const before = h.slack.callsOf('chat.unfurl').length;
    await Promise.all([h.event(linkShared('C5', [url])), h.event(linkShared('C5', [url]))]);
    await unfurlsAfter(before + 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.callsOf('chat.unfurl')).toHaveLength(before + 1);
  });

  it('three links or a Slack Connect channel: no unfurl; a retried delivery is answered once', async () => {
    const before = h.slack.callsOf('chat.unfurl').length;
    const urls = [1, 2, 3].map((i) => portal('recordings', FIXTURES.jane.recordingIds[i + 3] as number));
    await h.event(linkShared('C3', urls));
    await h.event(linkShared('CSHARED', [portal('recordings', FIXTURES.jane.recordingIds[8])]));
    const url = portal('recordings', FIXTURES.jane.recordingIds[9]);
    await h.event(linkShared('C4', [url]), { eventId: 'EvSAME' });
    await h.event(linkShared('C4', [url]), { eventId: 'EvSAME', retryNum: 1 });
    await unfurlsAfter(before + 1);
    await new Promise((r) => setTimeout(r, 300));
    const calls = h.slack.callsOf('chat.unfurl').slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body.channel).toBe('C4');
    expect(h.slack.callsOf('conversations.info').some((c) => c.body.channel === 'CSHARED')).toBe(true);
  });

  it('a composer preview is not unfurled (its channel cannot be checked); the posted message is', async () => {
    const url = portal('recordings', FIXTURES.jane.recordingIds[10]);
    const before = h.slack.callsOf('chat.unfurl').length;
    await h.event(
      linkShared('COMPOSER', [url], { source: 'composer', unfurl_id: 'Uabc', message_ts: 'Uxyz' }),
    );
    await h.event(linkShared('C5', [url], { source: 'conversations_history' }));
    const call = await unfurlsAfter(before + 1);
    expect(call?.body.channel).toBe('C5');
    await new Promise((r) => setTimeout(r, 200));
    expect(h.slack.callsOf('chat.unfurl')).toHaveLength(before + 1);
  });

  it('cannot_unfurl_url is handled quietly', async () => {
    h.slack.on('chat.unfurl', () => ({ ok: false, error: 'cannot_unfurl_url' }));
    const before = h.slack.callsOf('chat.unfurl').length;
    await h.event(linkShared('C6', [portal('people', FIXTURES.accented.personId)]));
    await h.slack.waitForCalls('chat.unfurl', before + 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.logLines.some((l) => l.includes('unfurl.refused'))).toBe(true);
    expect(h.logLines.some((l) => l.includes('slack.unfurl_failed'))).toBe(false);
    h.slack.on('chat.unfurl', () => ({}));
  });
});

describe('@Focus in a channel', () => {
  it('answers in a thread with the same card', async () => {
    const before = h.slack.callsOf('chat.postMessage').length;
    await h.event({
      type: 'app_mention',
      user: 'U1',
      text: `<@UBOT> who is +${FIXTURES.sharedNumber.phone}?`,
      ts: '1700000000.000100',
      channel: 'C7',
      event_ts: '1700000000.000100',
    });
    const [post] = (await h.slack.waitForCalls('chat.postMessage', before + 1)).slice(-1);
    expect(post?.body.channel).toBe('C7');
    expect(post?.body.thread_ts).toBe('1700000000.000100');
    const json = String(post?.body.blocks);
    expect(json).toContain('Shared by 2 people');
    expect(json).not.toContain('share_in_channel');
  });
});
