/**
 * End-to-end smoke x every simulator profile: signed Slack requests to the real Bolt receiver,
 * the real app, and a Focus simulator behaving like each tenant profile. Every surface answers
 * with a sensible card whatever the tenant sends. One harness per profile; the tests of a
 * profile are independent of each other (each waits for its own answer), so they run at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, PROFILE_NAMES } from '../../src/sandbox/index.js';
import { type Harness, startHarness } from '../helpers/harness.js';

const portal = (kind: 'recordings' | 'people', id: number) => `https://portal.focus.test/${kind}/${id}`;
const parseJson = (value: unknown) => JSON.parse(String(value));

/** No card may show what the app failed to know: no "undefined", no empty placeholder fields. */
function expectSensible(json: string): void {
  expect(json).not.toMatch(/undefined|NaN|\[object Object\]/);
  expect(json).not.toMatch(/\*[A-Z][a-z]+\*\\n(—|unknown)/);
  expect(json).not.toContain('Something went wrong');
}

describe.concurrent.each(PROFILE_NAMES)('every surface against the %s profile', (profile) => {
  let h: Harness;
  let counter = 0;
  const unique = (prefix: string) => `${prefix}${profile.replace(/\W/g, '').toUpperCase()}${++counter}`;

  beforeAll(async () => {
    // A generous deadline: `slow` adds 300 ms a request, `rate-limited` waits out Retry-After.
    h = await startHarness({ FOCUS_TIMEOUT_MS: '15000', UNFURL_CONSENT: 'always' }, { profile });
    h.slack.on('conversations.info', (body) => ({ channel: { id: body.channel, is_ext_shared: false } }));
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Runs `/focus text` and resolves with the card's JSON. */
  async function command(text: string): Promise<string> {
    const { status, responseUrl } = await h.command(text);
    expect(status).toBe(200);
    const { body } = await h.slack.responseAt(responseUrl, 20_000);
    const json = JSON.stringify(body.blocks);
    expectSensible(json);
    return json;
  }

  it('phone lookup', async () => {
    const json = await command(`+${FIXTURES.jane.phone2}`);
    expect(json).toContain('Owner: *Jane Smith*');
    expect(json).toContain('+44 7897 897897');
    expect(json).toContain('Latest recordings');
    expect(json).toContain(portal('people', FIXTURES.jane.personId));
  });

  it('person by name, with her numbers and recordings', async () => {
    const json = await command('person jane smith');
    expect(json).toContain('👤 Jane Smith');
    expect(json).toContain('+44 7897 897897');
    expect(json).toContain(FIXTURES.jane.email);
    expect(json).toContain(`of ${FIXTURES.jane.recordingCount}`);
    expect(json).not.toContain('No recordings found');
  });

  it('recording, with who was on it and its comments', async () => {
    const json = await command(`recording ${FIXTURES.jane.recordingIds[0]}`);
    expect(json).toContain(`Recording ${FIXTURES.jane.recordingIds[0]}`);
    expect(json).toContain('Participants');
    expect(json).toContain('Jane Smith');
    expect(json).toContain('<!date^');
  });

  it('comments, paged', async () => {
    const json = await command(`comments ${FIXTURES.manyComments.recordingId} 2`);
    expect(json).toContain(`Comments 11–20 of ${FIXTURES.manyComments.commentCount}`);
  });

  it('portal user', async () => {
    const json = await command('user jane');
    expect(json).toContain(FIXTURES.users.jane.username);
  });

  it('retention groups', async () => {
    const json = await command('retention');
    expect(json).toContain('Retention groups');
    expect(json).toContain('*Default*');
  });

  it('link unfurl', async () => {
    const channel = unique('CUNFURL');
    const url = portal('recordings', FIXTURES.jane.recordingIds[1]);
    await h.event({
      type: 'link_shared',
      channel,
      user: 'U1',
      message_ts: `${Date.now() / 1000}`,
      event_ts: '1.1',
      links: [{ domain: 'portal.focus.test', url }],
    });
    const call = await h.slack.waitForCall('chat.unfurl', (c) => c.body.channel === channel, 20_000);
    const unfurls = parseJson(call.body.unfurls);
    const json = JSON.stringify(unfurls[url].blocks);
    expectSensible(json);
    expect(json).toContain(`Recording ${FIXTURES.jane.recordingIds[1]}`);
    expect(json).toContain('Jane Smith');
  });

  it('two links unfurl as compact cards', async () => {
    const channel = unique('CCOMPACT');
    const person = portal('people', FIXTURES.jane.personId);
    const recording = portal('recordings', FIXTURES.jane.recordingIds[2]);
    await h.event({
      type: 'link_shared',
      channel,
      user: 'U1',
      message_ts: `${Date.now() / 1000}`,
      event_ts: '1.1',
      links: [person, recording].map((url) => ({ domain: 'portal.focus.test', url })),
    });
    const call = await h.slack.waitForCall('chat.unfurl', (c) => c.body.channel === channel, 20_000);
    const unfurls = parseJson(call.body.unfurls);
    const personJson = JSON.stringify(unfurls[person].blocks);
    expectSensible(personJson);
    expect(personJson).toContain('Jane Smith');
    expect(personJson).toContain(`2 phone numbers · ${FIXTURES.jane.recordingCount} recordings`);
    const recordingJson = JSON.stringify(unfurls[recording].blocks);
    expectSensible(recordingJson);
    expect(recordingJson).toContain(`Recording ${FIXTURES.jane.recordingIds[2]}`);
  });

  it('message shortcut', async () => {
    const trigger = unique('trigger-');
    const text = `Call +${FIXTURES.jane.phone2} back about #${FIXTURES.manyComments.recordingId}`;
    const ack = await h.action({
      type: 'message_action',
      callback_id: 'focus_lookup',
      trigger_id: trigger,
      response_url: h.slack.responseUrl(),
      team: { id: 'T1', domain: 'acme' },
      channel: { id: 'C1', name: 'compliance' },
      user: { id: 'U1', name: 'alice' },
      message_ts: '1.1',
      message: { type: 'message', user: 'U2', ts: '1.1', text },
    });
    expect(ack.status).toBe(200);
    const update = await h.slack.waitForCall(
      'views.update',
      (c) => c.body.view_id === `V-${trigger}`,
      20_000,
    );
    const json = JSON.stringify(parseJson(update.body.view).blocks);
    expectSensible(json);
    expect(json).toContain('Jane Smith');
    expect(json).toContain(`Recording ${FIXTURES.manyComments.recordingId}`);
  });

  it('@mention answers in a thread', async () => {
    const channel = unique('CMENTION');
    await h.event({
      type: 'app_mention',
      user: 'U1',
      text: `<@UBOT> who is +${FIXTURES.sharedNumber.phone}?`,
      ts: '1700000000.000100',
      channel,
      event_ts: '1700000000.000100',
    });
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.body.channel === channel, 20_000);
    expect(post.body.thread_ts).toBe('1700000000.000100');
    const json = String(post.body.blocks);
    expectSensible(json);
    expect(json).toContain('Shared by 2 people');
    expect(json).toContain('Seán Murphy');
  });
});
