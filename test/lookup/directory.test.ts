/**
 * The people directory against a large simulated tenant over HTTP: built in parallel within
 * its share of the client's connections, with the fewest calls; refreshed cheaply; searchable
 * (and answering within the deadline) while its first build is under way; and never making a
 * lookup's Focus call after that lookup gave up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EndpointRecord, Page, Person } from '../../src/domain/focus.js';
import { makePortalLinks } from '../../src/domain/links.js';
import { silentLogger } from '../../src/domain/logger.js';
import { FocusCache } from '../../src/focus/cache.js';
import type { FocusClient } from '../../src/focus/client.js';
import { FocusError } from '../../src/focus/errors.js';
import { type DirectoryOptions, PeopleDirectory } from '../../src/lookup/directory.js';
import type { DirectorySource } from '../../src/lookup/directory-build.js';
import { LookupService } from '../../src/lookup/service.js';
import { renderOutcome } from '../../src/render/outcome.js';
import { type Dataset, FIXTURES, generateDataset, type SimulatorOptions } from '../../src/sandbox/index.js';
import { clientFor, startSimulator } from '../helpers/focus.js';

const PEOPLE = 20_000;
const big = generateDataset({ people: PEOPLE });
/** Endpoint records without their owner's name: every name must come from people.get. */
const NAMELESS: SimulatorOptions['fields'] = {
  endpoint: { id: true, endpoint: true, type: true, personId: true },
};

type Sim = Awaited<ReturnType<typeof startSimulator>>;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean();
});

async function setup(simOptions: SimulatorOptions, directoryOptions: Partial<DirectoryOptions> = {}) {
  const sim: Sim = await startSimulator({ dataset: big, ...simOptions });
  const client: FocusClient = clientFor(sim, { maxConcurrency: 8 });
  const directory = new PeopleDirectory({
    client,
    logger: silentLogger,
    focusConcurrency: 8,
    ...directoryOptions,
  });
  cleanups.push(
    () => sim.close(),
    () => client.close(),
    () => directory.stop(),
  );
  await client.authenticate();
  sim.resetStats();
  return { sim, client, directory };
}

function counts(dataset: Dataset) {
  const owners = new Set(dataset.endpoints.map((e) => e.personId));
  const pages = (type: string) => Math.ceil(dataset.endpoints.filter((e) => e.type === type).length / 1_000);
  return { owners: owners.size, pages: pages('phone') + pages('email') };
}

const links = makePortalLinks({
  portal: 'https://p.test',
  recordingTemplate: '{portal}/recordings/{id}',
  personTemplate: '{portal}/people/{id}',
});
const cardText = (card: ReturnType<typeof renderOutcome>) => JSON.stringify(card.blocks);

// Building 20,000 people over HTTP in this process is CPU work: about 3 s for the first build
// here alone, stretched several times on a machine busy with other work. No assertion reads the
// clock, so a minute instead of the default 20 s changes no outcome, only how long a hang takes.
describe(`the people directory at ${PEOPLE.toLocaleString('en')} people`, { timeout: 60_000 }, () => {
  it('builds with parallel pages and people.get batches, within three quarters of the connections', async () => {
    const { sim, directory } = await setup({ fields: NAMELESS, faults: { latencyMs: 20 } });
    await directory.refresh();
    const { owners, pages } = counts(big);
    expect(directory.size).toBe(owners);
    const stats = sim.stats();
    expect(stats.byEndpoint['endpoint.search']).toBe(pages);
    expect(stats.byEndpoint['people.get']).toBe(Math.ceil(owners / 500));
    expect(stats.peakInFlight).toBeLessThanOrEqual(6);
    expect(stats.peakInFlight).toBeGreaterThanOrEqual(4);
    const someone = big.people[PEOPLE - 1];
    const found = await directory.find(someone?.fullName ?? '', 10);
    expect(found.complete).toBe(true);
    expect(found.matches.map((m) => m.id)).toContain(someone?.id);
    expect((await directory.endpointsOf(someone?.id ?? 0)).map((e) => e.value).sort()).toEqual(
      big.endpoints
        .filter((e) => e.personId === someone?.id)
        .map((e) => e.endpoint)
        .sort(),
    );
  });

  it('takes names from endpoint records that carry them: no people.get at all', async () => {
    const { sim, directory } = await setup({});
    await directory.refresh();
    expect(directory.size).toBe(counts(big).owners);
    expect(sim.stats().byEndpoint['people.get']).toBe(0);
    expect(sim.stats().byEndpoint['endpoint.search']).toBe(counts(big).pages);
  });

  it('reads a tenant that answers a bare array (no total), and one that caps the page size', async () => {
    // Asks 2,000 a page; the simulator sends at most 1,000 and no total.
    const { sim, directory } = await setup({ endpointSearchShape: 'array' }, { pageSize: 2_000 });
    await directory.refresh();
    expect(directory.size).toBe(counts(big).owners);
    const calls = sim.stats().byEndpoint['endpoint.search'];
    expect(calls).toBeGreaterThanOrEqual(counts(big).pages);
    expect(calls).toBeLessThanOrEqual(counts(big).pages + 2 * 3); // a few pages read past the end
  });

  it('answers a name lookup during its first build within the deadline: the matches so far, or "still loading"', async () => {
    const { sim, client, directory } = await setup(
      { fields: NAMELESS, faults: { latencyMs: 150 } },
      { loadingWaitMs: 300 },
    );
    const lookups = new LookupService({
      cache: new FocusCache(client),
      logger: silentLogger,
      deadlineMs: 8_000,
      directory,
    });
    directory.start();
    const early = await lookups.run({ kind: 'person', query: 'Zoë Ó Súilleabháin' }, { requestId: 'r1' });
    // An answer, not the deadline's ('failed', code 'timeout'), though the build is far from done.
    expect(early.status === 'not_found' || early.status === 'ambiguous').toBe(true);
    expect('directoryLoading' in early && early.directoryLoading).toBe(true);
    expect(cardText(renderOutcome(early, { links }))).toContain('still loading');

    // Once some people are in, a lookup lists those found so far, and says more may come.
    await expect.poll(() => directory.loaded, { timeout: 10_000, interval: 20 }).toBeGreaterThan(500);
    expect(directory.complete).toBe(false);
    const partial = await lookups.run({ kind: 'person', query: 'zoe o suilleabhain' }, { requestId: 'r2' });
    expect(partial.status).toBe('ambiguous');
    if (partial.status !== 'ambiguous') return;
    expect(partial.directoryLoading).toBe(true);
    expect(partial.choices.map((c) => c.request)).toEqual([
      { kind: 'person', id: FIXTURES.accented.personId },
    ]);
    const card = cardText(renderOutcome(partial, { links }));
    expect(card).toContain('1 person matches so far');
    expect(card).toContain('still loading');

    await directory.refresh();
    const done = await lookups.run({ kind: 'person', query: 'zoe o suilleabhain' }, { requestId: 'r3' });
    expect(done.status === 'found' && done.result.kind === 'person' && done.result.person.id).toBe(
      FIXTURES.accented.personId,
    );
    expect(sim.stats().byStatus['200']).toBeGreaterThan(0);
  });

  it('makes no Focus call for a lookup after it gave up waiting', async () => {
    // Names on the endpoint records: the build itself never calls people.get.
    const { sim, client, directory } = await setup({ faults: { latencyMs: 100 } }, { loadingWaitMs: 10_000 });
    const lookups = new LookupService({
      cache: new FocusCache(client),
      logger: silentLogger,
      deadlineMs: 300,
      directory,
    });
    const outcome = await lookups.run({ kind: 'person', query: 'Jane Smith' }, { requestId: 'r4' });
    expect(outcome.status === 'failed' && outcome.code).toBe('timeout');
    await directory.refresh();
    await new Promise((r) => setTimeout(r, 300));
    expect(directory.size).toBeGreaterThan(PEOPLE / 2);
    expect(sim.stats().byEndpoint['people.get']).toBe(0);
    expect(sim.stats().byEndpoint['recording.search']).toBe(0);
  });
});

/** An in-memory tenant for refresh behaviour: endpoints can be added between builds. */
class Tenant implements DirectorySource {
  readonly endpoints: EndpointRecord[] = [];
  readonly asked: number[][] = [];

  add(personId: number, value: string): void {
    this.endpoints.push({ id: this.endpoints.length + 1, value, type: 'phone', personId });
  }

  async searchEndpoints(q: {
    type: string;
    page?: number;
    pageSize?: number;
  }): Promise<Page<EndpointRecord>> {
    const all = this.endpoints.filter((e) => e.type === q.type);
    const size = q.pageSize ?? 100;
    const page = q.page ?? 1;
    return { items: all.slice((page - 1) * size, page * size), total: all.length, page, pageSize: size };
  }

  async getPeople(ids: readonly number[]): Promise<Person[]> {
    this.asked.push([...ids]);
    return ids.map((id) => ({ id, fullName: `Person ${id}`, endpoints: [] }));
  }
}

describe('refreshing the directory', () => {
  it('asks people.get only about new owners, and every namesEvery-th refresh about everyone', async () => {
    const tenant = new Tenant();
    for (let id = 1; id <= 5; id++) tenant.add(id, `44770090000${id}`);
    const directory = new PeopleDirectory({
      client: tenant,
      logger: silentLogger,
      namesEvery: 3,
      pageSize: 2,
      peopleBatch: 2,
    });
    await directory.refresh(); // build 0: every name
    expect(tenant.asked.flat().sort()).toEqual([1, 2, 3, 4, 5]);
    tenant.asked.length = 0;
    tenant.add(6, '447700900006');
    tenant.add(3, '447700900033');
    await directory.refresh(); // build 1: the new owner only
    expect(tenant.asked).toEqual([[6]]);
    expect(directory.size).toBe(6);
    expect((await directory.endpointsOf(3)).map((e) => e.value)).toEqual(['447700900003', '447700900033']);
    tenant.asked.length = 0;
    await directory.refresh(); // build 2: nothing new
    expect(tenant.asked).toEqual([]);
    await directory.refresh(); // build 3: every name again
    expect(tenant.asked.flat().sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('tries a call again after Focus asked it to slow down, and completes the build', async () => {
    const tenant = new Tenant();
    for (let id = 1; id <= 3; id++) tenant.add(id, `44770090000${id}`);
    const getPeople = tenant.getPeople.bind(tenant);
    let refused = 0;
    tenant.getPeople = async (ids) => {
      if (refused++ === 0) throw new FocusError('rate_limited', 'people.get', 'HTTP 429', { status: 429 });
      return getPeople(ids);
    };
    const directory = new PeopleDirectory({ client: tenant, logger: silentLogger });
    await directory.refresh();
    expect(refused).toBe(2);
    expect(directory.size).toBe(3);
  });

  it('keeps the last build when a refresh fails, and answers from it meanwhile', async () => {
    const tenant = new Tenant();
    tenant.add(1, '447700900001');
    const directory = new PeopleDirectory({ client: tenant, logger: silentLogger });
    await directory.refresh();
    tenant.searchEndpoints = async () => {
      throw new Error('Focus is down');
    };
    await directory.refresh();
    expect((await directory.find('person 1')).matches.map((m) => m.id)).toEqual([1]);
  });
});

describe('cards while the directory loads', () => {
  it('no match yet: says it is still loading and how else to find the person', () => {
    const card = renderOutcome(
      { status: 'not_found', request: { kind: 'person', query: 'Jane' }, directoryLoading: true },
      { links },
    );
    expect(card.text).toContain('still loading');
    expect(card.text).toContain('by id, email or phone number');
  });

  it('matches so far: the choices, and a note that more may match', () => {
    const card = renderOutcome(
      {
        status: 'ambiguous',
        request: { kind: 'person', query: 'Jane' },
        choices: [
          { label: 'Jane Smith', request: { kind: 'person', id: 1 } },
          { label: 'Jane Doe', request: { kind: 'person', id: 2 } },
        ],
        directoryLoading: true,
      },
      { links },
    );
    expect(card.text).toBe('2 people match so far');
    expect(cardText(card)).toContain('more people may match');
    const complete = renderOutcome(
      {
        status: 'ambiguous',
        request: { kind: 'person', query: 'Jane' },
        choices: [
          { label: 'Jane Smith', request: { kind: 'person', id: 1 } },
          { label: 'Jane Doe', request: { kind: 'person', id: 2 } },
        ],
      },
      { links },
    );
    expect(complete.text).toBe('2 people match');
    expect(cardText(complete)).not.toContain('still loading');
  });
});
