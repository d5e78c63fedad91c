/**
 * The two settings of a deployment that serves many workspaces, read by `config.ts`:
 *
 * - STATE_ENCRYPTION_KEY: `id:base64[,id:base64...]`, each key 32 random bytes; the first seals
 *   new records, every one opens (so a new key rotates in ahead of the old one).
 * - FOCUS_TENANTS_FILE: a JSON file provisioning Focus connections, Slack team or enterprise id
 *   -> `{ baseUrl, clientId, username, apiKey, authPath? }`, read once at start.
 *
 * Each returns every problem it finds, naming the variable, a key id or a tenant's id, and never a
 * key, an API key or a line of the file (which holds them).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { z } from 'zod';
import {
  AUTH_PATHS,
  type AuthPath,
  DEFAULT_AUTH_PATH,
  type EncryptionKeys,
  type FocusConnection,
} from './domain/tenant.js';

// ---- STATE_ENCRYPTION_KEY ---------------------------------------------------------------------

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const KEY_BYTES = 32;
const MAX_KEYS = 16;

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** `id:base64[,id:base64...]`, the first key current. */
export function parseEncryptionKeys(text: string): Parsed<EncryptionKeys> {
  const name = 'STATE_ENCRYPTION_KEY';
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return { ok: false, problems: [`${name} holds no key`] };
  if (entries.length > MAX_KEYS)
    return { ok: false, problems: [`${name} holds ${entries.length} keys; at most ${MAX_KEYS}`] };
  const problems: string[] = [];
  const all = new Map<string, Buffer>();
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon).trim();
    const material = entry.slice(colon + 1).trim();
    if (colon < 0 || !KEY_ID.test(id)) {
      problems.push(
        `${name} key ${i + 1} must be id:base64, the id 1 to 32 letters, digits, - or _ (e.g. k1:$(openssl rand -base64 32))`,
      );
      return;
    }
    if (all.has(id)) {
      problems.push(`${name} names key id "${id}" twice`);
      return;
    }
    const key = BASE64.test(material) ? Buffer.from(material, 'base64') : undefined;
    if (key?.length !== KEY_BYTES) {
      problems.push(`${name} key "${id}" must be ${KEY_BYTES} bytes in base64 (openssl rand -base64 32)`);
      return;
    }
    all.set(id, key);
  });
  if (problems.length > 0) return { ok: false, problems };
  const [id, key] = [...all][0] as [string, Buffer];
  return { ok: true, value: { current: { id, key }, all } };
}

/** Every spelling of the keys that could appear in a log line (base64 with and without padding, base64url). */
export function encryptionKeySecrets(keys: EncryptionKeys | undefined): string[] {
  if (!keys) return [];
  return [...keys.all.values()].flatMap((key) => [
    key.toString('base64').replace(/=+$/, ''),
    key.toString('base64url'),
  ]);
}

// ---- FOCUS_TENANTS_FILE ----------------------------------------------------------------------

/** About 10,000 tenants; the file is read whole, once. */
export const MAX_TENANTS_FILE_BYTES = 4 * 1024 * 1024;
export const MAX_TENANTS = 10_000;

const isHttpUrl = (v: string): boolean => {
  try {
    const u = new URL(v);
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      u.hostname !== '' &&
      u.username === '' &&
      u.password === ''
    );
  } catch {
    return false;
  }
};

const text = (what: string, max: number) =>
  z
    .string({ message: `${what} must be text` })
    .trim()
    .min(1, `${what} must not be empty`)
    .max(max, `${what} must be at most ${max} characters`);

const connection = z.strictObject(
  {
    baseUrl: text('baseUrl', 2_048)
      .refine(isHttpUrl, 'baseUrl must be an http(s) URL without a user name or password')
      .transform((v) => v.replace(/\/+$/, '')),
    clientId: z
      .union([z.number(), z.string()], { message: 'clientId must be a number' })
      .transform((v) => (typeof v === 'number' ? v : /^\d+$/.test(v.trim()) ? Number(v) : Number.NaN))
      .refine((v) => Number.isSafeInteger(v) && v >= 0, 'clientId must be a whole number'),
    username: text('username', 256),
    apiKey: text('apiKey', 4_096),
    authPath: z
      .string({ message: 'authPath must be text' })
      .transform((v) => `/${v.trim().replace(/^\/+/, '')}`)
      .pipe(
        z.enum(AUTH_PATHS, { message: `authPath must be ${AUTH_PATHS.map((p) => p.slice(1)).join(' or ')}` }),
      )
      .optional(),
  },
  { message: 'must be an object { baseUrl, clientId, username, apiKey, authPath? }' },
);

const TENANT_ID = /^[TE][A-Z0-9]{2,31}$/;

/**
 * Reads and checks the tenants file at `path`: a JSON object whose keys are Slack team ids (T...)
 * or enterprise ids (E...), at most `MAX_TENANTS_FILE_BYTES` and `MAX_TENANTS` entries.
 */
export function readTenantsFile(path: string): Parsed<Map<string, FocusConnection>> {
  const name = `FOCUS_TENANTS_FILE ${path}`;
  const raw = readCapped(path);
  if (typeof raw !== 'string') return { ok: false, problems: [`${name} ${raw.problem}`] };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    // JSON.parse's message quotes the text around the error: an API key, perhaps.
    return { ok: false, problems: [`${name} is not valid JSON`] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return {
      ok: false,
      problems: [`${name} must be a JSON object: Slack team or enterprise id -> connection`],
    };
  const entries = Object.entries(json);
  if (entries.length > MAX_TENANTS)
    return { ok: false, problems: [`${name} has ${entries.length} tenants; at most ${MAX_TENANTS}`] };
  const problems: string[] = [];
  const connections = new Map<string, FocusConnection>();
  for (const [i, [id, value]] of entries.entries()) {
    if (!TENANT_ID.test(id)) {
      // The id is not echoed: a misplaced line could put a secret there.
      problems.push(`${name}: entry ${i + 1} is not keyed by a Slack team id (T...) or enterprise id (E...)`);
      continue;
    }
    const parsed = connection.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues.slice(0, 5))
        problems.push(`${name}: ${id} ${issueText(issue)}`);
      continue;
    }
    const c = parsed.data;
    connections.set(id, {
      baseUrl: c.baseUrl,
      credentials: { clientId: c.clientId, username: c.username, apiKey: c.apiKey },
      authPath: (c.authPath ?? DEFAULT_AUTH_PATH) as AuthPath,
      kind: 'tenant',
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: connections };
}

/** The API keys of the provisioned connections, for `secretsOf`. */
export function tenantSecrets(connections: ReadonlyMap<string, FocusConnection>): string[] {
  return [...connections.values()].map((c) => c.credentials.apiKey);
}

/** Our own messages, and unknown fields named only when they look like field names. */
function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'unrecognized_keys') return issue.message;
  const names = issue.keys.every((k) => /^[A-Za-z_]{1,32}$/.test(k));
  return names ? `has unknown fields: ${issue.keys.join(', ')}` : `has ${issue.keys.length} unknown fields`;
}

/** The file's text, or why it cannot be read; never more than the cap is read. */
function readCapped(path: string): string | { problem: string } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    return { problem: openProblem(error) };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { problem: 'is not a file' };
    if (stat.size > MAX_TENANTS_FILE_BYTES)
      return { problem: `is ${stat.size} bytes; at most ${MAX_TENANTS_FILE_BYTES}` };
    const buffer = Buffer.alloc(MAX_TENANTS_FILE_BYTES + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n)
      n = readSync(fd, buffer, length, buffer.length - length, null);
    // It grew between the stat and the read.
    if (length > MAX_TENANTS_FILE_BYTES) return { problem: `is over ${MAX_TENANTS_FILE_BYTES} bytes` };
    return buffer.subarray(0, length).toString('utf8');
  } catch (error) {
    return { problem: openProblem(error) };
  } finally {
    closeSync(fd);
  }
}

function openProblem(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'EISDIR') return 'is not a file';
  return `cannot be read (${typeof code === 'string' ? code : 'error'})`;
}
