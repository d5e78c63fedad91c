import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURES,
  type FocusSimulator,
  generateDataset,
  startFocusSimulator,
} from '../../src/sandbox/index.js';
import { call, get, login, post } from './helpers.js';

const dataset = generateDataset();
let sim: FocusSimulator;
let token: string;

beforeAll(async () => {
  sim = await startFocusSimulator({ dataset });
  token = await login(sim);
});
afterAll(() => sim.close());

const decode = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));

describe('auth', () => {
  it('accepts both spellings and issues JWTs with exp = now + lifetime', async () => {
    for (const path of ['/authWithApiKey', '/authWithAPIKey']) {
      const before = Math.floor(Date.now() / 1000);
      const res = await call(sim, 'POST', path, { body: sim.credentials });
      expect(res.status).toBe(200);
      expect(res.json.token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(res.json.refreshToken).toMatch(/^eyJ/);
      const claims = decode(res.json.token);
      expect(claims.sub).toBe('focus-slack-sandbox');
      expect(claims.exp - claims.iat).toBe(900);
      expect(claims.iat).toBeGreaterThanOrEqual(before);
      expect(claims.iat).toBeLessThanOrEqual(Date.now() / 1000);
    }
  });

  it('can offer only one spelling', async () => {
    const only = await startFocusSimulator({ dataset, authPaths: ['authWithAPIKey'] });
    try {
      expect((await call(only, 'POST', '/authWithApiKey', { body: only.credentials })).status).toBe(404);
      expect((await call(only, 'POST', '/authWithAPIKey', { body: only.credentials })).status).toBe(200);
    } finally {
      await only.close();
    }
  });

  it('rejects bad credentials with 401 and bad bodies with 400', async () => {
    const wrong = await call(sim, 'POST', '/authWithApiKey', {
      body: { ...sim.credentials, apiKey: 'nope' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: 'invalid credentials' });
    const asString = { ...sim.credentials, clientId: String(sim.credentials.clientId) };
    expect((await call(sim, 'POST', '/authWithApiKey', { body: asString })).status).toBe(401);
    expect((await call(sim, 'POST', '/authWithApiKey', { body: { apiKey: 'x' } })).status).toBe(400);
    expect((await call(sim, 'POST', '/authWithApiKey', { raw: '{"apiKey":' })).status).toBe(400);
    expect((await call(sim, 'GET', '/authWithApiKey')).status).toBe(405);
  });

  it('honours overridden credentials', async () => {
    const custom = await startFocusSimulator({ dataset, credentials: { clientId: 7654321, apiKey: 'k2' } });
    try {
      expect(custom.credentials).toEqual({
        clientId: 7654321,
        apiKey: 'k2',
        username: 'focus-slack-sandbox',
      });
      expect((await call(custom, 'POST', '/authWithApiKey', { body: sim.credentials })).status).toBe(401);
      expect((await call(custom, 'POST', '/authWithApiKey', { body: custom.credentials })).status).toBe(200);
    } finally {
      await custom.close();
    }
  });

  it('answers 401 without a valid, unexpired access token', async () => {
    const path = '/admin/retentionGroup';
    expect((await call(sim, 'GET', path)).status).toBe(401);
    expect((await get(sim, path, 'not-a-jwt')).status).toBe(401);
    expect((await get(sim, path, `${token.slice(0, -3)}abc`)).status).toBe(401);
    const expired = sim.signToken({ issuedAtMs: Date.now() - 3_600_000, lifetimeSeconds: 60 });
    expect((await get(sim, path, expired)).json).toEqual({ error: 'token expired' });
    const auth = await call(sim, 'POST', '/authWithApiKey', { body: sim.credentials });
    expect((await get(sim, path, auth.json.refreshToken)).status).toBe(401);
    expect((await get(sim, path, sim.signToken())).status).toBe(200);
  });

  it('expires issued tokens after tokenLifetimeSeconds', async () => {
    let now = Date.parse('2026-11-01T12:00:00Z');
    const clocked = await startFocusSimulator({
      dataset,
      clock: () => now,
      faults: { tokenLifetimeSeconds: 1 },
    });
    try {
      const t = await login(clocked);
      expect((await get(clocked, '/admin/retentionGroup', t)).status).toBe(200);
      now += 1100;
      expect((await get(clocked, '/admin/retentionGroup', t)).status).toBe(401);
    } finally {
      await clocked.close();
    }
  });
});

describe('routes', () => {
  it('lists retention groups', async () => {
    const res = await get(sim, '/admin/retentionGroup', token);
    expect(res.status).toBe(200);
    expect(res.json).toEqual(dataset.retentionGroups);
    expect(res.json[0]).toMatchObject({ id: 1, name: 'Default', default: true });
  });

  it('searches endpoints exactly', async () => {
    const path = '/client/people/endpoint/search';
    const jane = await post(sim, path, token, { type: 'phone', endpointSearch: FIXTURES.jane.phone });
    expect(jane.status).toBe(200);
    expect(jane.json).toMatchObject({ total: 1, page: 1, pageSize: 100 });
    expect(jane.json.endpoints[0]).toEqual({
      id: FIXTURES.jane.phoneEndpointId,
      endpoint: FIXTURES.jane.phone,
      type: 'phone',
      personId: 1,
      person: { id: 1, fullName: 'Jane Smith', personType: 'subscriber' },
    });
    const shared = await post(sim, path, token, {
      type: 'phone',
      endpointSearch: FIXTURES.sharedNumber.phone,
    });
    expect(shared.json.endpoints.map((e: { personId: number }) => e.personId)).toEqual([4, 5]);
    for (const miss of [`+${FIXTURES.jane.phone}`, '07700900123', FIXTURES.unknownNumber]) {
      expect((await post(sim, path, token, { type: 'phone', endpointSearch: miss })).json.total).toBe(0);
    }
    const email = await post(sim, path, token, { type: 'email', endpointSearch: 'Jane.Smith@Example.com' });
    expect(email.json.endpoints[0].id).toBe(FIXTURES.jane.emailEndpointId);
    expect(
      (await post(sim, path, token, { type: 'email', endpointSearch: FIXTURES.jane.phone })).json.total,
    ).toBe(0);
    expect((await post(sim, path, token, {})).status).toBe(400);
  });

  it('lists all endpoints of a type, paged', async () => {
    const path = '/client/people/endpoint/search';
    const phones = dataset.endpoints.filter((e) => e.type === 'phone');
    const p1 = await post(sim, path, token, { type: 'phone', pageSize: 50 });
    const p2 = await post(sim, path, token, { type: 'phone', page: 2, pageSize: 50 });
    expect(p1.json.total).toBe(phones.length);
    expect(p1.json.endpoints).toHaveLength(50);
    expect(p2.json.endpoints[0].id).toBe(phones[50]?.id);
    const all = await post(sim, path, token, { type: 'email', pageSize: 5000 });
    expect(all.json.pageSize).toBe(1000);
    expect(all.json.endpoints.every((e: { type: string }) => e.type === 'email')).toBe(true);
  });

  it('can answer endpoint search as a bare array', async () => {
    const bare = await startFocusSimulator({ dataset, endpointSearchShape: 'array' });
    try {
      const t = await login(bare);
      const res = await post(bare, '/client/people/endpoint/search', t, {
        type: 'phone',
        endpointSearch: FIXTURES.hostile.phone,
      });
      expect(Array.isArray(res.json)).toBe(true);
      expect(res.json[0].person.fullName).toBe(FIXTURES.hostile.fullName);
    } finally {
      await bare.close();
    }
  });

  it('searches users (bare array)', async () => {
    const all = await post(sim, '/client/user/search', token, { page: 1, pageSize: 1000 });
    expect(all.json).toHaveLength(21);
    const jane = await post(sim, '/client/user/search', token, { page: 1, pageSize: 1000, search: 'JANE' });
    expect(jane.json).toEqual([
      expect.objectContaining({ id: 1, username: 'jane.smith@example.com', enabled: true }),
    ]);
    const p2 = await post(sim, '/client/user/search', token, { page: 2, pageSize: 15 });
    expect(p2.json.map((u: { id: number }) => u.id)).toEqual([16, 17, 18, 19, 20, 21]);
    expect((await post(sim, '/client/user/search', token, { page: 0 })).status).toBe(400);
  });

  it('gets comments of a recording', async () => {
    const many = await get(
      sim,
      `/client/recording/comment?recordingId=${FIXTURES.manyComments.recordingId}`,
      token,
    );
    expect(many.status).toBe(200);
    expect(many.json).toHaveLength(60);
    expect(Object.keys(many.json[0]).sort()).toEqual(
      ['comment', 'createdDatetimeUTC', 'endOffset', 'id', 'startOffset', 'tags', 'username'].sort(),
    );
    const filtered = await get(sim, '/client/recording/comment?recordingId=500001&bID=3&cIdf=x', token);
    expect(filtered.json).toHaveLength(2);
    const none = dataset.recordings.find((r) => !dataset.comments[r.interactionId]);
    expect(
      (await get(sim, `/client/recording/comment?recordingId=${none?.interactionId}`, token)).json,
    ).toEqual([]);
    expect((await get(sim, '/client/recording/comment?recordingId=42', token)).status).toBe(404);
    expect((await get(sim, '/client/recording/comment', token)).status).toBe(400);
    expect((await get(sim, '/client/recording/comment?recordingId=abc', token)).status).toBe(400);
  });

  it('gets people by id', async () => {
    const res = await post(sim, '/client/people.get', token, [FIXTURES.noEndpoints.personId, 999_999, 1, 1]);
    expect(res.status).toBe(200);
    expect(res.json.map((p: { id: number }) => p.id)).toEqual([FIXTURES.noEndpoints.personId, 1]);
    expect(res.json[1]).toMatchObject({
      fullName: 'Jane Smith',
      personType: 'subscriber',
      email: FIXTURES.jane.email,
    });
    expect(res.json[1].endpoints[0]).toEqual({
      endpoint: { id: FIXTURES.jane.phoneEndpointId, endpoint: FIXTURES.jane.phone, type: 'phone' },
    });
    expect((await post(sim, '/client/people.get', token, { ids: [1] })).status).toBe(400);
    expect((await post(sim, '/client/people.get', token, ['1'])).status).toBe(400);
    expect((await call(sim, 'POST', '/client/people.get', { token, raw: '[1,' })).status).toBe(400);
  });

  it('answers 404 for unknown paths and 405 for wrong methods', async () => {
    expect((await get(sim, '/client/nope', token)).status).toBe(404);
    expect((await call(sim, 'GET', '/../authWithApiKey')).status).toBe(404);
    expect((await get(sim, '/client/recording.search', token)).status).toBe(405);
  });
});
