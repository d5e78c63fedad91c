/**
 * The token manager against the simulator over HTTP, on a clock the test moves: renewal that
 * scales with the token's lifetime, tokens whose `exp` is unusable, and both auth spellings.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/domain/logger.js';
import { FocusClient } from '../../src/focus/client.js';
import { FocusError } from '../../src/focus/errors.js';
import { jwtTimes, renewMargin } from '../../src/focus/token.js';
import { clientFor, startSimulator } from '../helpers/focus.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

/** A clock the test moves; the simulator and the client read the same one. */
function manualClock(start = Date.now()) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function recordingLogger(lines: Array<{ event: string; fields?: Record<string, unknown> }>): Logger {
  const logger: Logger = {
    debug: () => {},
    info: (event, fields) => lines.push({ event, ...(fields && { fields }) }),
    warn: (event, fields) => lines.push({ event, ...(fields && { fields }) }),
    error: (event, fields) => lines.push({ event, ...(fields && { fields }) }),
    child: () => logger,
  };
  return logger;
}

/** Calls Focus every `stepMs` for `durationMs` of (simulated) steady traffic. */
async function steadyTraffic(
  client: ReturnType<typeof clientFor>,
  clock: ReturnType<typeof manualClock>,
  durationMs: number,
  stepMs: number,
) {
  for (let t = 0; t <= durationMs; t += stepMs) {
    await client.retentionGroups();
    // Background renewals finish in real time: let them land before time moves on.
    await new Promise((r) => setTimeout(r, 2));
    clock.advance(stepMs);
  }
}

async function setup(lifetimeSeconds: number, clockOffsetMs = 0) {
  const clock = manualClock();
  const sim: Sim = await startSimulator({
    clock: () => clock.now() + clockOffsetMs,
    faults: { tokenLifetimeSeconds: lifetimeSeconds },
  });
  const lines: Array<{ event: string; fields?: Record<string, unknown> }> = [];
  const client = clientFor(sim, { now: clock.now, logger: recordingLogger(lines) });
  open.push(client, sim);
  return { sim, client, clock, lines };
}

describe('token renewal scales with the lifetime', () => {
  it('renews a fifth of the lifetime ahead, at most 60 s', () => {
    expect(renewMargin(15_000, 60_000)).toBe(3_000);
    expect(renewMargin(15 * 60_000, 60_000)).toBe(60_000);
    expect(renewMargin(100_000, 60_000)).toBe(20_000);
  });

  it('makes at most 6 auth requests over a steady minute of 15-second tokens', async () => {
    const { sim, client, clock } = await setup(15);
    await steadyTraffic(client, clock, 60_000, 250);
    const auth = sim.stats().byEndpoint.auth;
    expect(auth).toBeGreaterThanOrEqual(5);
    expect(auth).toBeLessThanOrEqual(6);
    expect(sim.stats().byStatus['401'] ?? 0).toBe(0);
  });

  it('makes one auth request over a steady minute of 15-minute tokens', async () => {
    const { sim, client, clock } = await setup(900);
    await steadyTraffic(client, clock, 60_000, 250);
    expect(sim.stats().byEndpoint.auth).toBe(1);
  });

  it('starts one background renewal per token, however many calls fall in the window', async () => {
    const { sim, client, clock } = await setup(15);
    await client.retentionGroups();
    clock.advance(12_500); // inside the 3 s window before expiry
    await Promise.all(Array.from({ length: 20 }, () => client.retentionGroups()));
    await new Promise((r) => setTimeout(r, 20));
    expect(sim.stats().byEndpoint.auth).toBe(2);
  });
});

describe('tokens whose expiry cannot be used as it stands', () => {
  it('counts the lifetime from exp - iat, so a Focus clock an hour behind costs no extra auth', async () => {
    // Every token looks an hour expired on our clock: before, each call re-authenticated.
    const { sim, client, clock, lines } = await setup(900, -60 * 60_000);
    await steadyTraffic(client, clock, 10_000, 500);
    expect(sim.stats().byEndpoint.auth).toBe(1);
    expect(lines.filter((l) => l.event === 'focus.token_renewed')).toHaveLength(1);
  });

  it('gives a token whose exp is already past (no iat) the fallback lifetime, warning once', async () => {
    // A Focus whose tokens say they expired an hour ago, and which accepts them anyway.
    let auths = 0;
    const claims = { exp: Math.floor(Date.now() / 1000) - 3600 };
    const token = `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url?.startsWith('/api/authWith')) auths++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(req.url?.startsWith('/api/authWith') ? JSON.stringify({ token }) : '[]');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const lines: Array<{ event: string; fields?: Record<string, unknown> }> = [];
    const client = new FocusClient({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`,
      credentials: { clientId: 1, apiKey: 'k', username: 'u' },
      logger: recordingLogger(lines),
    });
    open.push(client);
    for (let i = 0; i < 10; i++) await client.retentionGroups();
    expect(auths).toBe(1);
    expect(lines.filter((l) => l.event === 'focus.token_expiry_unusable')).toHaveLength(1);
    server.closeAllConnections();
  });

  it('reads exp and iat without verifying, ignoring junk', () => {
    const jwt = (claims: unknown) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.s`;
    expect(jwtTimes(jwt({ exp: 20, iat: 5 }))).toEqual({ exp: 20_000, iat: 5_000 });
    expect(jwtTimes(jwt({ exp: '20' }))).toEqual({});
    expect(jwtTimes(jwt(null))).toEqual({});
    expect(jwtTimes('not a jwt')).toEqual({});
    expect(jwtTimes(`h.${'A'.repeat(10_000)}.s`)).toEqual({});
  });
});

describe('both spellings of the auth path', () => {
  it('tries the other spelling once when the first answers 401, and names both when both refuse', async () => {
    const { sim } = await setup(900);
    const lines: Array<{ event: string; fields?: Record<string, unknown> }> = [];
    const client = clientFor(sim, {
      credentials: { ...sim.credentials, apiKey: 'wrong-key-value' },
      logger: recordingLogger(lines),
    });
    open.push(client);
    const error = await client.retentionGroups().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FocusError);
    const failure = error as FocusError;
    expect(failure.code).toBe('auth_failed');
    expect(failure.hint).toBe('The app tried /authWithAPIKey (401) and /authWithApiKey (401).');
    expect(sim.stats().byEndpoint.auth).toBe(2);
    const logged = JSON.stringify(lines);
    expect(logged).toContain('/authWithAPIKey (401) and /authWithApiKey (401)');
    expect(logged).not.toContain('wrong-key-value');
  });
});
