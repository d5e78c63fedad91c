/** Token issuing and bearer checks for the simulator. */
import { signJwt, verifyJwt } from './jwt.js';
import type { Credentials } from './routes.js';

export const REFRESH_TOKEN_LIFETIME_SECONDS = 86_400;

export interface TokenIssuerOptions {
  /** Tokens carry an `exp` claim (default true); without it, `check` expires them by `iat`. */
  exp?: boolean;
}

export class TokenIssuer {
  private counter = 0;
  private readonly withExp: boolean;

  constructor(
    private readonly secret: string,
    private readonly credentials: Credentials,
    private readonly clock: () => number,
    options: TokenIssuerOptions = {},
  ) {
    this.withExp = options.exp ?? true;
  }

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

  issue(lifetimeSeconds: number): { token: string; refreshToken: string } {
    return {
      token: this.sign(lifetimeSeconds),
      refreshToken: this.sign(REFRESH_TOKEN_LIFETIME_SECONDS, 'refresh'),
    };
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
