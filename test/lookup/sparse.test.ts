/**
 * Lookups against a tenant that sends only the documented fields (the `bare` profile): a
 * person's numbers, emails and recordings must not depend on people.get listing endpoints.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/domain/logger.js';
import type { LookupOutcome } from '../../src/domain/outcome.js';
import { FocusCache } from '../../src/focus/cache.js';
import type { FocusClient } from '../../src/focus/client.js';
import { PeopleDirectory } from '../../src/lookup/directory.js';
import { LookupService } from '../../src/lookup/service.js';
import { FIXTURES } from '../../src/sandbox/index.js';
import { clientFor, startSimulator } from '../helpers/focus.js';

let sim: Awaited<ReturnType<typeof startSimulator>>;
let client: FocusClient;
let lookups: LookupService;
let withoutDirectory: LookupService;

beforeAll(async () => {
  sim = await startSimulator({ profile: 'bare' });
  client = clientFor(sim);
  const cache = new FocusCache(client);
  const directory = new PeopleDirectory({ client, logger: silentLogger });
  lookups = new LookupService({ cache, logger: silentLogger, deadlineMs: 5_000, directory });
  withoutDirectory = new LookupService({ cache, logger: silentLogger, deadlineMs: 5_000 });
});
afterAll(async () => {
  await client?.close();
  await sim?.close();
});

function personResult(outcome: LookupOutcome) {
  if (outcome.status !== 'found' || outcome.result.kind !== 'person')
    throw new Error(`not a person: ${outcome.status}`);
  return outcome.result;
}

describe('person lookups when people.get carries only id and fullName', () => {
  it('by id: her numbers and emails come from the endpoint search, and so do her recordings', async () => {
    const { person, recordings } = personResult(
      await lookups.run({ kind: 'person', id: FIXTURES.jane.personId }, { requestId: 't1' }),
    );
    expect(person.fullName).toBe('Jane Smith');
    expect(person.personType).toBeUndefined();
    expect(person.endpoints.map((e) => e.value).sort()).toEqual(
      [FIXTURES.jane.phone, FIXTURES.jane.phone2, FIXTURES.jane.email].sort(),
    );
    expect(person.endpoints.every((e) => typeof e.id === 'number')).toBe(true);
    expect(recordings.total).toBe(FIXTURES.jane.recordingCount);
  });

  it('by name and by email alike', async () => {
    const byName = personResult(
      await lookups.run({ kind: 'person', query: 'jane smith' }, { requestId: 't2' }),
    );
    expect(byName.recordings.total).toBe(FIXTURES.jane.recordingCount);
    const byEmail = personResult(
      await lookups.run({ kind: 'person', query: FIXTURES.accented.email }, { requestId: 't3' }),
    );
    expect(byEmail.person.endpoints.map((e) => e.value)).toContain(FIXTURES.accented.phone);
    expect(byEmail.recordings.total).toBeGreaterThan(0);
  });

  it('a person with no endpoints anywhere is still found, with no recordings', async () => {
    const { person, recordings } = personResult(
      await lookups.run({ kind: 'person', id: FIXTURES.noEndpoints.personId }, { requestId: 't4' }),
    );
    expect(person.fullName).toBe(FIXTURES.noEndpoints.fullName);
    expect(person.endpoints).toEqual([]);
    expect(recordings.total).toBe(0);
  });

  it('without a directory, the person is still answered (without numbers)', async () => {
    const { person } = personResult(
      await withoutDirectory.run({ kind: 'person', id: FIXTURES.jane.personId }, { requestId: 't5' }),
    );
    expect(person.fullName).toBe('Jane Smith');
  });
});
