/**
 * A large tenant: `people: N` adds bulk people after the regular dataset (which stays as it is
 * for the seed), and the endpoint listing pages through them a slice at a time.
 */
import { describe, expect, it } from 'vitest';
import { MAX_PEOPLE } from '../../src/sandbox/data.js';
import { generateDataset } from '../../src/sandbox/index.js';
import { FocusStore } from '../../src/sandbox/store.js';
import { sharedDataset, startSimulator } from '../helpers/focus.js';

const PEOPLE = 100_000;
const big = generateDataset({ people: PEOPLE });
const regular = sharedDataset();

describe('generateDataset({ people })', () => {
  it('holds that many people, three endpoints each beyond the regular ones, every number unique', () => {
    expect(big.people).toHaveLength(PEOPLE);
    const bulk = PEOPLE - regular.people.length;
    expect(big.endpoints).toHaveLength(regular.endpoints.length + 3 * bulk);
    // (The regular dataset shares one number between two people on purpose; bulk numbers are new.)
    const regularPhones = new Set(regular.endpoints.map((e) => e.endpoint));
    const phones = big.endpoints
      .slice(regular.endpoints.length)
      .filter((e) => e.type === 'phone')
      .map((e) => e.endpoint);
    expect(phones).toHaveLength(2 * bulk);
    expect(new Set(phones).size).toBe(phones.length);
    expect(phones.some((p) => regularPhones.has(p))).toBe(false);
    const emails = big.endpoints.filter((e) => e.type === 'email').map((e) => e.endpoint);
    expect(new Set(emails).size).toBe(emails.length);
    // Every endpoint record points at its owner, and the owner lists it.
    const byId = new Map(big.people.map((p) => [p.id, p]));
    for (const e of big.endpoints.slice(-1_000)) {
      const owner = byId.get(e.personId);
      expect(owner?.fullName).toBe(e.person.fullName);
      expect(owner?.endpoints.some((h) => h.endpoint.id === e.id)).toBe(true);
    }
  });

  it('leaves the regular dataset exactly as it is for the seed', () => {
    expect(big.recordings).toEqual(regular.recordings);
    expect(big.people.slice(0, regular.people.length)).toEqual(regular.people);
    expect(big.comments).toEqual(regular.comments);
  });

  it('refuses more people than the number ranges hold', () => {
    expect(() => generateDataset({ people: MAX_PEOPLE + 1 })).toThrow(RangeError);
  });
});

describe('endpoint listing at scale', () => {
  it('pages through every endpoint of a type, in order, each page a slice', () => {
    const store = new FocusStore(big);
    const emails = big.endpoints.filter((e) => e.type === 'email');
    const seen: number[] = [];
    for (let page = 1; ; page++) {
      const result = store.searchEndpoints('email', undefined, page, 1_000);
      expect(result.total).toBe(emails.length);
      seen.push(...result.items.map((e) => e.id));
      if (result.items.length < 1_000) break;
    }
    expect(seen).toEqual(emails.map((e) => e.id));
  });

  it('serves the simulator over HTTP and logs each request with its times', async () => {
    const sim = await startSimulator({ dataset: big });
    try {
      const token = sim.signToken();
      const started = Date.now();
      const res = await fetch(`${sim.url}/client/people/endpoint/search`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'phone', page: 150, pageSize: 1_000 }),
      });
      const body = (await res.json()) as { endpoints: unknown[]; total: number };
      expect(body.endpoints).toHaveLength(1_000);
      expect(body.total).toBe(big.endpoints.filter((e) => e.type === 'phone').length);
      const [logged] = sim.requests();
      expect(logged?.endpoint).toBe('endpoint.search');
      expect(logged?.status).toBe(200);
      expect(logged?.receivedAt).toBeGreaterThanOrEqual(started);
      expect(logged?.answeredAt).toBeGreaterThanOrEqual(logged?.receivedAt ?? Number.NaN);
      sim.resetStats();
      expect(sim.requests()).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
