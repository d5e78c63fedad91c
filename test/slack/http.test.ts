/**
 * The response_url agent against a real local server: answers arrive whole, a failed post reads
 * as not ok (what `respond()` turns into an error), a post that is never answered gives up at
 * the agent's timeout, and a burst of answers shares a bounded number of connections instead of
 * opening one socket per answer; Web API calls go through the same bounded agent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CONNECTIONS_PER_ORIGIN, type SlackHttp, slackHttp } from '../../src/slack/outbound/http.js';

let server: Server | undefined;
let http: SlackHttp | undefined;

afterEach(async () => {
  await http?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  http = undefined;
});

async function hooks(status = 200, delayMs = 20) {
  const bodies: string[] = [];
  const sockets = new Set<unknown>();
  const s = createServer((req, res) => {
    sockets.add(req.socket);
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      bodies.push(body);
      setTimeout(() => {
        const api = req.url?.startsWith('/api/');
        res.writeHead(status, { 'content-type': api ? 'application/json' : 'text/plain' });
        res.end(api ? JSON.stringify({ ok: true, echo: body }) : status === 200 ? 'ok' : 'expired_url');
      }, delayMs);
    });
  });
  server = s;
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return { origin, bodies, sockets };
}

const post = (body: string) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body,
});

describe('slackHttp: response_url posts', () => {
  it('posts the answer and reports ok', async () => {
    const slack = await hooks();
    http = slackHttp({ apiUrl: 'http://127.0.0.1:1/api/' });
    const res = await http.fetch(`${slack.origin}/commands/T1/1/abc`, post('{"text":"hi"}'));
    expect(res.ok).toBe(true);
    expect(slack.bodies).toEqual(['{"text":"hi"}']);
  });

  it('reports a refused post as not ok, with its status', async () => {
    const slack = await hooks(404);
    http = slackHttp({ apiUrl: 'http://127.0.0.1:1/api/' });
    const res = await http.fetch(`${slack.origin}/commands/T1/1/gone`, post('{}'));
    expect(res.ok).toBe(false);
    expect(res.status).toBe(404);
  });

  it('gives up on a response_url that never answers, after its timeout', async () => {
    const slack = await hooks(200, 60_000);
    http = slackHttp({ apiUrl: 'http://127.0.0.1:1/api/', timeoutMs: 300 });
    // The server would answer after 60 s, beyond the test's own timeout: only the agent's gives up.
    await expect(http.fetch(`${slack.origin}/commands/T1/1/slow`, post('{}'))).rejects.toThrow(/timeout/i);
  });

  it(`sends a burst of 300 answers over at most ${CONNECTIONS_PER_ORIGIN} connections`, async () => {
    const slack = await hooks();
    http = slackHttp({ apiUrl: 'http://127.0.0.1:1/api/' });
    const client = http;
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        client.fetch(`${slack.origin}/commands/T1/${i}/x`, post(`{"n":${i}}`)),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(slack.bodies).size).toBe(300);
    expect(slack.sockets.size).toBeGreaterThan(1);
    expect(slack.sockets.size).toBeLessThanOrEqual(CONNECTIONS_PER_ORIGIN);
  });
});

describe('slackHttp: Web API calls', () => {
  it(`read whole JSON answers, and a burst of 300 shares at most ${CONNECTIONS_PER_ORIGIN} connections`, async () => {
    const slack = await hooks();
    http = slackHttp({ apiUrl: `${slack.origin}/api/` });
    const client = http;
    const call = (i: number) =>
      client.fetch(`${slack.origin}/api/chat.postMessage`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `channel=C1&text=${i}`,
      });
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => call(i)));
    const answers = (await Promise.all(results.map((r) => r.json()))) as Array<{ ok: boolean; echo: string }>;
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(new Set(answers.map((a) => a.echo)).size).toBe(300);
    expect(slack.sockets.size).toBeLessThanOrEqual(CONNECTIONS_PER_ORIGIN);
  });

  it('fail as fetch reports it: a refused connection as "fetch failed" with its code, an abort as its reason', async () => {
    const slack = await hooks(200, 60_000);
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    http = slackHttp({ apiUrl: `http://127.0.0.1:${closed}/api/` });
    const form = {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    };
    const refused = await http
      .fetch(`http://127.0.0.1:${closed}/api/chat.postMessage`, form)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as TypeError & { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    await http.close();
    http = slackHttp({ apiUrl: `${slack.origin}/api/` });
    const slow = http.fetch(`${slack.origin}/api/chat.postMessage`, {
      ...form,
      signal: AbortSignal.timeout(200),
    });
    await expect(slow).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
