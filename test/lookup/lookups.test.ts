/**
 * Lookups against the simulator over HTTP, and every card they make checked against Block
 * Kit limits with the largest data the simulator has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePortalLinks } from '../../src/domain/links.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { LookupOutcome } from '../../src/domain/outcome.js';
import type { FocusLookupRequest } from '../../src/domain/request.js';
import { FocusCache } from '../../src/focus/cache.js';
import type { FocusClient } from '../../src/focus/client.js';
import { PeopleDirectory } from '../../src/lookup/directory.js';
import { LookupService } from '../../src/lookup/service.js';
import { parsePhone } from '../../src/parse/index.js';
import type { Card } from '../../src/render/blocks.js';
import { LIMITS } from '../../src/render/limits.js';
import { renderOutcome } from '../../src/render/outcome.js';
import type { CardMode } from '../../src/render/view.js';
import { FIXTURES } from '../../src/sandbox/index.js';
import { clientFor, startSimulator } from '../helpers/focus.js';

let sim: Awaited<ReturnType<typeof startSimulator>>;
let client: FocusClient;
let lookups: LookupService;
const links = makePortalLinks({
  portal: 'https://p.test',
  recordingTemplate: '{portal}/recordings/{id}',
  personTemplate: '{portal}/people/{id}',
});

beforeAll(async () => {
  sim = await startSimulator();
  client = clientFor(sim);
  const directory = new PeopleDirectory({ client, logger: silentLogger });
  lookups = new LookupService({
    cache: new FocusCache(client),
    logger: silentLogger,
    deadlineMs: 5_000,
    directory,
  });
});
afterAll(async () => {
  await client?.close();
  await sim?.close();
});

const run = (request: FocusLookupRequest) => lookups.run(request, { requestId: 'test' });
const phone = (n: string) => {
  const p = parsePhone(`+${n}`, 'GB');
  if (!p) throw new Error(`fixture number ${n} does not parse`);
  return { kind: 'phone' as const, phone: p };
};

function expectWithinLimits(card: Card): void {
  expect(card.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  for (const b of card.blocks) {
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    if (b.type === 'section') {
      expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.sectionText);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
      expect(b.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.fields);
    }
    if (b.type === 'actions') {
      const ids = b.elements.map((e) => e.action_id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const e of b.elements) expect(e.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
    }
  }
  const mrkdwn = card.blocks.flatMap((b) =>
    b.type === 'section'
      ? [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)]
      : b.type === 'context'
        ? b.elements.map((e) => e.text)
        : [],
  );
  for (const token of [card.text, ...mrkdwn].join('\n').match(/<[^>]*>?/g) ?? []) {
    expect(token).toMatch(/^<!date\^\d+\^[^|]+\|[^<>]*>$|^<@U[A-Z0-9]+>$/);
  }
}

describe('lookups against the simulator', () => {
  it('phone: owners and newest recordings; a shared number names both owners', async () => {
    const outcome = await run(phone(FIXTURES.sharedNumber.phone));
    expect(outcome.status).toBe('found');
    if (outcome.status !== 'found' || outcome.result.kind !== 'phone') throw new Error('not a phone result');
    expect(outcome.result.owners.map((o) => o.id).sort()).toEqual([...FIXTURES.sharedNumber.personIds]);
  });

  it('phone: unknown number is not found, with recordings that mention it', async () => {
    const outcome = await run(phone(FIXTURES.unknownNumber));
    expect(outcome.status).toBe('not_found');
    if (outcome.status !== 'not_found') throw new Error('found');
    expect(outcome.recordings?.total).toBeGreaterThan(0);
  });

  it('person by name is case- and accent-insensitive; several matches are a pick list', async () => {
    const one = await run({ kind: 'person', query: 'ZOE o súilleabhain' });
    expect(one.status === 'found' && one.result.kind === 'person' && one.result.person.id).toBe(
      FIXTURES.accented.personId,
    );
    const many = await run({ kind: 'person', query: 'a' });
    expect(many.status).toBe('ambiguous');
    if (many.status === 'ambiguous') expect(many.choices.length).toBeLessThanOrEqual(10);
  });

  it('recording: comments and participant owners; gone after retention -> not found', async () => {
    const outcome = await run({ kind: 'recording', id: FIXTURES.jane.recordingIds[0] });
    if (outcome.status !== 'found' || outcome.result.kind !== 'recording') throw new Error('not found');
    expect(outcome.result.names[FIXTURES.jane.phone]).toBe('Jane Smith');
    expect((await run({ kind: 'recording', id: 31_337 })).status).toBe('not_found');
    expect((await run({ kind: 'comments', recordingId: 31_337, page: 1 })).status).toBe('not_found');
  });

  it('a Focus failure becomes a failed outcome with the reference id', async () => {
    sim.setFaults({ forceStatus: 403, forceEndpoints: ['retentionGroup'] });
    const outcome = await run({ kind: 'retention' });
    sim.setFaults({ forceStatus: undefined, forceEndpoints: undefined });
    expect(outcome).toMatchObject({ status: 'failed', code: 'forbidden', referenceId: 'test' });
  });
});

describe('every card within Block Kit limits with the largest simulator data', () => {
  const requests: FocusLookupRequest[] = [
    phone(FIXTURES.jane.phone),
    phone(FIXTURES.hostile.phone),
    phone(FIXTURES.longName.phone),
    phone(FIXTURES.sharedNumber.phone),
    phone(FIXTURES.unknownNumber),
    { kind: 'person', id: FIXTURES.manyEndpoints.personId },
    { kind: 'person', id: FIXTURES.longName.personId },
    { kind: 'person', id: FIXTURES.hostile.personId },
    { kind: 'person', id: FIXTURES.noEndpoints.personId },
    { kind: 'person', query: 'e' },
    { kind: 'recording', id: FIXTURES.manyComments.recordingId },
    { kind: 'recording', id: FIXTURES.jane.recordingIds[0] },
    { kind: 'comments', recordingId: FIXTURES.manyComments.recordingId, page: 1 },
    { kind: 'comments', recordingId: FIXTURES.manyComments.recordingId, page: 6 },
    { kind: 'user', query: 'e' },
    { kind: 'retention' },
  ];
  const modes: CardMode[] = ['ephemeral', 'shared', 'thread', 'modal', 'unfurl'];

  it.each(requests.map((r) => [JSON.stringify(r).slice(0, 80), r] as const))('%s', async (_name, request) => {
    const outcome: LookupOutcome = await run(request);
    expect(outcome.status).not.toBe('failed');
    for (const mode of modes) {
      for (const compact of [false, true]) {
        expectWithinLimits(renderOutcome(outcome, { links, mode, askerId: 'U1', sharedBy: 'U2' }, compact));
      }
    }
  });
});

describe('the lookup deadline', () => {
  it('answers timeout and calls off the Focus calls still queued', async () => {
    const slow = await startSimulator({ faults: { latencyMs: 400 } });
    const slowClient = clientFor(slow, { maxConcurrency: 1 });
    try {
      await slowClient.authenticate();
      const service = new LookupService({
        cache: new FocusCache(slowClient),
        logger: silentLogger,
        deadlineMs: 300,
      });
      slow.resetStats();
      const numbers = slow.dataset.endpoints.filter((e) => e.type === 'phone').slice(0, 6);
      const outcomes = await Promise.all(
        numbers.map((e) => service.run(phone(e.endpoint), { requestId: 'deadline' })),
      );
      expect(outcomes.map((o) => o.status === 'failed' && o.code)).toEqual(numbers.map(() => 'timeout'));
      await new Promise((r) => setTimeout(r, 1_500));
      // One slot: only the calls that got it before the deadline reached Focus, not all six.
      expect(slow.stats().total).toBeLessThanOrEqual(2);
    } finally {
      await slowClient.close();
      await slow.close();
    }
  });
});
