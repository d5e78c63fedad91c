import { describe, expect, it } from 'vitest';
import { signJwt, verifyJwt } from '../../src/sandbox/index.js';

const now = Date.parse('2026-11-01T12:00:00Z');
const payload = { sub: 'svc', iat: now / 1000, exp: now / 1000 + 60 };

describe('jwt', () => {
  it('round-trips and checks exp', () => {
    const token = signJwt(payload, 's3cret');
    const [header] = token.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    });
    expect(verifyJwt(token, 's3cret', now)).toEqual({ ok: true, payload });
    expect(verifyJwt(token, 's3cret', now + 59_999).ok).toBe(true);
    expect(verifyJwt(token, 's3cret', now + 60_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects other secrets, tampering and junk', () => {
    const token = signJwt(payload, 's3cret');
    expect(verifyJwt(token, 'other', now)).toEqual({ ok: false, reason: 'signature' });
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...payload, exp: payload.exp + 9999 })).toString('base64url');
    expect(verifyJwt(`${h}.${forged}.${s}`, 's3cret', now).ok).toBe(false);
    expect(verifyJwt('a.b', 's3cret', now)).toEqual({ ok: false, reason: 'malformed' });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${token.split('.')[1]}.`;
    expect(verifyJwt(none, 's3cret', now)).toEqual({ ok: false, reason: 'malformed' });
  });
});
