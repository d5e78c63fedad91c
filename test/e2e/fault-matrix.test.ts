/**
 * Every surface x every Focus failure: the user gets a friendly card with a reference id
 * within the deadline; nothing crashes; no unhandled rejection; /healthz stays 200.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultOptions } from '../../src/sandbox/index.js';
import { buttonPayload, type Harness, startHarness } from '../helpers/harness.js';

const DEADLINE_MS = 1_500;
/** Focus lets a call through no sooner than this under the slow faults below. */
const FOCUS_HOLDS_MS = 30_000;
/**
 * The answer comes by the deadline, not when Focus would let the lookup through: a third of
 * that, so a busy machine cannot stretch a right answer past it (and far below Slack's
 * 30-minute response_url life).
 */
const DELIVERY_BUDGET_MS = FOCUS_HOLDS_MS / 3;

const FAULTS: Array<[string, Partial<FaultOptions>]> = [
  ['persistent 401', { forceStatus: 401 }],
  ['403', { forceStatus: 403 }],
  ['404', { forceStatus: 404 }],
  ['429 beyond the deadline', { rate429: 1, retryAfter: FOCUS_HOLDS_MS / 1000 }],
  ['500', { forceStatus: 500 }],
  ['503', { forceStatus: 503, retryAfter: FOCUS_HOLDS_MS / 1000 }],
  ['timeout beyond the deadline', { hangMs: 2 * FOCUS_HOLDS_MS }],
  ['malformed JSON', { malformedShare: 1 }],
];
const CLEAR: Partial<FaultOptions> = {
  forceStatus: undefined,
  rate429: 0,
  hangMs: undefined,
  malformedShare: 0,
  retryAfter: 1,
};

let h: Harness;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
let numbers: string[];
let recordings: number[];
let counter = 0;

/** Starts the app the rows meet their faults with, in place of the one before (if any). */
async function startMatrixApp(): Promise<void> {
  await h?.stop();
  h = await startHarness({ FOCUS_TIMEOUT_MS: String(DEADLINE_MS), UNFURL_CONSENT: 'always' });
  h.slack.on('conversations.info', (body) => ({ channel: { id: body.channel } }));
  await fetch(`${h.base}/readyz`); // a token first, so auth faults don't mask data-call faults
}

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  await startMatrixApp();
  // Distinct keys for every case, so no cached success hides a failure.
  numbers = h.sim.dataset.endpoints.filter((e) => e.type === 'phone' && e.personId).map((e) => e.endpoint);
  recordings = h.sim.dataset.recordings.map((r) => r.interactionId);
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await h?.stop();
});

type Delivered = { ms: number; text: string };
const next = () => counter++;

/** Each surface: send one request for fresh data, resolve with what reached the user. */
const SURFACES: Record<string, () => Promise<Delivered>> = {
  async command() {
    const started = Date.now();
    const { responseUrl } = await h.command(`+${numbers[next()]}`);
    const post = await h.slack.responseAt(responseUrl);
    return { ms: Date.now() - started, text: JSON.stringify(post.body) };
  },
  async button() {
    const started = Date.now();
    const url = h.slack.responseUrl();
    const value = JSON.stringify({ c: `phone +${numbers[next()]}`, p: 2 });
    await h.action(buttonPayload({ action_id: 'more_recordings', value }, url));
    const post = await h.slack.responseAt(url);
    return { ms: Date.now() - started, text: JSON.stringify(post.body) };
  },
  async shortcut() {
    const started = Date.now();
    const trigger = `trigger-${next()}`;
    await h.action({
      type: 'message_action',
      callback_id: 'focus_lookup',
      trigger_id: trigger,
      response_url: h.slack.responseUrl(),
      team: { id: 'T1' },
      channel: { id: 'C1' },
      user: { id: 'U1' },
      message_ts: '1.1',
      message: { type: 'message', ts: '1.1', text: `please call +${numbers[next()]}` },
    });
    const update = await h.slack.waitForCall('views.update', (c) => c.body.view_id === `V-${trigger}`);
    return { ms: Date.now() - started, text: String(update.body.view) };
  },
  async mention() {
    const started = Date.now();
    const ts = `1700000000.${next()}`;
    await h.event({
      type: 'app_mention',
      user: 'U1',
      text: `<@UBOT> +${numbers[next()]}`,
      ts,
      channel: 'C1',
    });
    const post = await h.slack.waitForCall('chat.postMessage', (c) => c.body.thread_ts === ts);
    return { ms: Date.now() - started, text: String(post.body.blocks) };
  },
  async unfurl() {
    const started = Date.now();
    const channel = `CU${next()}`;
    await h.event({
      type: 'link_shared',
      channel,
      user: 'U1',
      message_ts: '1.1',
      event_ts: '1.1',
      links: [
        { domain: 'portal.focus.test', url: `https://portal.focus.test/recordings/${recordings[next()]}` },
      ],
    });
    const post = await h.slack.waitForCall('chat.postEphemeral', (c) => c.body.channel === channel);
    return { ms: Date.now() - started, text: String(post.body.blocks) };
  },
};

async function expectFriendlyFailures(): Promise<void> {
  const results = await Promise.all(
    Object.entries(SURFACES).map(async ([name, send]) => [name, await send()] as const),
  );
  for (const [name, delivered] of results) {
    expect(delivered.text, name).toMatch(/Reference: `[a-z]+(-\d+)?`/);
    expect(delivered.text, name).not.toMatch(/Error:|stack|at [A-Za-z]+ \(|FocusError|sandbox-api-key/);
    expect(delivered.ms, name).toBeLessThan(DELIVERY_BUDGET_MS);
  }
}

describe('fault matrix', () => {
  it.each(FAULTS)(
    '%s: every surface answers with a friendly card and a reference id',
    async (_name, faults) => {
      h.sim.setFaults({
        ...faults,
        forceEndpoints: ['endpoint.search', 'recording.search', 'people.get', 'recording.comment'],
      });
      try {
        await expectFriendlyFailures();
      } finally {
        h.sim.setFaults({ ...CLEAR, forceEndpoints: undefined });
      }
      expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
      // A Retry-After pauses every Focus call of the app: the next row meets its own fault in a new one.
      if (faults.retryAfter) await startMatrixApp();
    },
  );

  it('connection refused (Focus down): every surface still answers', async () => {
    await h.sim.close();
    await expectFriendlyFailures();
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
  });

  it('left no unhandled rejection behind', () => {
    expect(rejections).toEqual([]);
  });
});
