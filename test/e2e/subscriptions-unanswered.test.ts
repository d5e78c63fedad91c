/**
 * A subscription post Slack took but never answered: signed slash commands into the real
 * receiver, the real poller against the simulator, a fake Slack that posts the message and then
 * does not answer (the app gives up after its 10 s timeout) or cuts the connection, state in a
 * real SQLite file. What the channel shows is the fake's history of the channel.
 * - The history can be read: the next poll finds the post there and does not send it again.
 * - The history cannot be read (the app is not in the channel): it is sent again, and the log
 *   says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { type Harness, startHarness } from '../helpers/harness.js';

const JANE = FIXTURES.jane.phone;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ SUBSCRIPTION_POLL_SECONDS: '1', SUBSCRIPTION_POST_INTERVAL_MS: '0' });
  h.slack.on('conversations.info', (body) => ({ channel: { id: body.channel, is_ext_shared: false } }));
});
afterAll(async () => {
  await h?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await sleep(100);
}
/** How many messages of the channel show this recording. */
const shown = (channel: string, recording: number) =>
  h.slack.messagesIn(channel).filter((m) => m.text?.includes(`New recording ${recording} `)).length;
const logged = (event: string, channel: string) =>
  h.logLines.filter((l) => l.includes(`"event":"${event}"`) && l.includes(`"channel":"${channel}"`));

async function subscribe(channel: string): Promise<void> {
  const { responseUrl } = await h.command(`subscribe +${JANE}`, { channel_id: channel });
  expect(String((await h.slack.responseAt(responseUrl)).body.text)).toContain('Subscribed');
}

describe('a post Slack took but did not answer', () => {
  it('is found in the channel history at the next poll, and not posted again', async () => {
    await subscribe('CSTALL');
    h.slack.stall('chat.postMessage');
    const r = h.sim.addRecording({ phone: JANE });
    // Slack has it; the app hears nothing and gives up after its timeout.
    await until(() => shown('CSTALL', r.interactionId) === 1, 10_000);
    expect(shown('CSTALL', r.interactionId)).toBe(1);
    await until(() => logged('subscriptions.post_found', 'CSTALL').length > 0, 30_000);
    await sleep(2_500); // two more polls: nothing may come twice
    expect(shown('CSTALL', r.interactionId)).toBe(1);
    expect(h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === 'CSTALL')).toHaveLength(1);
    const read = h.slack.callsOf('conversations.history').filter((c) => c.body.channel === 'CSTALL');
    expect(read.length).toBeGreaterThan(0);
    expect(read[0]?.body.include_all_metadata).toBe('true');
    expect(logged('subscriptions.post_failed', 'CSTALL')[0]).toContain('"unsure":true');
    // Found is posted: the next recording is posted as usual, once.
    const next = h.sim.addRecording({ phone: JANE });
    await until(() => shown('CSTALL', next.interactionId) === 1, 10_000);
    await sleep(1_500);
    expect(shown('CSTALL', next.interactionId)).toBe(1);
    expect(shown('CSTALL', r.interactionId)).toBe(1);
    await h.command('unsubscribe all', { channel_id: 'CSTALL' });
  }, 60_000);

  it('is sent again when the channel history cannot be read, and the log says why', async () => {
    h.slack.on('conversations.history', (body) =>
      body.channel === 'CNOREAD' ? { ok: false, error: 'not_in_channel' } : {},
    );
    await subscribe('CNOREAD');
    h.slack.stall('chat.postMessage', 1, { cutAfterMs: 50 });
    const r = h.sim.addRecording({ phone: JANE });
    await until(() => shown('CNOREAD', r.interactionId) === 2, 20_000);
    await sleep(1_500);
    // Slack took it the first time: the channel shows it twice, the known cost of an unreadable history.
    expect(shown('CNOREAD', r.interactionId)).toBe(2);
    const line = logged('subscriptions.history_unreadable', 'CNOREAD')[0];
    expect(line).toContain('"reason":"not_in_channel"');
    expect(line).toContain(`"recording":${r.interactionId}`);
  }, 60_000);
});
