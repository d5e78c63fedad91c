import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/domain/logger.js';
import { perMethodRateLimits } from '../../src/slack/outbound/rate-limits.js';

const API = 'https://slack.test/api/';

function setup(answers: Record<string, Array<{ status: number; retryAfter?: number }>>) {
  let now = 0;
  const sent: string[] = [];
  const waits: number[] = [];
  const limited = perMethodRateLimits({
    apiUrl: API,
    logger: silentLogger,
    maxWaitMs: 1_000,
    now: () => now,
    wait: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    fetch: async (url) => {
      const href = String(url);
      sent.push(href);
      const next = answers[href.replace(API, '')]?.shift() ?? { status: 200 };
      const headers: Record<string, string> = {};
      if (next.retryAfter !== undefined) headers['retry-after'] = String(next.retryAfter);
      return new Response('{"ok":true}', { status: next.status, headers });
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
