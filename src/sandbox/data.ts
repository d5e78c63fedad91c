/**
 * `generateDataset`: deterministic Focus data for a seed and an instant. Fixtures (stable ids,
 * see `FIXTURES`) come first; generated records follow.
 */
import { addBulkPeople } from './bulk-people.js';
import { generateComments } from './comments.js';
import { fixtureComments, fixtureRecordings } from './fixture-recordings.js';
import { addFixturePeople, FIXTURES } from './fixtures.js';
import { addGeneratedPeople } from './people.js';
import { createRng } from './random.js';
import { generateRecordings } from './recordings.js';
import { Roster } from './roster.js';
import type { Dataset } from './types.js';
import { generateUsers, RETENTION_GROUPS } from './users.js';

export interface DatasetOptions {
  seed?: number;
  now?: Date;
  /**
   * People in all (default: the regular ~300). More are added as bulk people after the
   * regular dataset (two numbers and an email address each, no recordings): a large tenant.
   */
  people?: number;
}

/** The bulk people's random stream, apart from the regular one so the rest never shifts. */
const BULK_SEED_OFFSET = 0x5eed;

export function generateDataset(opts: DatasetOptions = {}): Dataset {
  const seed = opts.seed ?? FIXTURES.seed;
  const nowMs = (opts.now ?? new Date(FIXTURES.now)).getTime();
  const rng = createRng(seed);
  const users = generateUsers(rng);
  const dir = new Roster();
  addFixturePeople(dir);
  const retention = addGeneratedPeople(dir, rng);
  const generated = generateRecordings(dir, rng, nowMs, retention);
  const fixtures = fixtureRecordings(dir, nowMs);
  if (opts.people !== undefined) addBulkPeople(dir, createRng(seed + BULK_SEED_OFFSET), opts.people);
  const usernames = users.filter((u) => u.enabled).map((u) => u.username);
  const comments = {
    ...fixtureComments(nowMs, usernames),
    ...generateComments(rng, generated, usernames, nowMs),
  };
  const recordings = [...generated, ...fixtures]
    .map((r) => ({ r, t: Date.parse(r.startDatetimeUTC) }))
    .sort((a, b) => b.t - a.t || b.r.interactionId - a.r.interactionId)
    .map((x) => x.r);
  return {
    seed,
    now: new Date(nowMs).toISOString(),
    people: dir.people,
    endpoints: dir.endpoints,
    recordings,
    comments,
    users,
    retentionGroups: RETENTION_GROUPS.map((g) => structuredClone(g)),
  };
}
