import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EncryptionKeys } from '../../src/domain/tenant.js';
import { open, SealError, seal } from '../../src/state/crypto.js';

function keys(...ids: string[]): EncryptionKeys {
  const all = new Map(ids.map((id) => [id, randomBytes(32)] as const));
  const id = ids[0] as string;
  return { current: { id, key: all.get(id) as Buffer }, all };
}

function failure(run: () => unknown): SealError {
  try {
    run();
  } catch (error) {
    if (error instanceof SealError) return error;
    throw error;
  }
  throw new Error('expected a SealError');
}

const SECRET = 'xoxb-123-456-abcdefSECRET';

describe('seal / open', () => {
  it('round-trips, with a fresh nonce per record and the key id beside the ciphertext', () => {
    const k = keys('k1');
    const a = seal(k, 'installation:T1', SECRET);
    const b = seal(k, 'installation:T1', SECRET);
    expect(a).not.toBe(b);
    expect(a).not.toContain(SECRET);
    expect(a.split('.').slice(0, 2)).toEqual(['v1', 'k1']);
    expect(open(k, 'installation:T1', a)).toBe(SECRET);
    expect(open(k, 'installation:T1', b)).toBe(SECRET);
    expect(open(k, 'x', seal(k, 'x', ''))).toBe('');
    expect(open(k, 'x', seal(k, 'x', 'é 🔑'))).toBe('é 🔑');
  });

  it('refuses a value sealed for another record (the record key is authenticated)', () => {
    const k = keys('k1');
    const sealed = seal(k, 'installation:T1', SECRET);
    const error = failure(() => open(k, 'installation:T2', sealed));
    expect(error.code).toBe('sealed_rejected');
    expect(error.message).toContain('installation:T2');
    expect(error.message).not.toContain(sealed);
  });

  it('refuses a tampered ciphertext, nonce or tag', () => {
    const k = keys('k1');
    const sealed = seal(k, 'r', SECRET);
    const parts = sealed.split('.');
    for (const index of [2, 3, 4]) {
      const part = parts[index] as string;
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = (bytes[0] as number) ^ 1;
      const tampered = parts.map((p, i) => (i === index ? bytes.toString('base64url') : p)).join('.');
      expect(failure(() => open(k, 'r', tampered)).code).toBe('sealed_rejected');
    }
  });

  it('refuses what is not a sealed value', () => {
    const k = keys('k1');
    for (const bad of [
      '',
      SECRET,
      'v2.k1.a.b.c',
      'v1..a.b.c',
      'v1.k1.a.b',
      'v1.k1.a+b.c.d',
      'v1.k1.AAAA.b.c',
    ]) {
      expect(failure(() => open(k, 'r', bad)).code).toBe('sealed_malformed');
    }
  });

  it('names an unknown key id and the ids it holds', () => {
    const sealed = seal(keys('old'), 'r', SECRET);
    const error = failure(() => open(keys('new'), 'r', sealed));
    expect(error.code).toBe('sealed_unknown_key');
    expect(error.message).toMatch(/key id "old".*holds new/);
  });

  it('rotates: the old key still opens old records, new records use the new key', () => {
    const before = keys('k1');
    const old = seal(before, 'r', SECRET);
    const k1 = before.all.get('k1') as Buffer;
    const k2 = randomBytes(32);
    const after: EncryptionKeys = {
      current: { id: 'k2', key: k2 },
      all: new Map([
        ['k2', k2],
        ['k1', k1],
      ]),
    };
    expect(open(after, 'r', old)).toBe(SECRET);
    const fresh = seal(after, 'r', SECRET);
    expect(fresh.split('.')[1]).toBe('k2');
    expect(open(after, 'r', fresh)).toBe(SECRET);
    // The new record needs the new key: the old set alone cannot open it.
    expect(failure(() => open(before, 'r', fresh)).code).toBe('sealed_unknown_key');
  });
});
