/**
 * The Focus client's contract against every simulator profile: whatever tenant it meets, every
 * documented call works and normalises, tokens are shared, renewed and recovered, and the
 * spelling of the auth path does not matter. A new profile is tested here without a new line.
 */
import { describe, expect, it, type OnTestFinishedHandler } from 'vitest';
import { AUTH_PATHS } from '../../src/domain/tenant.js';
import type { FocusClientOptions } from '../../src/focus/client.js';
import { FocusError } from '../../src/focus/errors.js';
import {
  FIXTURES,
  PROFILE_NAMES,
  type ProfileName,
  type SimulatorOptions,
  type WireEntity,
  withProfile,
} from '../../src/sandbox/index.js';
import { clientFor, startSimulator } from '../helpers/focus.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;

/** A test's own `onTestFinished` (the global one cannot tell concurrent tests apart). */
type Finally = (fn: OnTestFinishedHandler) => void;

/** Retries generous enough that 1-in-10 429s and 1% 503s never fail a call. */
const PATIENT: Partial<FocusClientOptions> = {
  retry: { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 50 },
  deadlineMs: 20_000,
};

/** Whether the profile sends `field` on records of `entity`. */
function sends(profile: ProfileName, entity: WireEntity, field: string): boolean {
  const mask = withProfile({ profile }).fields?.[entity];
  return mask === undefined || field in mask;
}

// Concurrent: most of the time of `slow` and `rate-limited` is waiting.
describe.concurrent.each(PROFILE_NAMES)('Focus client against the %s profile', (profile) => {
  async function setup(
    onTestFinished: Finally,
    simOptions: SimulatorOptions = {},
    clientOptions: Partial<FocusClientOptions> = {},
  ) {
    const sim: Sim = await startSimulator({ profile, ...simOptions });
    const client = clientFor(sim, { ...PATIENT, ...clientOptions });
    onTestFinished(async () => {
      await client.close();
      await sim.close();
    });
    return { sim, client };
  }

  it('calls every documented endpoint and normalises the answers', async ({ onTestFinished }) => {
    const { client } = await setup(onTestFinished);
    const endpoints = await client.searchEndpoints({ type: 'phone', value: FIXTURES.jane.phone });
    expect(endpoints.items).toEqual([
      expect.objectContaining({ id: FIXTURES.jane.phoneEndpointId, personId: 1, value: FIXTURES.jane.phone }),
    ]);
    expect(endpoints.total).toBe(1);

    const people = await client.getPeople([FIXTURES.jane.personId, 999_999_999]);
    expect(people).toHaveLength(1);
    const jane = people[0];
    expect(jane?.fullName).toBe('Jane Smith');
    expect(Array.isArray(jane?.endpoints)).toBe(true);
    if (sends(profile, 'person', 'endpoints'))
      expect(jane?.endpoints.map((e) => e.value)).toContain(FIXTURES.jane.phone2);
    else expect(jane?.endpoints).toEqual([]);
    expect(jane?.personType).toBe(sends(profile, 'person', 'personType') ? 'subscriber' : undefined);

    const recordings = await client.searchRecordings({
      endpointIds: [FIXTURES.jane.phoneEndpointId],
      pageSize: 3,
    });
    expect(recordings.items).toHaveLength(3);
    expect(recordings.total).toBeGreaterThan(3);
    for (const r of recordings.items) {
      expect(r.id).toBeTypeOf('number');
      expect(Number.isNaN(Date.parse(r.start))).toBe(false);
      expect(r.endpoints.map((e) => e.value)).toContain(FIXTURES.jane.phone);
      expect(r.tags).toBeInstanceOf(Array);
      expect(r.people).toBeInstanceOf(Array);
      if (!sends(profile, 'recording', 'durationSeconds')) expect(r.durationSeconds).toBeUndefined();
    }
    const starts = recordings.items.map((r) => Date.parse(r.start));
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);

    const one = await client.searchRecordings({ recordingIds: [FIXTURES.manyComments.recordingId] });
    expect(one.items.map((r) => r.id)).toEqual([FIXTURES.manyComments.recordingId]);

    const comments = await client.comments(FIXTURES.manyComments.recordingId);
    expect(comments).toHaveLength(FIXTURES.manyComments.commentCount);
    expect(comments.every((c) => typeof c.text === 'string' && c.text.length > 0)).toBe(true);

    const users = await client.searchUsers({});
    expect(users.map((u) => u.username)).toContain(FIXTURES.users.jane.username);
    expect(users.every((u) => Array.isArray(u.rolesAndRights))).toBe(true);

    const groups = await client.retentionGroups();
    expect(groups.length).toBeGreaterThan(2);
    expect(groups[0]).toMatchObject({ id: FIXTURES.retentionGroups.defaultId, name: expect.any(String) });
    expect(groups[0]?.properties).toBeTypeOf('object');
  });

  it('makes one auth request for 50 concurrent calls', async ({ onTestFinished }) => {
    const { sim, client } = await setup(onTestFinished, {}, { maxConcurrency: 16 });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => client.getPeople([FIXTURES.jane.personId])),
    );
    expect(answers.every(([p]) => p?.fullName === 'Jane Smith')).toBe(true);
    expect(sim.stats().byEndpoint.auth).toBe(1);
    expect(sim.stats().byEndpoint['people.get']).toBeGreaterThanOrEqual(50);
  });

  it('on 401 renews once and retries once', async ({ onTestFinished }) => {
    let serverNow = Date.now();
    const { sim, client } = await setup(onTestFinished, { clock: () => serverNow });
    await client.retentionGroups();
    sim.resetStats();
    serverNow += 3_600_000; // the server thinks the client's token expired; the client does not
    const groups = await client.retentionGroups();
    expect(groups.length).toBeGreaterThan(0);
    expect(sim.stats().byEndpoint.auth).toBe(1);
    expect(sim.stats().byStatus['401']).toBe(1);
  });

  it('renews a token before the tenant expires it, and after', async ({ onTestFinished }) => {
    let now = Date.parse('2026-11-01T12:00:00Z');
    const clock = () => now;
    const { sim, client } = await setup(onTestFinished, { clock }, { now: clock });
    const lifetimeMs = sim.faults.tokenLifetimeSeconds * 1000;
    await client.retentionGroups();
    expect(sim.stats().byEndpoint.auth).toBe(1);
    now += lifetimeMs - 1_000; // a second before the tenant expires it: renewed in the background
    await client.retentionGroups();
    await expect.poll(() => sim.stats().byEndpoint.auth, { timeout: 5_000 }).toBe(2);
    now += 2_000; // the first token is gone; the client already holds the second
    await client.retentionGroups();
    expect(sim.stats().byEndpoint.auth).toBe(2);
    now += lifetimeMs * 3; // past every token's lifetime: renewed before the call
    expect((await client.searchUsers({})).length).toBeGreaterThan(0);
    expect(sim.stats().byEndpoint.auth).toBe(3);
    expect(sim.stats().byStatus['401'] ?? 0).toBe(0);
  });

  it('does not re-authenticate while the token is young', async ({ onTestFinished }) => {
    let now = Date.parse('2026-11-01T12:00:00Z');
    const clock = () => now;
    const { sim, client } = await setup(onTestFinished, { clock }, { now: clock });
    await client.retentionGroups();
    for (let i = 0; i < 5; i++) {
      now += sim.faults.tokenLifetimeSeconds * 100; // a tenth of the lifetime at a time, to half of it
      await client.retentionGroups();
    }
    await new Promise((r) => setTimeout(r, 100)); // room for a background renewal to show
    expect(sim.stats().byEndpoint.auth).toBe(1);
  });

  it.for(AUTH_PATHS)(
    'authenticates with %s configured first, and remembers what worked',
    async (authPath, { onTestFinished }) => {
      let now = Date.parse('2026-11-01T12:00:00Z');
      const clock = () => now;
      const { sim, client } = await setup(onTestFinished, { clock }, { now: clock, authPath });
      await client.authenticate();
      const afterFirst = sim.stats().total;
      expect(sim.stats().byEndpoint.auth).toBe(1);
      now += sim.faults.tokenLifetimeSeconds * 3000;
      await client.retentionGroups();
      // The renewal went straight to the spelling that worked: one auth request, one data call.
      expect(sim.stats().total - afterFirst).toBe(2);
      expect(sim.stats().byEndpoint.auth).toBe(2);
    },
  );

  it('surfaces auth_failed for bad credentials, trying each spelling at most once', async ({
    onTestFinished,
  }) => {
    const { sim } = await setup(onTestFinished);
    const client = clientFor(sim, { ...PATIENT, credentials: { ...sim.credentials, apiKey: 'wrong-key' } });
    onTestFinished(() => client.close());
    const error = await client.retentionGroups().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FocusError);
    expect((error as FocusError).code).toBe('auth_failed');
    expect((error as FocusError).message).not.toContain('wrong-key');
    expect(sim.stats().total).toBeLessThanOrEqual(2);
    expect(sim.stats().byEndpoint.retentionGroup).toBe(0);
  });

  it('answers a mixed burst of 60 calls, every one of them', async ({ onTestFinished }) => {
    const { client } = await setup(onTestFinished);
    const calls = Array.from({ length: 60 }, (_, i) => {
      const id = FIXTURES.jane.recordingIds[i % FIXTURES.jane.recordingIds.length] as number;
      switch (i % 4) {
        case 0:
          return client.searchRecordings({ recordingIds: [id] }).then((p) => p.items[0]?.id === id);
        case 1:
          return client.comments(id).then((c) => Array.isArray(c));
        case 2:
          return client
            .searchEndpoints({ type: 'email', value: FIXTURES.jane.email })
            .then((p) => p.total === 1);
        default:
          return client
            .getPeople([FIXTURES.accented.personId])
            .then(([p]) => p?.fullName === 'Zoë Ó Súilleabháin');
      }
    });
    expect(await Promise.all(calls)).toEqual(Array(60).fill(true));
  });
});
