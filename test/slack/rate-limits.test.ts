import { describe, expect, it } from 'vitest';
import { type Logger, silentLogger } from '../../src/domain/logger.js';
import { perMethodRateLimits } from '../../src/slack/outbound/rate-limits.js';

const API = 'https://slack.test/api/';

type Answer = { status: number; retryAfter?: number };

/**
 * `answers` by method, or by `token method` for the calls with that token (as Slack limits each
 * workspace on its own). `sent` records each call Slack received, as `token method`.
 */
function setup(answers: Record<string, Answer[]>, more: { maxPauses?: number; logger?: Logger } = {}) {
  let now = 0;
  const sent: string[] = [];
  const waits: number[] = [];
  const limited = perMethodRateLimits({
    apiUrl: API,
    logger: more.logger ?? silentLogger,
    maxWaitMs: 1_000,
    ...(more.maxPauses !== undefined && { maxPauses: more.maxPauses }),
    now: () => now,
    wait: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    fetch: async (url, init) => {
      const href = String(url);
      const method = href.replace(API, '');
      const headers = (init?.headers ?? {}) as Record<string, string>;
      const token =
        headers.Authorization?.replace('Bearer ', '') ??
        (typeof init?.body === 'string' ? new URLSearchParams(init.body).get('token') : null) ??
        '';
      sent.push(token ? `${token} ${method}` : href);
      const next = answers[`${token} ${method}`]?.shift() ?? answers[method]?.shift() ?? { status: 200 };
      const answer: Record<string, string> = {};
      if (next.retryAfter !== undefined) answer['retry-after'] = String(next.retryAfter);
      return new Response('{"ok":true}', { status: next.status, headers: answer });
    },
  });
  return {
    limited,
    sent,
    waits,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** A Web API call as the WebClient makes it with `token`: a form body, the token in the header. */
const withToken = (token: string, body = 'channel=C1&text=hi') => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${token}` },
  body,
});

describe('perMethodRateLimits', () => {
  it('a 429 pauses that method only; other methods and response_url posts go straight through', async () => {
    const t = setup({ 'chat.unfurl': [{ status: 429, retryAfter: 30 }] });
    expect((await t.limited(`${API}chat.unfurl`, { method: 'POST' })).status).toBe(429);
    expect(t.limited.pausedFor('chat.unfurl')).toBe(30_000);
    expect((await t.limited(`${API}views.open`, { method: 'POST' })).status).toBe(200);
    expect((await t.limited(`${API}chat.postMessage`, { method: 'POST' })).status).toBe(200);
    expect((await t.limited('https://hooks.slack.test/response/1', { method: 'POST' })).status).toBe(200);
    expect(t.waits).toEqual([]);
  });

  it('a paused method fails fast with the remaining Retry-After, without calling Slack', async () => {
    const t = setup({ 'chat.unfurl': [{ status: 429, retryAfter: 30 }] });
    await t.limited(`${API}chat.unfurl`);
    t.advance(10_000);
    const refused = await t.limited(`${API}chat.unfurl`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('20');
    expect(t.sent.filter((u) => u.endsWith('chat.unfurl'))).toHaveLength(1);
    t.advance(20_000);
    expect(t.limited.pausedFor('chat.unfurl')).toBe(0);
    expect((await t.limited(`${API}chat.unfurl`)).status).toBe(200);
    expect(t.sent.filter((u) => u.endsWith('chat.unfurl'))).toHaveLength(2);
  });

  it('a short pause is waited out and the call sent once more', async () => {
    const t = setup({ 'chat.postMessage': [{ status: 429, retryAfter: 1 }] });
    expect((await t.limited(`${API}chat.postMessage`)).status).toBe(200);
    expect(t.waits).toEqual([1_000]);
    expect(t.sent).toHaveLength(2);
  });

  it('a call to a method with a short pause left waits for it, then goes', async () => {
    const t = setup({ 'views.update': [{ status: 429, retryAfter: 5 }] });
    await t.limited(`${API}views.update`);
    t.advance(4_400);
    expect((await t.limited(`${API}views.update`)).status).toBe(200);
    expect(t.waits).toEqual([600]);
  });

  it('a 429 without a usable Retry-After is passed back and pauses nothing', async () => {
    const t = setup({ 'chat.unfurl': [{ status: 429 }] });
    expect((await t.limited(`${API}chat.unfurl`)).status).toBe(429);
    expect(t.limited.pausedFor('chat.unfurl')).toBe(0);
  });
});

describe('perMethodRateLimits, per workspace', () => {
  const A = 'xoxb-workspace-a-0123456789';
  const B = 'xoxb-workspace-b-9876543210';

  it("a 429 for one workspace's token pauses that method for it, not for another workspace", async () => {
    const t = setup({ [`${A} chat.postMessage`]: [{ status: 429, retryAfter: 30 }] });
    expect((await t.limited(`${API}chat.postMessage`, withToken(A))).status).toBe(429);
    expect(t.limited.pausedFor('chat.postMessage', A)).toBe(30_000);
    expect(t.limited.pausedFor('chat.postMessage', B)).toBe(0);
    // A's next post is answered here; B's reaches Slack and is posted.
    const again = await t.limited(`${API}chat.postMessage`, withToken(A));
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('30');
    expect((await t.limited(`${API}chat.postMessage`, withToken(B))).status).toBe(200);
    expect((await t.limited.once(`${API}chat.postMessage`, withToken(B))).status).toBe(200);
    expect((await t.limited.once(`${API}chat.postMessage`, withToken(A))).status).toBe(429);
    expect(t.sent).toEqual([`${A} chat.postMessage`, `${B} chat.postMessage`, `${B} chat.postMessage`]);
    expect(t.waits).toEqual([]);
  });

  it('with one token, a 429 pauses the method for every call, whether the token is in the header or the body', async () => {
    const t = setup({ [`${A} chat.unfurl`]: [{ status: 429, retryAfter: 30 }] });
    expect((await t.limited(`${API}chat.unfurl`, withToken(A))).status).toBe(429);
    const inBody = { method: 'POST', body: `token=${A}&channel=C1` };
    expect((await t.limited(`${API}chat.unfurl`, inBody)).status).toBe(429);
    expect((await t.limited(`${API}chat.unfurl`, withToken(A))).status).toBe(429);
    expect((await t.limited(`${API}views.open`, withToken(A))).status).toBe(200);
    expect(t.sent).toEqual([`${A} chat.unfurl`, `${A} views.open`]);
    t.advance(30_000);
    expect((await t.limited(`${API}chat.unfurl`, inBody)).status).toBe(200);
  });

  it('keeps at most maxPauses pauses, dropping the least recently used', async () => {
    const C = 'xoxb-workspace-c-5555555555';
    const t = setup(
      {
        [`${A} chat.postMessage`]: [{ status: 429, retryAfter: 30 }],
        [`${B} chat.postMessage`]: [{ status: 429, retryAfter: 30 }],
        [`${C} chat.postMessage`]: [{ status: 429, retryAfter: 30 }],
      },
      { maxPauses: 2 },
    );
    for (const token of [A, B, C]) await t.limited(`${API}chat.postMessage`, withToken(token));
    expect(t.limited.pausedFor('chat.postMessage', A)).toBe(0);
    expect(t.limited.pausedFor('chat.postMessage', B)).toBe(30_000);
    expect(t.limited.pausedFor('chat.postMessage', C)).toBe(30_000);
    // A's pause was dropped: its next call goes to Slack (which would answer 429 again if still limited).
    expect((await t.limited(`${API}chat.postMessage`, withToken(A))).status).toBe(200);
    expect(t.sent.filter((c) => c.startsWith(A))).toHaveLength(2);
  });

  it('no log line carries a token; each says which workspace by a short hash', async () => {
    // The fields as the limiter gives them, before the logger's own scrubbing (which would hide a token).
    const lines: string[] = [];
    const record = (event: string, fields?: object) => lines.push(JSON.stringify({ event, ...fields }));
    const logger: Logger = {
      debug: record,
      info: record,
      warn: record,
      error: record,
      child: () => logger,
    };
    const t = setup(
      {
        [`${A} chat.postMessage`]: [{ status: 429, retryAfter: 30 }],
        [`${B} chat.postMessage`]: [{ status: 429, retryAfter: 30 }],
      },
      { logger },
    );
    await t.limited(`${API}chat.postMessage`, withToken(A));
    await t.limited(`${API}chat.postMessage`, withToken(A));
    await t.limited(`${API}chat.postMessage`, { method: 'POST', body: `token=${B}&text=x` });
    const logged = lines.map((line) => JSON.parse(line) as { event: string; workspace?: string });
    expect(logged.map((l) => l.event)).toEqual([
      'slack.rate_limited',
      'slack.rate_limited_locally',
      'slack.rate_limited',
    ]);
    const [a1, a2, b] = logged.map((l) => l.workspace);
    expect(a1).toMatch(/^[0-9a-f]{8}$/);
    expect(a2).toBe(a1);
    expect(b).not.toBe(a1);
    for (const line of lines) {
      expect(line).not.toContain(A);
      expect(line).not.toContain(B);
      expect(line).not.toContain('workspace-');
    }
  });
});
