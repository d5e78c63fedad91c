import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig, secretsOf } from '../src/config.js';
import { MAX_TENANTS_FILE_BYTES } from '../src/config-tenancy.js';
import { createLogger } from '../src/log.js';

const dir = mkdtempSync(join(tmpdir(), 'focus-tenancy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function file(content: string | object): string {
  const path = join(dir, `tenants-${++files}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function ok(env: Record<string, string>): Config {
  const result = loadConfig(env);
  if (!result.ok) throw new Error(`expected a config, got: ${result.problems.join('; ')}`);
  return result.config;
}

function problems(env: Record<string, string>): string[] {
  const result = loadConfig(env);
  if (result.ok) throw new Error('expected problems, got a config');
  return result.problems;
}

/** What a log line carrying `values` prints, through the logger configured with `config`'s secrets. */
function logged(config: Config, values: string[]): string {
  const lines: string[] = [];
  createLogger({ level: 'info', secrets: secretsOf(config), write: (l) => lines.push(l) }).info('x', {
    values,
  });
  return lines.join('\n');
}

const K1 = randomBytes(32);
const K2 = randomBytes(32);
const API_KEY_A = 'tenant-a-API-KEY-93f1c2';
const API_KEY_B = 'tenant-b-API-KEY-5d7e8a';
const TENANTS = {
  T0AAA1111: { baseUrl: 'https://a.focus.example/api/', clientId: 7, username: 'svc-a', apiKey: API_KEY_A },
  E0BBB2222: {
    baseUrl: 'https://b.focus.example/api',
    clientId: '12',
    username: 'svc-b',
    apiKey: API_KEY_B,
    authPath: 'authWithApiKey',
  },
};

describe('STATE_ENCRYPTION_KEY', () => {
  it('is optional', () => {
    expect(ok({}).state.encryptionKeys).toBeUndefined();
  });

  it('reads one key, or several with the first current; accepts base64 and base64url', () => {
    const one = ok({ STATE_ENCRYPTION_KEY: `k1:${K1.toString('base64')}` }).state.encryptionKeys;
    expect(one?.current.id).toBe('k1');
    expect(one?.current.key.equals(K1)).toBe(true);
    expect([...(one?.all.keys() ?? [])]).toEqual(['k1']);

    const two = ok({
      STATE_ENCRYPTION_KEY: ` k2:${K2.toString('base64url')} , k1:${K1.toString('base64')},`,
    }).state.encryptionKeys;
    expect(two?.current.id).toBe('k2');
    expect(two?.current.key.equals(K2)).toBe(true);
    expect([...(two?.all.keys() ?? [])]).toEqual(['k2', 'k1']);
    expect(two?.all.get('k1')?.equals(K1)).toBe(true);
  });

  it('reports every malformed key without quoting it', () => {
    const short = randomBytes(16).toString('base64');
    const value = [
      `k1:${short}`,
      `${K1.toString('base64')}`,
      'bad.id:AAAA',
      `k2:${K2.toString('base64')}`,
      `k2:${K1.toString('base64')}`,
      'k3:not base64!',
    ].join(',');
    const found = problems({ STATE_ENCRYPTION_KEY: value });
    expect(found).toEqual([
      'STATE_ENCRYPTION_KEY key "k1" must be 32 bytes in base64 (openssl rand -base64 32)',
      expect.stringMatching(/^STATE_ENCRYPTION_KEY key 2 must be id:base64/),
      expect.stringMatching(/^STATE_ENCRYPTION_KEY key 3 must be id:base64/),
      'STATE_ENCRYPTION_KEY names key id "k2" twice',
      'STATE_ENCRYPTION_KEY key "k3" must be 32 bytes in base64 (openssl rand -base64 32)',
    ]);
    const text = found.join('\n');
    for (const secret of [short, K1.toString('base64'), K2.toString('base64')])
      expect(text).not.toContain(secret);
    expect(problems({ STATE_ENCRYPTION_KEY: ' , ' })).toEqual(['STATE_ENCRYPTION_KEY holds no key']);
  });

  it('gives the keys to secretsOf, so no log line prints one', () => {
    const c = ok({ STATE_ENCRYPTION_KEY: `k2:${K2.toString('base64')},k1:${K1.toString('base64url')}` });
    const spellings = [K1, K2].flatMap((k) => [k.toString('base64'), k.toString('base64url')]);
    const line = logged(c, spellings);
    for (const s of spellings) expect(line).not.toContain(s.replace(/=+$/, ''));
    expect(line).toContain('[redacted]');
  });
});

describe('FOCUS_TENANTS_FILE', () => {
  it('is optional: no provisioned tenants', () => {
    const c = ok({});
    expect(c.focus.tenantsFile).toBeUndefined();
    expect(c.focus.tenants.size).toBe(0);
  });

  it('reads each team or enterprise id to its Focus connection', () => {
    const path = file(TENANTS);
    const c = ok({ FOCUS_TENANTS_FILE: path });
    expect(c.focus.tenantsFile).toBe(path);
    expect([...c.focus.tenants]).toEqual([
      [
        'T0AAA1111',
        {
          baseUrl: 'https://a.focus.example/api',
          credentials: { clientId: 7, username: 'svc-a', apiKey: API_KEY_A },
          authPath: '/authWithAPIKey',
          kind: 'tenant',
        },
      ],
      [
        'E0BBB2222',
        {
          baseUrl: 'https://b.focus.example/api',
          credentials: { clientId: 12, username: 'svc-b', apiKey: API_KEY_B },
          authPath: '/authWithApiKey',
          kind: 'tenant',
        },
      ],
    ]);
  });

  it('gives the API keys to secretsOf, so no log line prints one', () => {
    const c = ok({ FOCUS_TENANTS_FILE: file(TENANTS) });
    expect(secretsOf(c)).toEqual(expect.arrayContaining([API_KEY_A, API_KEY_B]));
    const line = logged(c, [API_KEY_A, `key=${API_KEY_B}`]);
    expect(line).not.toContain(API_KEY_A);
    expect(line).not.toContain(API_KEY_B);
  });

  it('reports every problem in the file, naming the tenant and field, never a value', () => {
    const path = file({
      T0AAA1111: { ...TENANTS.T0AAA1111, baseUrl: 'ftp://a.example', clientId: 'seven' },
      T0CCC3333: {
        baseUrl: 'https://user:pw@c.example',
        clientId: 1,
        username: '',
        apiKey: API_KEY_B,
        authPath: 'login',
      },
      E0DDD4444: { ...TENANTS.E0BBB2222, apikey: 'typo', extra: 1 },
      T0EEE5555: 'not an object',
      [API_KEY_A]: TENANTS.T0AAA1111,
      E0FFF6666: { baseUrl: 'https://f.example', clientId: 1, username: 'u' },
    });
    const found = problems({ FOCUS_TENANTS_FILE: path });
    const at = `FOCUS_TENANTS_FILE ${path}:`;
    expect(found).toEqual([
      `${at} T0AAA1111 baseUrl must be an http(s) URL without a user name or password`,
      `${at} T0AAA1111 clientId must be a whole number`,
      `${at} T0CCC3333 baseUrl must be an http(s) URL without a user name or password`,
      `${at} T0CCC3333 username must not be empty`,
      `${at} T0CCC3333 authPath must be authWithAPIKey or authWithApiKey`,
      `${at} E0DDD4444 has unknown fields: apikey, extra`,
      `${at} T0EEE5555 must be an object { baseUrl, clientId, username, apiKey, authPath? }`,
      `${at} entry 5 is not keyed by a Slack team id (T...) or enterprise id (E...)`,
      `${at} E0FFF6666 apiKey must be text`,
    ]);
    expect(found.join('\n')).not.toMatch(/API-KEY|typo|seven|pw@/);
  });

  it('reports a missing, unreadable, non-JSON, wrong-shaped or too large file', () => {
    const missing = join(dir, 'nope.json');
    expect(problems({ FOCUS_TENANTS_FILE: missing })).toEqual([
      `FOCUS_TENANTS_FILE ${missing} does not exist`,
    ]);
    expect(problems({ FOCUS_TENANTS_FILE: dir })).toEqual([`FOCUS_TENANTS_FILE ${dir} is not a file`]);

    const broken = file(`{"T0AAA1111": {"apiKey": "${API_KEY_A}",`);
    const notJson = problems({ FOCUS_TENANTS_FILE: broken });
    expect(notJson).toEqual([`FOCUS_TENANTS_FILE ${broken} is not valid JSON`]);

    const list = file([TENANTS.T0AAA1111]);
    expect(problems({ FOCUS_TENANTS_FILE: list })).toEqual([
      `FOCUS_TENANTS_FILE ${list} must be a JSON object: Slack team or enterprise id -> connection`,
    ]);

    const big = file(
      `{"T0AAA1111": ${JSON.stringify(TENANTS.T0AAA1111)}}${' '.repeat(MAX_TENANTS_FILE_BYTES)}`,
    );
    expect(problems({ FOCUS_TENANTS_FILE: big })).toEqual([
      expect.stringMatching(
        new RegExp(`^FOCUS_TENANTS_FILE ${big} is \\d+ bytes; at most ${MAX_TENANTS_FILE_BYTES}$`),
      ),
    ]);

    if (process.getuid?.() !== 0) {
      const locked = file(TENANTS);
      chmodSync(locked, 0o000);
      expect(problems({ FOCUS_TENANTS_FILE: locked })).toEqual([
        `FOCUS_TENANTS_FILE ${locked} cannot be read (permission denied)`,
      ]);
    }
  });

  it('is reported together with the other configuration problems', () => {
    const found = problems({
      FOCUS_TENANTS_FILE: join(dir, 'nope.json'),
      STATE_ENCRYPTION_KEY: 'k1:short',
      PORT: 'eighty',
    });
    expect(found).toHaveLength(3);
  });
});
