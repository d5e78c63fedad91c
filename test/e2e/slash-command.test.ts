import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { signSlackRequest, slashCommandBody } from '../helpers/fake-slack.js';
import { BOT_TOKEN, type Harness, SECRET, startHarness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

describe('/focus over HTTP, end to end', () => {
  it('initialised against the fake Slack API (auth.test)', () => {
    expect(h.slack.callsOf('auth.test').length).toBeGreaterThan(0);
  });

  it('acks at once, before the lookup answers, and posts the phone card to the response_url', async () => {
    // Focus answers each call half a second late: an ack that waited for the lookup would come
    // after the card. (How fast acks are is for `npm run bench`.)
    const latencyMs = h.sim.faults.latencyMs;
    h.sim.setFaults({ latencyMs: 500 });
    let ack: Awaited<ReturnType<Harness['command']>>;
    try {
      ack = await h.command('+44 7700 900123');
      expect(ack.status).toBe(200);
      expect(h.slack.responses).toEqual([]);
    } finally {
      h.sim.setFaults({ latencyMs });
    }
    const { body: card, path } = await h.slack.nextResponse();
    expect(ack.responseUrl.endsWith(path)).toBe(true);
    expect(card.response_type).toBe('ephemeral');
    const json = JSON.stringify(card.blocks);
    expect(json).toContain('Jane Smith');
    expect(json).toContain('+44 7700 900123');
    expect(json).toContain('<!date^');
    expect(json).toContain(`https://portal.focus.test/people/${FIXTURES.jane.personId}`);
  });

  it('escapes a hostile owner name', async () => {
    await h.command(`phone +${FIXTURES.hostile.phone}`);
    const json = JSON.stringify((await h.slack.nextResponse()).body);
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U123>');
    expect(json).not.toContain('<https://evil.example');
  });

  it('answers help, unknown commands and bad numbers with friendly cards', async () => {
    await h.command('');
    expect(JSON.stringify((await h.slack.nextResponse()).body.blocks)).toContain('/focus person');
    await h.command('frobnicate');
    expect(JSON.stringify((await h.slack.nextResponse()).body.blocks)).toContain('Unknown command');
    await h.command('phone 12ab');
    expect(JSON.stringify((await h.slack.nextResponse()).body.blocks)).toMatch(
      /doesn.t look like a phone number/,
    );
  });

  it('answers every lookup kind', async () => {
    const cases: Array<[string, string]> = [
      ['person jane smith', 'Jane Smith'],
      [`person ${FIXTURES.accented.email}`, 'Zoë Ó Súilleabháin'],
      ['person “zoe o suilleabhain”', 'Zoë Ó Súilleabháin'],
      [`#${FIXTURES.manyComments.recordingId}`, `Recording ${FIXTURES.manyComments.recordingId}`],
      [`https://portal.focus.test/recordings/${FIXTURES.jane.recordingIds[0]}`, 'Jane Smith'],
      ['user jane', FIXTURES.users.jane.username],
      [`comments ${FIXTURES.manyComments.recordingId} 2`, 'Comments 11–20 of 60'],
      ['retention', 'Retention groups'],
      ['recording 424242', 'is not in Focus'],
    ];
    for (const [text, expected] of cases) {
      await h.command(text);
      const json = JSON.stringify((await h.slack.nextResponse()).body.blocks);
      expect(json, text).toContain(expected);
    }
  });

  it('rejects a bad signature and a stale timestamp with 401', async () => {
    const before = h.slack.responses.length;
    const body = slashCommandBody('+44 7700 900123', h.slack.responseUrl());
    const forged = { ...signSlackRequest(SECRET, body), 'x-slack-signature': `v0=${'0'.repeat(64)}` };
    expect((await h.post(body, forged)).status).toBe(401);
    const stale = signSlackRequest(SECRET, body, Math.floor(Date.now() / 1000) - 10 * 60);
    expect((await h.post(body, stale)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.slack.responses.length).toBe(before);
  });

  it('serves /healthz and /readyz', async () => {
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.base}/readyz`)).status).toBe(200);
  });

  it('logs an audit line and never a secret or a whole phone number', () => {
    const text = h.logLines.join('\n');
    expect(h.logLines.some((l) => JSON.parse(l).event === 'audit')).toBe(true);
    for (const secret of [SECRET, BOT_TOKEN, h.sim.credentials.apiKey]) expect(text).not.toContain(secret);
    expect(text).not.toContain(FIXTURES.jane.phone);
    expect(text).not.toMatch(/7700 ?900 ?123/);
  });
});
