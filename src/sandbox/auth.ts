/**
 * The simulator's bearer tokens: HS256 JSON Web Tokens with node:crypto (just enough for them),
 * issued for the credentials and checked on every authenticated request.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Credentials } from './routes.js';

export interface JwtPayload {
  sub: string;
  /** Seconds since the epoch. */
  iat: number;
  /** Absent on tokens of tenants that leave it out; the issuer then tracks expiry itself. */
  exp?: number;
  [claim: string]: unknown;
}

type JwtCheck =
  | { ok: true; payload: JwtPayload }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');
const HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const mac = (secret: string, input: string): Buffer => createHmac('sha256', secret).update(input).digest();
const decode = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

export function signJwt(payload: JwtPayload, secret: string): string {
  const body = `${HEADER}.${b64url(JSON.stringify(payload))}`;
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** Checks the signature (HS256 only) and `exp`, when there is one, against `nowMs`. */
export function verifyJwt(token: string, secret: string, nowMs: number): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [header, body, signature] = parts as [string, string, string];
  let payload: Partial<JwtPayload>;
  try {
    if ((decode(header) as { alg?: unknown }).alg !== 'HS256') return { ok: false, reason: 'malformed' };
    payload = decode(body) as Partial<JwtPayload>;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const expected = mac(secret, `${header}.${body}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'signature' };
  }
  const { sub, iat, exp } = payload ?? {};
  if (typeof sub !== 'string' || typeof iat !== 'number' || (exp !== undefined && typeof exp !== 'number')) {
    return { ok: false, reason: 'malformed' };
  }
  if (exp !== undefined && nowMs / 1000 >= exp) return { ok: false, reason: 'expired' };
  return { ok: true, payload: payload as JwtPayload };
}

export class TokenIssuer {
  private counter = 0;

  constructor(
    private readonly secret: string,
    private readonly credentials: Credentials,
    private readonly clock: () => number,
    /** Tokens carry an `exp` claim; without it, `check` expires them by `iat`. */
    private readonly withExp: boolean,
  ) {}

  /** A signed token; `issuedAtMs` lets tests mint tokens that are already expired. */
  sign(lifetimeSeconds: number, typ: 'access' | 'refresh' = 'access', issuedAtMs = this.clock()): string {
    const iat = Math.floor(issuedAtMs / 1000);
    return signJwt(
      {
        sub: this.credentials.username,
        iat,
        ...(this.withExp && { exp: iat + lifetimeSeconds }),
        clientId: this.credentials.clientId,
        typ,
        jti: String(++this.counter),
      },
      this.secret,
    );
  }

  /** The auth route's answer; refresh tokens live a day. */
  issue(lifetimeSeconds: number): { token: string; refreshToken: string } {
    return { token: this.sign(lifetimeSeconds), refreshToken: this.sign(86_400, 'refresh') };
  }

  /**
   * Null when the `Authorization` header carries a valid, unexpired access token; else why
   * not. A token without `exp` expires `lifetimeSeconds` after its `iat`.
   */
  check(header: string | undefined, lifetimeSeconds: number): string | null {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!m?.[1]) return 'missing bearer token';
    const now = this.clock();
    const result = verifyJwt(m[1], this.secret, now);
    if (!result.ok) return result.reason === 'expired' ? 'token expired' : 'invalid token';
    const { exp, iat, typ } = result.payload;
    if (typ !== 'access') return 'invalid token';
    if (exp === undefined && now / 1000 >= iat + lifetimeSeconds) return 'token expired';
    return null;
  }
}
