/**
 * Direct messages to the app (its Messages tab) and the Workflow Builder step, through the real
 * receiver: `message.im` and `function_executed` events shaped as Slack sends them
 * (test/fixtures/slack-events.ts names the sources), against the fake Slack Web API, which
 * records `chat.postMessage` and `functions.completeSuccess` / `completeError`.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FIXTURES } from '../../src/sandbox/index.js';
import { appBotMessage, envelope, functionExecuted, imMessage } from '../fixtures/slack-events.js';
import { signSlackRequest } from '../helpers/fake-slack.js';
import { buttonsOf, type Harness, SECRET, startHarness } from '../helpers/harness.js';

let h: Harness;
const DM = 'DJANE';
const settle = () => new Promise((r) => setTimeout(r, 400));

async function signed(payload: Record<string, unknown>, headers: Record<string, string> = {}) {
  const body = JSON.stringify(payload);
  return h.post(body, { ...signSlackRequest(SECRET, body), 'content-type': 'application/json', ...headers });
}

/** The app's posts after call `from`. */
const posts = (from: number) => h.slack.calls.slice(from).filter((c) => c.method === 'chat.postMessage');

beforeAll(async () => {
  h = await startHarness({ FOCUS_REQUIRE_LINKED_USER: 'true' });
  h.slack.on('users.info', (body) => ({
    user: {
      id: body.user,
      team_id: body.user === 'UEXT' ? 'TOTHER' : 'T1',
      profile: {
        email:
          body.user === 'UVIEW'
            ? FIXTURES.users.viewer.username
            : body.user === 'UJANE'
              ? FIXTURES.users.jane.username
              : 'x@y.z',
      },
    },
  }));
});
afterAll(async () => {
  await h?.stop();
});

describe('direct messages', () => {
  it('a message in the Messages tab is a /focus query, answered in that DM and nowhere else', async () => {
    const from = h.slack.calls.length;
    expect((await signed(imMessage('UJANE', DM, `person ${FIXTURES.jane.personId}`))).status).toBe(200);
    const reply = await h.slack.waitForCall('chat.postMessage', (c) => h.slack.calls.indexOf(c) >= from);
    expect(reply.body.channel).toBe(DM);
    expect(String(reply.body.blocks)).toContain('Jane Smith');
    // Paging works in a DM; sharing would post to the DM itself, so it is not offered.
    const buttons = buttonsOf(JSON.parse(String(reply.body.blocks))).map((b) => b.action_id);
    expect(buttons).toContain('more_recordings');
    expect(buttons).not.toContain('share_in_channel');
    await settle();
    expect(posts(from).map((c) => c.body.channel)).toEqual([DM]);
    expect(h.slack.calls.slice(from).filter((c) => c.method === 'chat.postEphemeral')).toEqual([]);
  });

  it('help, a leading /focus, and a subscription command (subscriptions are for channels)', async () => {
    let from = h.slack.calls.length;
    await signed(imMessage('UJANE', DM, 'help'));
    const help = await h.slack.waitForCall('chat.postMessage', (c) => h.slack.calls.indexOf(c) >= from);
    expect(String(help.body.text)).toContain('what you can look up');

    from = h.slack.calls.length;
    await signed(imMessage('UJANE', DM, `/focus recording ${FIXTURES.jane.recordingIds[0]}`));
    const card = await h.slack.waitForCall('chat.postMessage', (c) => h.slack.calls.indexOf(c) >= from);
    expect(String(card.body.text)).toBe(`Recording ${FIXTURES.jane.recordingIds[0]}`);

    from = h.slack.calls.length;
    await signed(imMessage('UJANE', DM, 'subscribe +44 20 7946 0958'));
    const sub = await h.slack.waitForCall('chat.postMessage', (c) => h.slack.calls.indexOf(c) >= from);
    expect(String(sub.body.text)).toContain('Subscriptions are for channels');
    expect(sub.body.channel).toBe(DM);
  });

  it('the same access rules: a right the asker lacks is withheld, another organisation is refused', async () => {
    let from = h.slack.calls.length;
    await signed(imMessage('UVIEW', 'DVIEW', `recording ${FIXTURES.jane.recordingIds[0]}`));
    const withheld = await h.slack.waitForCall('chat.postMessage', (c) => h.slack.calls.indexOf(c) >= from);
    expect(String(withheld.body.text)).toContain('you need the Focus right Recording.View');
    expect(String(withheld.body.blocks)).not.toContain('Jane Smith');

    from = h.slack.calls.length;
    await signed(imMessage('UEXT', 'DEXT', `+${FIXTURES.jane.phone2}`, {}, 'TOTHER'));
    const refused = await h.slack.waitForCall('chat.postMessage', (c) => h.slack.calls.indexOf(c) >= from);
    expect(refused.body.channel).toBe('DEXT');
    expect(String(refused.body.text)).toContain('members of the organisation that runs it only');
    expect(String(refused.body.blocks)).not.toContain('Jane Smith');
  });

  it('bot messages, edits and other subtypes get no answer; a redelivered event is answered once', async () => {
    const from = h.slack.calls.length;
    const number = `+${FIXTURES.jane.phone2}`;
    await signed(imMessage('UJANE', DM, number, { bot_id: 'B0439P161B9', app_id: 'A0442TUPHGR' }));
    await signed({
      ...appBotMessage(DM, number),
      event: { ...appBotMessage(DM, number).event, channel_type: 'im' },
    });
    await signed(
      envelope({
        type: 'message',
        subtype: 'message_changed',
        hidden: true,
        channel: DM,
        channel_type: 'im',
        ts: '1358878755.000001',
        message: { type: 'message', user: 'UJANE', text: number, ts: '1355517523.000005' },
        previous_message: { type: 'message', user: 'UJANE', text: 'hi', ts: '1355517523.000005' },
        event_ts: '1358878755.000001',
      }),
    );
    await signed(imMessage('UJANE', DM, number, { subtype: 'file_share' }));
    // Our own message in the DM (Bolt drops its own events too).
    await signed(imMessage('UBOT', DM, number));
    await settle();
    expect(posts(from)).toEqual([]);

    const once = imMessage('UJANE', DM, number);
    await signed(once);
    await signed(once, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    await settle();
    expect(posts(from)).toHaveLength(1);
  });
});

describe('the Workflow Builder step lookup_phone_number', () => {
  const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8'));
  const declared = Object.keys(manifest.functions.lookup_phone_number.output_parameters);

  async function run(inputs: Record<string, unknown>) {
    const from = h.slack.calls.length;
    expect((await signed(functionExecuted(inputs))).status).toBe(200);
    return h.slack.stepResult(from);
  }

  it('completes with the owner and the latest recording, for any way a person writes the number', async () => {
    for (const written of [
      '+44 7897 897897',
      '07897 897897',
      '(0)7897 897897',
      '0044 7897 897897',
      '447897897897',
    ]) {
      const result = await run({ phone_number: written, user_id: 'UJANE' });
      expect(result).toEqual({
        outputs: {
          found: true,
          owner_name: 'Jane Smith',
          person_id: FIXTURES.jane.personId,
          recordings_count: expect.any(Number),
          latest_recording_url: expect.stringMatching(/^https:\/\/portal\.focus\.test\/recordings\/\d+$/),
        },
      });
      if ('outputs' in result)
        for (const name of Object.keys(result.outputs)) expect(declared).toContain(name);
    }
    const call = h.slack.callsOf('functions.completeSuccess').at(-1);
    expect(call?.body.function_execution_id).toMatch(/^Fx/);
  });

  it('an unknown number is found: false; a runner without Recording.View gets no recordings', async () => {
    expect(await run({ phone_number: '+44 20 7946 0999', user_id: 'UJANE' })).toEqual({
      outputs: { found: false },
    });
    expect(await run({ phone_number: `+${FIXTURES.jane.phone2}`, user_id: 'UVIEW' })).toEqual({
      outputs: { found: true, owner_name: 'Jane Smith', person_id: FIXTURES.jane.personId },
    });
  });

  it('fails clearly on bad input and on a refusal, never echoing the number', async () => {
    const bad = await run({ phone_number: 'call me maybe', user_id: 'UJANE' });
    expect(bad).toEqual({ error: expect.stringContaining('phone_number is not a phone number') });
    const noUser = await run({ phone_number: '+44 7897 897897' });
    expect(noUser).toEqual({
      error: expect.stringContaining('user_id must be the person running the workflow'),
    });
    const unlinked = await run({ phone_number: '+44 7897 897897', user_id: 'USTRANGER' });
    expect(unlinked).toEqual({
      error: expect.stringContaining('not linked to an enabled Focus portal user'),
    });
    const external = await run({ phone_number: '+44 7897 897897', user_id: 'UEXT' });
    expect(external).toEqual({ error: expect.stringContaining('members of the organisation') });
    const errors = h.slack.callsOf('functions.completeError').map((c) => String(c.body.error));
    expect(errors.filter((e) => e.includes('7897'))).toEqual([]);
    // Audited as leaving the app, with the runner as who authorised it; the log never has the number.
    const audits = h.logLines.filter((l) => l.includes('"audience":"workflow"')).map((l) => JSON.parse(l));
    expect(audits.length).toBeGreaterThan(0);
    expect(audits.every((a) => a.authorisedBy === a.user && a.surface === 'workflow')).toBe(true);
    expect(audits.filter((a) => !/^Wx/.test(a.workflowExecution))).toEqual([]);
    expect(h.logLines.filter((l) => l.includes(FIXTURES.jane.phone2))).toEqual([]);
  });
});
