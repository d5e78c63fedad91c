/** HS256 JSON Web Tokens with node:crypto: just enough for the simulator's bearer tokens. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface JwtPayload {
  sub: string;
  /** Seconds since the epoch. */
  iat: number;
  /** Absent on tokens of tenants that leave it out; the issuer then tracks expiry itself. */
  exp?: number;
  [claim: string]: unknown;
}

export type JwtCheck =
  | { ok: true; payload: JwtPayload }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

const HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

const mac = (secret: string, input: string): Buffer => createHmac('sha256', secret).update(input).digest();

export function signJwt(payload: JwtPayload, secret: string): string {
  const body = `${HEADER}.${b64url(JSON.stringify(payload))}`;
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** Checks the signature (HS256 only) and `exp`, when there is one, against `nowMs`. */
export function verifyJwt(token: string, secret: string, nowMs: number): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [header, body, signature] = parts as [string, string, string];
  let payload: unknown;
  try {
    const h = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
    if (h.alg !== 'HS256') return { ok: false, reason: 'malformed' };
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const expected = mac(secret, `${header}.${body}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'signature' };
  }
  if (!isPayload(payload)) return { ok: false, reason: 'malformed' };
  if (payload.exp !== undefined && nowMs / 1000 >= payload.exp) return { ok: false, reason: 'expired' };
  return { ok: true, payload };
}

function isPayload(x: unknown): x is JwtPayload {
  if (typeof x !== 'object' || x === null) return false;
  const p = x as Record<string, unknown>;
  return (
    typeof p.sub === 'string' &&
    typeof p.iat === 'number' &&
    (p.exp === undefined || typeof p.exp === 'number')
  );
}
