/**
 * Bearer tokens for Focus: authenticate with the API key, renew ahead of the JWT's expiry by a
 * margin that scales with its lifetime, one auth request in flight however many callers wait.
 * Never logs the key or a token.
 */
import type { Logger } from '../domain/logger.js';
import { AUTH_PATHS, type AuthPath, type Credentials, DEFAULT_AUTH_PATH } from '../domain/tenant.js';
import { FocusError } from './errors.js';
import { authResponse, describeIssue } from './schemas.js';
import type { FocusResponse, FocusTransport } from './transport.js';

/**
 * Answers that mean "not here, or not like this" rather than "try again later": a gateway may
 * authenticate before it routes, so a missing path can answer 401 or 403 as well as 404.
 */
const REFUSALS = new Set([400, 401, 403, 404, 405]);

export interface TokenManagerOptions {
  credentials: Credentials;
  transport: FocusTransport;
  logger: Logger;
  authPath?: AuthPath;
  /** Renew at most this long before expiry (default 60 s); less for short-lived tokens. */
  renewAheadMs?: number;
  /** Lifetime assumed for a token without a usable `exp` (default 15 minutes). */
  fallbackLifetimeMs?: number;
  now?: () => number;
  onRenew?: () => void;
}

interface Token {
  value: string;
  expiresAt: number;
  /** Renew from this instant on (once). */
  renewAt: number;
}

export class TokenManager {
  private token: Token | undefined;
  private inFlight: Promise<Token> | undefined;
  /** The token a background renewal was started for: never more than one per token. */
  private renewedEarly: Token | undefined;
  private authPath: AuthPath;
  /** Set once a spelling has given a token: from then on it is the only one used. */
  private pathSettled = false;
  private warnedAboutExpiry = false;
  private readonly renewAheadMs: number;
  private readonly fallbackLifetimeMs: number;
  private readonly now: () => number;

  constructor(private readonly options: TokenManagerOptions) {
    this.authPath = options.authPath ?? DEFAULT_AUTH_PATH;
    this.renewAheadMs = options.renewAheadMs ?? 60_000;
    this.fallbackLifetimeMs = options.fallbackLifetimeMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** A token valid now. Within the renewal window the current one is returned while a new one is fetched. */
  async get(signal?: AbortSignal): Promise<string> {
    const token = this.token;
    const now = this.now();
    if (token && now < token.expiresAt) {
      if (now >= token.renewAt && this.renewedEarly !== token) {
        this.renewedEarly = token;
        this.renew().catch((error: unknown) =>
          this.options.logger.warn('focus.token_renew_failed', { error }),
        );
      }
      return token.value;
    }
    return (await abortable(this.renew(), signal)).value;
  }

  /** After a 401: forget `rejected` (unless a newer token already replaced it) and fetch another. */
  async renewAfterRejection(rejected: string, signal?: AbortSignal): Promise<string> {
    if (this.token?.value === rejected) this.token = undefined;
    return this.get(signal);
  }

  /** Shared by every waiter, so it runs on the transport's deadline, not on one caller's signal. */
  private renew(): Promise<Token> {
    if (!this.inFlight) {
      this.inFlight = this.authenticate().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  private async authenticate(): Promise<Token> {
    const first = this.authPath;
    const tried: string[] = [];
    let response = await this.tryPath(first, tried);
    if (!response && !this.pathSettled) {
      const other = AUTH_PATHS.find((p) => p !== first) as AuthPath;
      response = await this.tryPath(other, tried);
      if (response) {
        this.options.logger.info('focus.auth_path', {
          path: other,
          refused: first,
          hint: `set FOCUS_AUTH_PATH=${other.slice(1)} to skip the first try`,
        });
        this.authPath = other;
      }
    }
    if (!response) {
      const paths = tried.join(' and ');
      this.options.logger.error('focus.auth_refused', { tried: paths });
      throw new FocusError('auth_failed', 'auth', `Focus refused the API credentials at ${paths}`, {
        status: 401,
        hint: `The app tried ${paths}.`,
      });
    }
    this.pathSettled = true;
    const parsed = authResponse.safeParse(response.json);
    if (!parsed.success) throw new FocusError('bad_response', 'auth', describeIssue(parsed.error));
    const token = this.schedule(parsed.data.token);
    this.token = token;
    this.options.onRenew?.();
    this.options.logger.info('focus.token_renewed', {
      expiresInS: Math.round((token.expiresAt - this.now()) / 1000),
      renewInS: Math.round((token.renewAt - this.now()) / 1000),
    });
    return token;
  }

  /** The answer when `path` gave a token; undefined when it was refused (recorded in `tried`). */
  private async tryPath(path: AuthPath, tried: string[]): Promise<FocusResponse | undefined> {
    const { clientId, apiKey, username } = this.options.credentials;
    try {
      const response = await this.options.transport.send({
        endpoint: 'auth',
        method: 'POST',
        path,
        body: { apiKey, username, clientId },
      });
      if (response.status !== 401) return response;
      tried.push(`${path} (401)`);
    } catch (error) {
      // Transient failures (timeouts, 5xx, 429 after retries) are not a refusal: surface them.
      if (!(error instanceof FocusError && error.status !== undefined && REFUSALS.has(error.status)))
        throw error;
      tried.push(`${path} (${error.status})`);
    }
    return undefined;
  }

  /**
   * When a token expires and when to renew it, on this process's clock. With both `iat` and
   * `exp` the lifetime is `exp - iat` counted from now, so a skewed Focus clock does not matter;
   * with `exp` alone it is `exp`; with neither, or an `exp` already past, the fallback lifetime.
   */
  private schedule(value: string): Token {
    const now = this.now();
    const claims = jwtTimes(value);
    let lifetime: number | undefined;
    if (claims.exp !== undefined && claims.iat !== undefined && claims.exp > claims.iat)
      lifetime = claims.exp - claims.iat;
    else if (claims.exp !== undefined && claims.exp > now) lifetime = claims.exp - now;
    if (lifetime === undefined) {
      lifetime = this.fallbackLifetimeMs;
      if (claims.exp !== undefined && !this.warnedAboutExpiry) {
        this.warnedAboutExpiry = true;
        this.options.logger.warn('focus.token_expiry_unusable', {
          reason: 'exp is not in the future',
          assumedLifetimeS: Math.round(lifetime / 1000),
        });
      }
    }
    return {
      value,
      expiresAt: now + lifetime,
      renewAt: now + lifetime - renewMargin(lifetime, this.renewAheadMs),
    };
  }
}

/** Renew ahead by a fifth of the lifetime, at most `maxAheadMs`: 15 s tokens renew 3 s early. */
export function renewMargin(lifetimeMs: number, maxAheadMs: number): number {
  return Math.min(maxAheadMs, lifetimeMs / 5);
}

/** The `exp` and `iat` claims of a JWT in epoch ms, read without verifying (we are not its audience). */
export function jwtTimes(jwt: string): { exp?: number; iat?: number } {
  const payload = jwt.split('.')[1];
  if (!payload || payload.length > 8_192) return {};
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      exp?: unknown;
      iat?: unknown;
    } | null;
    const ms = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v * 1000 : undefined);
    const exp = ms(claims?.exp);
    const iat = ms(claims?.iat);
    return { ...(exp !== undefined && { exp }), ...(iat !== undefined && { iat }) };
  } catch {
    return {};
  }
}

/** The `exp` claim of a JWT in epoch ms. */
export function jwtExpiry(jwt: string): number | undefined {
  return jwtTimes(jwt).exp;
}

/** `promise`, or a rejection as soon as `signal` aborts (the work itself goes on for other waiters). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
