/**
 * Subscriptions people tune, end to end: signed slash commands into the real receiver, the real
 * poller against the simulator (which adds recordings as the test asks), posts to the fake Slack
 * Web API; on the SQLite file and on Redis. Filters at subscribe time, the compact format, one
 * post for a recording two subscriptions of a channel follow, and a subscribe again that changes
 * the filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { FAST_SUBSCRIPTIONS, type Harness, startHarness } from '../helpers/harness.js';
import { stateBackends } from '../helpers/redis.js';

const JANE = FIXTURES.jane.phone;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(stateBackends('tuning'))('subscriptions people tune ($name)', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ...FAST_SUBSCRIPTIONS, ALLOWED_SLACK_USER_IDS: 'U1,U2', ...backend.env() });
    h.slack.on('conversations.info', (body) => ({ channel: { id: body.channel, is_ext_shared: false } }));
    h.slack.on('users.info', (body) => ({ user: { id: body.user, team_id: 'T1' } }));
  });
  afterAll(async () => {
    await h?.stop();
    await backend.cleanup();
  });

  const postsIn = (channel: string) =>
    h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === channel);
  async function command(text: string, channel: string, user = 'U1') {
    const { responseUrl } = await h.command(text, { channel_id: channel, user_id: user });
    return (await h.slack.responseAt(responseUrl)).body;
  }
  /** Waits until `channel` has `count` posts (or 10 s), then two polls more: nothing may come twice. */
  async function postsAfter(channel: string, count: number) {
    const until = Date.now() + 10_000;
    while (postsIn(channel).length < count && Date.now() < until) await sleep(100);
    await sleep(2_500);
    return postsIn(channel).map((c) => ({
      text: String(c.body.text),
      // The Web API client sends blocks as JSON text.
      blocks: String(c.body.blocks),
    }));
  }

  it('filters: only inbound calls longer than 2m are posted; the list says the filters, who and since when', async () => {
    const reply = await command(`subscribe +${JANE} inbound longer than 2m`, 'CTFILTER');
    expect(reply.response_type).toBe('in_channel');
    expect(JSON.stringify(reply.blocks)).toContain(
      'subscribed this channel to +44 7700 900123 (inbound · longer than 2m)',
    );
    const long = h.sim.addRecording({ phone: JANE, direction: 'inbound', durationSeconds: 151 });
    const outLong = h.sim.addRecording({ phone: JANE, direction: 'outbound', durationSeconds: 300 });
    h.sim.addRecording({ phone: JANE, direction: 'inbound', durationSeconds: 120 });
    h.sim.addRecording({ phone: JANE, direction: 'internal', durationSeconds: 600 });
    const posts = await postsAfter('CTFILTER', 1);
    expect(posts.map((p) => p.text)).toEqual([`New recording ${long.interactionId} of +44 7700 900123`]);

    const list = JSON.stringify((await command('subscriptions', 'CTFILTER', 'U2')).blocks);
    expect(list).toMatch(
      /1\. \+44 7700 900123 · by <@U1> since <!date\^\d+\^\{date_short_pretty\}\|[^>]+> · inbound · longer than 2m/,
    );

    // Subscribing again with other filters changes them, and the channel is told who did.
    const changed = await command(`subscribe 07700 900123 outbound`, 'CTFILTER', 'U2');
    expect(changed.response_type).toBe('in_channel');
    expect(JSON.stringify(changed.blocks)).toContain(
      '<@U2> changed what this channel gets of +44 7700 900123 (subscription 1, by <@U1> since',
    );
    expect(JSON.stringify(changed.blocks)).toContain('now outbound.');
    const out = h.sim.addRecording({ phone: JANE, direction: 'outbound', durationSeconds: 30 });
    h.sim.addRecording({ phone: JANE, direction: 'inbound', durationSeconds: 300 });
    // What the new filters let through and was not posted is news (back to the look-back window):
    // the outbound call from before the change too.
    const after = await postsAfter('CTFILTER', 3);
    expect(after.map((p) => p.text)).toEqual([
      `New recording ${long.interactionId} of +44 7700 900123`,
      `New recording ${outLong.interactionId} of +44 7700 900123`,
      `New recording ${out.interactionId} of +44 7700 900123`,
    ]);
    expect(String((await command(`subscribe +${JANE} outbound`, 'CTFILTER')).text)).toContain(
      'Already subscribed',
    );
    await command('unsubscribe all', 'CTFILTER');
  });

  it('a bad filter is answered privately with what to write, and nothing is followed', async () => {
    const reply = await command(`subscribe +${JANE} longer than two minutes`, 'CTBAD');
    expect(reply.response_type).toBe('ephemeral');
    expect(String(reply.text)).toContain('“two minutes” is not a length I can read');
    expect(String((await command('subscriptions', 'CTBAD')).text)).toBe('No subscriptions in this channel');
  });

  it('compact: one line per recording, and the list says so', async () => {
    const reply = await command(`subscribe person ${FIXTURES.jane.personId} compact`, 'CTCOMPACT');
    expect(JSON.stringify(reply.blocks)).toContain('subscribed this channel to Jane Smith');
    expect(JSON.stringify(reply.blocks)).toContain('(compact)');
    const r = h.sim.addRecording({
      phone: FIXTURES.jane.phone2,
      direction: 'outbound',
      durationSeconds: 151,
    });
    const [post] = await postsAfter('CTCOMPACT', 1);
    expect(post?.text).toBe(`Recording ${r.interactionId} of Jane Smith`);
    const blocks = JSON.parse(post?.blocks ?? '[]') as Array<{ type: string; text?: { text: string } }>;
    expect(blocks).toHaveLength(1);
    expect(blocks[0]?.text?.text).toMatch(new RegExp(` · ↗ out · 2m 31s · .*\\(#${r.interactionId}\\)$`));
    expect(blocks[0]?.text?.text).not.toContain('\n');
    expect(JSON.stringify((await command('subscriptions', 'CTCOMPACT')).blocks)).toContain(' · compact');
    await command('unsubscribe all', 'CTCOMPACT');
  });

  it('a channel following a number and its owner gets each recording once, naming both', async () => {
    await command(`subscribe +${JANE}`, 'CTBOTH', 'U1');
    await command(`subscribe person ${FIXTURES.jane.personId}`, 'CTBOTH', 'U2');
    const both = h.sim.addRecording({ phone: JANE });
    const posts = await postsAfter('CTBOTH', 1);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.text).toBe(`New recording ${both.interactionId} of +44 7700 900123, Jane Smith`);
    expect(posts[0]?.blocks).toContain(
      `matches: +44 7700 900123, Jane Smith (person ${FIXTURES.jane.personId})`,
    );
    // Marked for both when it was posted: the polls since found nothing to settle for either.
    const [number, person] = await h.app.subscriptions.list('CTBOTH');
    const lines = h.logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.event === 'subscriptions.settled' && l.channel === 'CTBOTH')).toEqual([]);
    // A recording on Jane's other number is news for the person alone.
    const other = h.sim.addRecording({ phone: FIXTURES.jane.phone2 });
    const after = await postsAfter('CTBOTH', 2);
    expect(after.map((p) => p.text)).toEqual([
      `New recording ${both.interactionId} of +44 7700 900123, Jane Smith`,
      `New recording ${other.interactionId} of Jane Smith`,
    ]);
    const audit = lines.filter((l) => l.kind === 'subscription_post' && l.channel === 'CTBOTH');
    expect(audit[0]).toMatchObject({
      authorisedBy: 'U1',
      subscription: number?.id,
      alsoFor: [{ subscription: person?.id, authorisedBy: 'U2' }],
    });
    await command('unsubscribe all', 'CTBOTH');
  });
});
