/**
 * One rate limit for the tenant: a 429 (or a 503 with Retry-After) pauses every call of the
 * client, not only the one that was told, counted at the simulator with each request's time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FocusClient } from '../../src/focus/client.js';
import { FocusError } from '../../src/focus/errors.js';
import { MAX_PAUSE_MS, slowDownHint, TenantPause } from '../../src/focus/pause.js';
import { FIXTURES } from '../../src/sandbox/index.js';
import { clientFor, firstAnswered, startSimulator } from '../helpers/focus.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
const open: Array<{ sim: Sim; client: FocusClient }> = [];
afterEach(async () => {
  for (const { sim, client } of open.splice(0)) {
    await client.close();
    await sim.close();
  }
});

async function setup(deadlineMs = 8_000) {
  const sim = await startSimulator();
  const pauses: number[] = [];
  const client = clientFor(sim, { deadlineMs, onPause: (until) => pauses.push(until) });
  open.push({ sim, client });
  await client.authenticate();
  sim.resetStats();
  return { sim, client, pauses };
}

/**
 * Resolves once the client has read the answer that paused it (`onPause` was called). The
 * simulator logs its answer before the client has read it, and a call started in between
 * rightly goes out: the tests start the other calls after this.
 */
async function pauseNoted(pauses: number[]): Promise<void> {
  while (pauses.length === 0) await new Promise((r) => setTimeout(r, 2));
}

describe('TenantPause', () => {
  it('keeps the later end, caps at 60 s and reports each new end', () => {
    let now = 1_000_000;
    const seen: number[] = [];
    const pause = new TenantPause(
      () => now,
      (until) => seen.push(until),
    );
    expect(pause.remainingMs()).toBe(0);
    expect(pause.pauseFor(2_000)).toBe(now + 2_000);
    expect(pause.pauseFor(1_000)).toBe(now + 2_000); // a shorter one does not shorten it
    expect(pause.pauseFor(10 * 60_000)).toBe(now + MAX_PAUSE_MS);
    expect(seen).toEqual([now + 2_000, now + MAX_PAUSE_MS]);
    now += 59_000;
    expect(pause.remainingMs()).toBe(1_000);
    expect(pause.pausedUntil()).toBe(1_000_000 + MAX_PAUSE_MS);
  });

  it('says when to try again, in whole seconds', () => {
    expect(slowDownHint(1_200)).toBe('Focus asked us to slow down; try again in 2 s.');
    expect(slowDownHint(0)).toBe('Focus asked us to slow down; try again in 1 s.');
  });
});

describe('a 429 pauses every call of the client', () => {
  it('after one 429 with Retry-After: 2, no call reaches Focus for 2 s; then all of them succeed', async () => {
    const { sim, client, pauses } = await setup();
    sim.setFaults({ forceStatus: 429, retryAfter: 2, forceEndpoints: ['recording.search'] });
    const first = client.searchRecordings({ recordingIds: [FIXTURES.jane.recordingIds[0]] });
    const told = await firstAnswered(sim, 429);
    sim.setFaults({ forceStatus: undefined, forceEndpoints: undefined });
    await pauseNoted(pauses);
    // Every kind of call, started after the 429: none may go before the pause ends.
    const others = await Promise.all([
      ...FIXTURES.jane.recordingIds.slice(1, 6).map((id) => client.searchRecordings({ recordingIds: [id] })),
      ...[1, 2, 3, 4, 5].map((id) => client.getPeople([id])),
      client.searchEndpoints({ type: 'phone', value: FIXTURES.jane.phone }),
      client.comments(FIXTURES.manyComments.recordingId),
      client.retentionGroups(),
    ]);
    expect((await first).items).toHaveLength(1);
    expect(others).toHaveLength(13);
    const after = sim.requests().filter((r) => r.receivedAt > told.answeredAt);
    expect(after.length).toBe(14); // the first call's retry and the 13 others, each once
    for (const r of after) expect(r.receivedAt - told.answeredAt).toBeGreaterThanOrEqual(1_990);
    expect(pauses).toHaveLength(1);
    expect(client.pausedUntil()).toBe(pauses[0]);
    expect((pauses[0] as number) - told.answeredAt).toBeGreaterThanOrEqual(1_990);
  });

  it('a call whose deadline falls inside the pause fails at once as rate_limited, with when to try again', async () => {
    const { sim, client, pauses } = await setup();
    sim.setFaults({ forceStatus: 429, retryAfter: 120 });
    const error = await client.getPeople([1]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FocusError);
    expect((error as FocusError).code).toBe('rate_limited');
    // Retry-After 120 is capped at 60 s.
    expect((pauses[0] as number) - Date.now()).toBeLessThanOrEqual(MAX_PAUSE_MS);
    expect((error as FocusError).hint).toMatch(/^Focus asked us to slow down; try again in (59|60) s\.$/);
    sim.setFaults({ forceStatus: undefined });
    const started = Date.now();
    const later = await Promise.all(
      [2, 3, 4].map((id) => client.getPeople([id]).catch((e: unknown) => e as FocusError)),
    );
    expect(Date.now() - started).toBeLessThan(4_000); // failed at once, well before the 8 s deadline
    for (const e of later) {
      expect(e).toBeInstanceOf(FocusError);
      expect((e as FocusError).code).toBe('rate_limited');
      expect((e as FocusError).hint).toMatch(/try again in (59|60) s/);
    }
    expect(sim.stats().total).toBe(1); // only the call that was told reached Focus
  });

  it('a 503 with Retry-After pauses every call; a failure without one backs off only its own call', async () => {
    const { sim, client, pauses } = await setup();
    sim.setFaults({ forceStatus: 503, retryAfter: 1, forceEndpoints: ['people.get'] });
    const first = client.getPeople([1]);
    const told = await firstAnswered(sim, 503);
    sim.setFaults({ forceStatus: undefined, forceEndpoints: undefined });
    await pauseNoted(pauses);
    await client.retentionGroups();
    expect(Date.now() - told.answeredAt).toBeGreaterThanOrEqual(990);
    await first;
    expect(pauses).toHaveLength(1);

    // A 500 (no Retry-After): backoff for that call only. No pause begins (each one is told to
    // onPause), so the other call goes out at once.
    sim.resetStats();
    sim.setFaults({ forceStatus: 500, forceEndpoints: ['people.get'] });
    const failing = client.getPeople([2]).catch((e: unknown) => e);
    await firstAnswered(sim, 500);
    const pausedUntil = client.pausedUntil();
    await client.retentionGroups();
    expect(pauses).toHaveLength(1);
    expect(client.pausedUntil()).toBe(pausedUntil);
    sim.setFaults({ forceStatus: undefined, forceEndpoints: undefined });
    await failing;
    expect(pauses).toHaveLength(1);
  });
});
