import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { clientFor, firstAnswered, focusFailure, startSimulator } from '../helpers/focus.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;
const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});
async function setup(simOptions: Parameters<typeof startSimulator>[0] = {}, clientOptions = {}) {
  const sim: Sim = await startSimulator(simOptions);
  const client = clientFor(sim, clientOptions);
  open.push(client, sim);
  return { sim, client };
}

/** Focus stops answering `status` once it has answered it once (the test waits for the client). */
function clearAfterFirst(sim: Sim, status: number, faults: Parameters<Sim['setFaults']>[0]): void {
  firstAnswered(sim, status).then(
    () => sim.setFaults(faults),
    () => {}, // none came: the test's own assertions say so
  );
}

describe('Focus client against the simulator', () => {
  it('calls every documented endpoint and normalises the answers', async () => {
    const { client } = await setup();
    const endpoints = await client.searchEndpoints({ type: 'phone', value: FIXTURES.jane.phone });
    expect(endpoints.items).toHaveLength(1);
    expect(endpoints.items[0]).toMatchObject({
      id: FIXTURES.jane.phoneEndpointId,
      personId: 1,
      value: FIXTURES.jane.phone,
    });
    const [jane] = await client.getPeople([FIXTURES.jane.personId, 999_999_999]);
    expect(jane?.fullName).toBe('Jane Smith');
    expect(jane?.endpoints.map((e) => e.value)).toContain(FIXTURES.jane.phone2);
    const recordings = await client.searchRecordings({
      endpointIds: [FIXTURES.jane.phoneEndpointId],
      pageSize: 3,
    });
    expect(recordings.items).toHaveLength(3);
    expect(recordings.total).toBeGreaterThan(3);
    const starts = recordings.items.map((r) => Date.parse(r.start));
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
    const one = await client.searchRecordings({ recordingIds: [FIXTURES.manyComments.recordingId] });
    expect(one.items.map((r) => r.id)).toEqual([FIXTURES.manyComments.recordingId]);
    const comments = await client.comments(FIXTURES.manyComments.recordingId);
    expect(comments).toHaveLength(60);
    const users = await client.searchUsers({});
    expect(users.map((u) => u.username)).toContain(FIXTURES.users.jane.username);
    const groups = await client.retentionGroups();
    expect(groups.length).toBeGreaterThan(2);
    expect(groups[0]?.properties).toBeTypeOf('object');
  });

  it('accepts the bare-array shape of endpoint search', async () => {
    const { client } = await setup({ endpointSearchShape: 'array' });
    const page = await client.searchEndpoints({ type: 'phone', value: FIXTURES.sharedNumber.phone });
    expect(page.items.map((e) => e.personId).sort()).toEqual([...FIXTURES.sharedNumber.personIds]);
  });

  it('makes one auth request for 50 concurrent calls', async () => {
    const { sim, client } = await setup({ faults: { latencyMs: 20 } });
    await Promise.all(Array.from({ length: 50 }, () => client.getPeople([FIXTURES.jane.personId])));
    expect(sim.stats().byEndpoint.auth).toBe(1);
    expect(sim.stats().byEndpoint['people.get']).toBe(50);
  });

  it('renews the token when it expires, and ahead of expiry', async () => {
    let now = Date.parse('2026-11-01T12:00:00Z');
    const clock = () => now;
    const { sim, client } = await setup({ clock }, { now: clock, renewAheadMs: 60_000 });
    await client.retentionGroups();
    expect(sim.stats().byEndpoint.auth).toBe(1);
    now += 14 * 60_000; // 1 minute before expiry: still valid, renewed in the background
    await client.retentionGroups();
    await vi.waitFor(() => expect(sim.stats().byEndpoint.auth).toBe(2), { timeout: 10_000 });
    now += 16 * 60_000; // past the second token's expiry as well
    await client.retentionGroups();
    expect(sim.stats().byEndpoint.auth).toBe(3);
  });

  it('on 401 renews once and retries once', async () => {
    let serverNow = Date.now();
    const { sim, client } = await setup({ clock: () => serverNow });
    await client.retentionGroups();
    serverNow += 3_600_000; // the server now thinks the client's token expired; the client does not
    const groups = await client.retentionGroups();
    expect(groups.length).toBeGreaterThan(0);
    expect(sim.stats().byEndpoint.auth).toBe(2);
    expect(sim.stats().byStatus['401']).toBe(1);
  });

  it('surfaces auth_failed for bad credentials, trying each spelling once', async () => {
    const { sim } = await setup();
    const client = clientFor(sim, { credentials: { ...sim.credentials, apiKey: 'wrong' } });
    open.push(client);
    const error = await focusFailure(client.retentionGroups());
    expect(error.code).toBe('auth_failed');
    expect(error.message).not.toContain('wrong');
    expect(sim.stats().byEndpoint.auth).toBe(2);
  });

  it('finds the other spelling of the auth path on 404 and remembers it', async () => {
    let now = Date.now();
    const clock = () => now;
    const { sim, client } = await setup(
      { authPaths: ['authWithAPIKey'], clock },
      { now: clock, authPath: '/authWithApiKey' },
    );
    await client.retentionGroups();
    expect(sim.stats().byStatus['404']).toBe(1);
    expect(sim.stats().byEndpoint.auth).toBe(1);
    now += 60 * 60_000; // the token expired: renewal goes straight to the spelling that worked
    await client.retentionGroups();
    expect(sim.stats().byStatus['404']).toBe(1);
    expect(sim.stats().byEndpoint.auth).toBe(2);
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    const { sim, client } = await setup();
    await client.retentionGroups();
    sim.resetStats();
    sim.setFaults({ rate429: 1, retryAfter: 1 });
    const started = Date.now();
    clearAfterFirst(sim, 429, { rate429: 0 }); // long before the second it asked for
    const users = await client.searchUsers({ search: 'jane' });
    expect(users.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sim.stats().byStatus['429']).toBe(1);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const { sim, client } = await setup();
    await client.retentionGroups();
    sim.resetStats();
    sim.setFaults({ rate429: 1, retryAfter: 1, retryAfterDate: true });
    clearAfterFirst(sim, 429, { rate429: 0 });
    await client.retentionGroups();
    // The date is a second after the 429 was sent, in whole seconds: the next try came no earlier.
    const [told, next] = sim.requests();
    expect(told?.status).toBe(429);
    const date = Math.floor(((told?.receivedAt ?? 0) + 1_000) / 1_000) * 1_000;
    expect(next?.receivedAt).toBeGreaterThanOrEqual(date);
  });

  it('gives up on 429 when Retry-After is beyond the deadline', async () => {
    const { sim, client } = await setup({}, { deadlineMs: 8_000 });
    await client.retentionGroups();
    sim.setFaults({ rate429: 1, retryAfter: 30 });
    const started = Date.now();
    const error = await focusFailure(client.retentionGroups());
    expect(error.code).toBe('rate_limited');
    expect(error.status).toBe(429);
    expect(Date.now() - started).toBeLessThan(4_000); // at once, well before the 8 s deadline
  });

  it('retries 500 with backoff, then surfaces a typed error', async () => {
    const { sim, client } = await setup();
    await client.retentionGroups();
    sim.resetStats();
    sim.setFaults({ rate500: 1 });
    const error = await focusFailure(client.searchRecordings({ recordingIds: [1] }));
    expect(error).toMatchObject({ code: 'unavailable', status: 500, endpoint: 'recording.search' });
    expect(sim.stats().byEndpoint['recording.search']).toBe(4);
  });

  it('recovers when a 503 clears within the retries', async () => {
    const { sim, client } = await setup();
    await client.retentionGroups();
    sim.resetStats();
    sim.setFaults({ rate503: 1, retryAfter: 1 });
    clearAfterFirst(sim, 503, { rate503: 0 });
    const page = await client.searchRecordings({ recordingIds: [FIXTURES.jane.recordingIds[0]] });
    expect(page.items).toHaveLength(1);
    expect(sim.stats().byStatus['503']).toBeGreaterThanOrEqual(1);
  });

  it('stops at the per-call deadline', async () => {
    const { sim, client } = await setup({}, { deadlineMs: 300 });
    await client.retentionGroups();
    sim.setFaults({ hangMs: 60_000 });
    const started = Date.now();
    const error = await focusFailure(client.retentionGroups());
    expect(error.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(10_000); // at its deadline, not when the minute's hang ends
  });

  it('reports malformed JSON as bad_response', async () => {
    const { sim, client } = await setup();
    await client.retentionGroups();
    sim.setFaults({ malformedShare: 1 });
    const error = await focusFailure(client.searchUsers({}));
    expect(error).toMatchObject({ code: 'bad_response', endpoint: 'user.search' });
  });

  it('maps 403 and 404 to forbidden and not_found', async () => {
    const { sim, client } = await setup({ faults: { withheldRights: ['Recording.View'] } });
    expect((await focusFailure(client.searchRecordings({}))).code).toBe('forbidden');
    sim.setFaults({ withheldRights: [] });
    expect((await focusFailure(client.comments(424_242_424))).code).toBe('not_found');
  });

  it('surfaces connection refused as unavailable', async () => {
    const { sim } = await setup();
    const url = sim.url;
    await sim.close();
    const client = clientFor({ ...sim, url } as Sim, { deadlineMs: 1_000 });
    open.push(client);
    const error = await focusFailure(client.retentionGroups());
    expect(['unavailable', 'timeout']).toContain(error.code);
    expect(error.endpoint).toBe('auth');
  });

  it('keeps concurrency per tenant bounded', async () => {
    const { sim, client } = await setup({ faults: { latencyMs: 30 } }, { maxConcurrency: 3 });
    await client.retentionGroups();
    sim.resetStats();
    await Promise.all(Array.from({ length: 12 }, (_, i) => client.getPeople([i + 1])));
    // Counted by the simulator as requests come and go, not sampled.
    expect(sim.stats().peakInFlight).toBeLessThanOrEqual(3);
    expect(sim.stats().peakInFlight).toBeGreaterThan(0);
  });
});
