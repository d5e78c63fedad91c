/** Each simulator profile does what its summary claims, over HTTP; profiles compose with options. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSandboxArgs } from '../../src/sandbox/cli-args.js';
import {
  DOCUMENTED_FIELDS,
  FIXTURES,
  type FocusSimulator,
  generateDataset,
  PROFILE_NAMES,
  PROFILES,
  project,
  type SimulatorOptions,
  shapeBody,
  startFocusSimulator,
  withProfile,
} from '../../src/sandbox/index.js';
import { call, get, login, post } from './helpers.js';

const dataset = generateDataset();
const open: FocusSimulator[] = [];
afterAll(() => Promise.all(open.map((s) => s.close())));

async function start(options: SimulatorOptions): Promise<FocusSimulator> {
  const sim = await startFocusSimulator({ dataset, ...options });
  open.push(sim);
  return sim;
}

const claims = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'));
const keys = (x: unknown) => Object.keys(x as object).sort();

describe('the profile table', () => {
  it('lists at least the profiles the tests rely on, each with a summary', () => {
    expect(PROFILE_NAMES).toEqual(
      expect.arrayContaining(['current', 'documented', 'bare', 'no-exp', 'slow', 'rate-limited']),
    );
    for (const name of PROFILE_NAMES) expect(PROFILES[name].summary.length, name).toBeGreaterThan(10);
  });

  it('composes: explicit options win, faults and fields merge key by key', () => {
    const merged = withProfile({
      profile: 'slow',
      faults: { rate503: 0, retryAfter: 2 },
      fields: { comment: { id: true } },
      endpointSearchShape: 'array',
      authPaths: undefined,
    });
    expect(merged.profile).toBe('slow');
    expect(merged.faults).toEqual({ latencyMs: 300, rate503: 0, retryAfter: 2 });
    expect(merged.fields).toEqual({ comment: { id: true } });
    expect(merged.endpointSearchShape).toBe('array');
    expect('authPaths' in merged).toBe(false);
    const bare = withProfile({ profile: 'bare', fields: { comment: { id: true } } });
    expect(bare.fields).toEqual({ ...DOCUMENTED_FIELDS, comment: { id: true } });
    expect(withProfile({ profile: 'documented', authBeforeRouting: false }).authBeforeRouting).toBe(false);
    expect(withProfile({}).profile).toBe('current');
  });

  it('refuses an unknown profile, naming the valid ones', async () => {
    expect(() => withProfile({ profile: 'nope' as never })).toThrow(
      /unknown simulator profile "nope".*documented/,
    );
    await expect(startFocusSimulator({ dataset, profile: 'nope' as never })).rejects.toThrow(/rate-limited/);
  });
});

describe('response shaping', () => {
  it('keeps only masked fields, nested and element by element', () => {
    const recording = dataset.recordings[0];
    const shaped = project(recording, DOCUMENTED_FIELDS.recording ?? {}) as Record<string, unknown>;
    expect(keys(shaped)).toEqual(['endpoints', 'interactionId', 'startDatetimeUTC', 'thirdPartyId']);
    for (const e of shaped.endpoints as Array<{ endpoint: object }>) {
      expect(keys(e)).toEqual(['endpoint']);
      expect(keys(e.endpoint)).toEqual(['endpoint', 'type']);
    }
    expect(project([{ a: 1, b: 2 }, 'x', null], { a: true })).toEqual([{ a: 1 }, 'x', null]);
  });

  it('masks the records of an enveloped answer and leaves other answers alone', () => {
    expect(shapeBody({ items: [{ a: 1, b: 2 }], total: 1 }, { a: true }, 'items')).toEqual({
      items: [{ a: 1 }],
      total: 1,
    });
    expect(shapeBody({ error: 'x' }, { a: true }, 'items')).toEqual({ error: 'x' });
    expect(shapeBody([{ a: 1, b: 2 }], undefined)).toEqual([{ a: 1, b: 2 }]);
  });
});

describe('current', () => {
  let sim: FocusSimulator;
  beforeAll(async () => {
    sim = await start({ profile: 'current' });
  });

  it('accepts both spellings, 404s unknown paths, issues 900 s tokens, answers endpoint search as an object', async () => {
    expect(sim.profile).toBe('current');
    for (const path of ['/authWithApiKey', '/authWithAPIKey']) {
      expect((await call(sim, 'POST', path, { body: sim.credentials })).status).toBe(200);
    }
    expect((await call(sim, 'GET', '/no/such/path')).status).toBe(404);
    const token = await login(sim);
    const c = claims(token);
    expect(c.exp - c.iat).toBe(900);
    const res = await post(sim, '/client/people/endpoint/search', token, { type: 'phone' });
    expect(Array.isArray(res.json)).toBe(false);
    expect(res.json.endpoints.length).toBeGreaterThan(0);
    const [jane] = (await post(sim, '/client/people.get', token, [FIXTURES.jane.personId])).json;
    expect(jane).toMatchObject({ personType: 'subscriber', jobTitle: 'Senior Trader' });
  });
});

describe('documented', () => {
  let sim: FocusSimulator;
  beforeAll(async () => {
    sim = await start({ profile: 'documented' });
  });

  it('has only /authWithAPIKey, and 15 s tokens', async () => {
    const res = await call(sim, 'POST', '/authWithAPIKey', { body: sim.credentials });
    expect(res.status).toBe(200);
    const c = claims(res.json.token);
    expect(c.exp - c.iat).toBe(15);
  });

  it('authenticates before it routes: every unauthenticated request is 401, never 404', async () => {
    const wrongSpelling = await call(sim, 'POST', '/authWithApiKey', { body: sim.credentials });
    expect(wrongSpelling.status).toBe(401);
    expect((await call(sim, 'POST', '/authwithapikey', { body: sim.credentials })).status).toBe(401);
    expect((await call(sim, 'GET', '/no/such/path')).status).toBe(401);
    expect((await call(sim, 'GET', '/client/people.get')).status).toBe(401);
    expect((await call(sim, 'GET', '/admin/retentionGroup')).status).toBe(401);
    expect((await get(sim, '/no/such/path', 'not-a-jwt')).status).toBe(401);
    const expired = sim.signToken({ issuedAtMs: Date.now() - 60_000 });
    expect((await get(sim, '/no/such/path', expired)).json).toEqual({ error: 'token expired' });
  });

  it('routes authenticated requests: data answers 200, unknown paths 404, wrong methods 405', async () => {
    const token = await login(sim, '/authWithAPIKey');
    expect((await get(sim, '/admin/retentionGroup', token)).status).toBe(200);
    expect((await get(sim, '/no/such/path', token)).status).toBe(404);
    expect((await get(sim, '/client/people.get', token)).status).toBe(405);
    expect((await call(sim, 'POST', '/authWithApiKey', { token, body: sim.credentials })).status).toBe(404);
  });

  it('counts a refused auth spelling as an unknown path, not as auth', async () => {
    sim.resetStats();
    await call(sim, 'POST', '/authWithApiKey', { body: sim.credentials });
    expect(sim.stats().byStatus['401']).toBe(1);
    expect(sim.stats().byEndpoint.auth).toBe(0);
  });
});

describe('bare', () => {
  let sim: FocusSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await start({ profile: 'bare' });
    token = await login(sim);
  });

  it('answers endpoint search with a bare array of whole endpoint records', async () => {
    const res = await post(sim, '/client/people/endpoint/search', token, {
      type: 'phone',
      endpointSearch: FIXTURES.jane.phone,
    });
    expect(res.json).toEqual([
      expect.objectContaining({
        id: FIXTURES.jane.phoneEndpointId,
        endpoint: FIXTURES.jane.phone,
        personId: 1,
      }),
    ]);
  });

  it('sends people with only id and fullName', async () => {
    const res = await post(sim, '/client/people.get', token, [
      FIXTURES.jane.personId,
      FIXTURES.hostile.personId,
    ]);
    expect(res.json).toEqual([
      { id: FIXTURES.jane.personId, fullName: 'Jane Smith' },
      { id: FIXTURES.hostile.personId, fullName: FIXTURES.hostile.fullName },
    ]);
  });

  it('sends recordings with only the documented fields', async () => {
    const res = await post(sim, '/client/recording.search', token, {
      endpointIds: { include: [FIXTURES.jane.phoneEndpointId] },
    });
    expect(res.json.total).toBeGreaterThan(0);
    expect(keys(res.json)).toEqual(['page', 'pageSize', 'recordings', 'total']);
    for (const r of res.json.recordings) {
      expect(keys(r)).toEqual(['endpoints', 'interactionId', 'startDatetimeUTC', 'thirdPartyId']);
      for (const e of r.endpoints) expect(keys(e.endpoint)).toEqual(['endpoint', 'type']);
    }
  });

  it('sends users, comments and retention groups with only their documented fields', async () => {
    const users = (await post(sim, '/client/user/search', token, {})).json;
    expect(users.length).toBeGreaterThan(0);
    for (const u of users) expect(keys(u)).toEqual(['id', 'rolesAndRights', 'username']);
    const comments = (
      await get(sim, `/client/recording/comment?recordingId=${FIXTURES.manyComments.recordingId}`, token)
    ).json;
    expect(comments).toHaveLength(FIXTURES.manyComments.commentCount);
    for (const c of comments) expect(keys(c)).toEqual(['comment', 'id']);
    const groups = (await get(sim, '/admin/retentionGroup', token)).json;
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(keys(g)).toEqual(['id', 'name']);
  });

  it('strips a copy: the dataset itself keeps every field, error bodies are untouched', async () => {
    expect(dataset.people[0]).toHaveProperty('personType');
    const bad = await get(sim, '/client/recording/comment?recordingId=x', token);
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/recordingId/);
  });
});

describe('no-exp', () => {
  it('issues tokens without exp that still expire server side after 15 minutes', async () => {
    let now = Date.parse('2026-11-01T12:00:00Z');
    const sim = await start({ profile: 'no-exp', clock: () => now });
    const token = await login(sim);
    const c = claims(token);
    expect(c).not.toHaveProperty('exp');
    expect(c.iat).toBe(now / 1000);
    expect((await get(sim, '/admin/retentionGroup', token)).status).toBe(200);
    now += 899_000;
    expect((await get(sim, '/admin/retentionGroup', token)).status).toBe(200);
    now += 1_000;
    const expired = await get(sim, '/admin/retentionGroup', token);
    expect(expired.status).toBe(401);
    expect(expired.json).toEqual({ error: 'token expired' });
    expect((await get(sim, '/admin/retentionGroup', await login(sim))).status).toBe(200);
  });
});

describe('slow', () => {
  it('adds 300 ms to every request, auth included', async () => {
    const sim = await start({ profile: 'slow', faults: { rate503: 0 } });
    let started = performance.now();
    const token = await login(sim);
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
    started = performance.now();
    expect((await get(sim, '/admin/retentionGroup', token)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(295);
  });

  it('answers about 1% of requests 503 with Retry-After', async () => {
    const sim = await start({ profile: 'slow', faults: { latencyMs: 0 } });
    const token = await login(sim);
    const answers = [];
    for (let i = 0; i < 600; i++) answers.push(await get(sim, '/admin/retentionGroup', token));
    const unavailable = answers.filter((a) => a.status === 503);
    expect(unavailable.length).toBeGreaterThan(0);
    expect(unavailable.length).toBeLessThan(30);
    for (const a of unavailable) expect(a.headers.get('retry-after')).toBe('1');
    expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
  });
});

describe('rate-limited', () => {
  it('answers about 1 request in 10 with 429 and Retry-After: 1, and never throttles auth', async () => {
    const sim = await start({ profile: 'rate-limited' });
    const logins = await Promise.all(Array.from({ length: 30 }, () => login(sim)));
    expect(logins).toHaveLength(30);
    const token = logins[0] as string;
    const answers = [];
    for (let i = 0; i < 400; i++) answers.push(await get(sim, '/admin/retentionGroup', token));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(20);
    expect(limited.length).toBeLessThan(60);
    for (const a of limited) expect(a.headers.get('retry-after')).toBe('1');
  });
});

describe('npm run sandbox -- --profile', () => {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const runCli = (args: string[], until?: string) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/cli.ts', ...args], {
      cwd: root,
      env: { ...process.env, SANDBOX_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (until && stdout.includes(until)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  };

  it('parses --profile NAME and --profile=NAME, refusing anything else', () => {
    expect(parseSandboxArgs([])).toEqual({ ok: true, profile: 'current' });
    expect(parseSandboxArgs(['--profile', 'bare'])).toEqual({ ok: true, profile: 'bare' });
    expect(parseSandboxArgs(['--profile=no-exp'])).toEqual({ ok: true, profile: 'no-exp' });
    expect(parseSandboxArgs(['--profile'])).toMatchObject({ ok: false });
    expect(parseSandboxArgs(['--verbose'])).toMatchObject({
      ok: false,
      problem: expect.stringContaining('--verbose'),
    });
    expect(parseSandboxArgs(['--profile', 'toString'])).toMatchObject({ ok: false });
  });

  it('exits 2 on an unknown profile, listing the valid ones', async () => {
    const { code, stderr } = await runCli(['--profile', 'nope']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown profile "nope"');
    for (const name of PROFILE_NAMES) expect(stderr).toContain(name);
  });

  it('prints the profile it runs', async () => {
    const { stdout } = await runCli(['--profile', 'documented'], 'Ctrl-C');
    expect(stdout).toContain('profile documented:');
    expect(stdout).toMatch(/FOCUS_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/api/);
  });
});
