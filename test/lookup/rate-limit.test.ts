/**
 * One rate limit for the tenant, seen from lookups: after one 429 with Retry-After: 2, no
 * Focus call from any lookup reaches the simulator until 2 s have passed (counted with the
 * simulator's request log); a lookup whose deadline falls inside a pause answers rate_limited
 * with when to try again, on its card.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makePortalLinks } from '../../src/domain/links.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { FocusLookupRequest } from '../../src/domain/request.js';
import { FocusCache } from '../../src/focus/cache.js';
import type { FocusClient } from '../../src/focus/client.js';
import { LookupService } from '../../src/lookup/service.js';
import { parsePhone } from '../../src/parse/index.js';
import { renderOutcome } from '../../src/render/outcome.js';
import { FIXTURES } from '../../src/sandbox/index.js';
import { clientFor, startSimulator } from '../helpers/focus.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
const open: Array<{ sim: Sim; client: FocusClient }> = [];
afterEach(async () => {
  for (const { sim, client } of open.splice(0)) {
    await client.close();
    await sim.close();
  }
});

async function setup(deadlineMs: number) {
  const sim = await startSimulator();
  const client = clientFor(sim, { deadlineMs });
  open.push({ sim, client });
  await client.authenticate();
  sim.resetStats();
  const lookups = new LookupService({ cache: new FocusCache(client), logger: silentLogger, deadlineMs });
  const run = (request: FocusLookupRequest, n: number) => lookups.run(request, { requestId: `r${n}` });
  return { sim, client, run };
}

/** Resolves once the client has read the 429 (the simulator logs it before the client reads it). */
async function pauseNoted(client: FocusClient): Promise<void> {
  while (client.pausedUntil() <= Date.now()) await new Promise((r) => setTimeout(r, 2));
}

const phone = (n: string) => {
  const parsed = parsePhone(`+${n}`, 'GB');
  if (!parsed) throw new Error(`fixture number ${n} does not parse`);
  return { kind: 'phone' as const, phone: parsed };
};

/** Twenty lookups of every kind that calls Focus, none sharing a cached answer. */
const TWENTY: FocusLookupRequest[] = [
  ...FIXTURES.jane.recordingIds.slice(1, 8).map((id) => ({ kind: 'recording' as const, id })),
  ...[2, 3, 4, 5, 6, 7].map((id) => ({ kind: 'person' as const, id })),
  phone(FIXTURES.jane.phone2),
  phone(FIXTURES.accented.phone),
  phone(FIXTURES.hostile.phone),
  { kind: 'comments', recordingId: FIXTURES.manyComments.recordingId, page: 1 },
  { kind: 'user', query: 'jane' },
  { kind: 'retention' },
  { kind: 'recording', id: FIXTURES.jane.recordingIds[8] as number },
];

describe('a 429 pauses every lookup', () => {
  it('after one 429 with Retry-After: 2, no lookup calls Focus until 2 s have passed, and all answer', async () => {
    const { sim, client, run } = await setup(8_000);
    sim.setFaults({ forceStatus: 429, retryAfter: 2, forceEndpoints: ['recording.search'] });
    const first = run({ kind: 'recording', id: FIXTURES.jane.recordingIds[0] }, 0);
    let told = sim.requests().find((r) => r.status === 429);
    while (!told) {
      await new Promise((r) => setTimeout(r, 2));
      told = sim.requests().find((r) => r.status === 429);
    }
    sim.setFaults({ forceStatus: undefined, forceEndpoints: undefined });
    await pauseNoted(client);
    expect(TWENTY).toHaveLength(20);
    const outcomes = await Promise.all(TWENTY.map((request, i) => run(request, i + 1)));
    expect((await first).status).toBe('found');
    expect(outcomes.map((o) => o.status).filter((s) => s === 'failed')).toEqual([]);
    const after = sim.requests().filter((r) => r.receivedAt > (told?.answeredAt ?? 0));
    expect(after.length).toBeGreaterThanOrEqual(21);
    const early = after.filter((r) => r.receivedAt - (told?.answeredAt ?? 0) < 1_990);
    expect(early).toEqual([]);
  });

  it('a lookup whose deadline falls inside the pause answers rate_limited, and its card says when to try again', async () => {
    const { sim, run } = await setup(2_000);
    sim.setFaults({ forceStatus: 429, retryAfter: 30 });
    const told = await run({ kind: 'person', id: FIXTURES.jane.personId }, 0);
    sim.setFaults({ forceStatus: undefined });
    const later = await run({ kind: 'recording', id: FIXTURES.jane.recordingIds[0] }, 1);
    for (const outcome of [told, later]) {
      expect(outcome.status === 'failed' && outcome.code).toBe('rate_limited');
      expect(outcome.status === 'failed' && outcome.hint).toMatch(
        /^Focus asked us to slow down; try again in (29|30) s\.$/,
      );
    }
    expect(sim.stats().total).toBe(1); // the second lookup never reached Focus
    const links = makePortalLinks({
      portal: 'https://p.test',
      recordingTemplate: '{portal}/recordings/{id}',
      personTemplate: '{portal}/people/{id}',
    });
    expect(renderOutcome(later, { links }).text).toMatch(/try again in (29|30) s/);
  });
});
