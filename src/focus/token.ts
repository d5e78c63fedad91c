/**
 * Bearer tokens for Focus: authenticate with the API key, renew ahead of the JWT's `exp`,
 * one auth request in flight however many callers wait. Never logs the key or a token.
 */
import type { Logger } from '../domain/logger.js';
import { FocusError } from './errors.js';
import { authResponse, describeIssue } from './schemas.js';
import type { FocusTransport } from './transport.js';

/** The two documented spellings of the auth path. */
export const AUTH_PATHS = ['/authWithApiKey', '/authWithAPIKey'] as const;
export type AuthPath = (typeof AUTH_PATHS)[number];

export interface Credentials {
  clientId: number;
  apiKey: string;
  username: string;
}

export interface TokenManagerOptions {
  credentials: Credentials;
  transport: FocusTransport;
  logger: Logger;
  authPath?: AuthPath;
  /** Renew this long before `exp`. */
  renewAheadMs?: number;
  /** Lifetime assumed for a token without `exp`. */
  fallbackLifetimeMs?: number;
  now?: () => number;
  onRenew?: () => void;
}

interface Token {
  value: string;
  expiresAt: number;
}

export class TokenManager {
  private token: Token | undefined;
  private inFlight: Promise<Token> | undefined;
  private authPath: AuthPath;
  private readonly renewAheadMs: number;
  private readonly fallbackLifetimeMs: number;
  private readonly now: () => number;

  constructor(private readonly options: TokenManagerOptions) {
    this.authPath = options.authPath ?? '/authWithApiKey';
    this.renewAheadMs = options.renewAheadMs ?? 60_000;
    this.fallbackLifetimeMs = options.fallbackLifetimeMs ?? 15 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** A token valid now. Within the renewal window the current one is returned while a new one is fetched. */
  async get(signal?: AbortSignal): Promise<string> {
    const token = this.token;
    const now = this.now();
    if (token && now < token.expiresAt) {
      if (now >= token.expiresAt - this.renewAheadMs) this.renew().catch(() => {});
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
    const { clientId, apiKey, username } = this.options.credentials;
    const body = { apiKey, username, clientId };
    let response: Awaited<ReturnType<FocusTransport['send']>>;
    try {
      response = await this.options.transport.send({
        endpoint: 'auth',
        method: 'POST',
        path: this.authPath,
        body,
      });
    } catch (error) {
      if (!(error instanceof FocusError && error.status === 404)) throw error;
      // The other documented spelling; remember whichever works.
      const other = AUTH_PATHS.find((p) => p !== this.authPath) as AuthPath;
      response = await this.options.transport.send({ endpoint: 'auth', method: 'POST', path: other, body });
      this.options.logger.info('focus.auth_path', { path: other });
      this.authPath = other;
    }
    if (response.status === 401) {
      throw new FocusError('auth_failed', 'auth', 'Focus rejected the API credentials', { status: 401 });
    }
    const parsed = authResponse.safeParse(response.json);
    if (!parsed.success) throw new FocusError('bad_response', 'auth', describeIssue(parsed.error));
    const expiresAt = jwtExpiry(parsed.data.token) ?? this.now() + this.fallbackLifetimeMs;
    this.token = { value: parsed.data.token, expiresAt };
    this.options.onRenew?.();
    this.options.logger.info('focus.token_renewed', {
      expiresInS: Math.round((expiresAt - this.now()) / 1000),
    });
    return this.token;
  }
}

/** The `exp` claim of a JWT in epoch ms, read without verifying (we are not its audience). */
export function jwtExpiry(jwt: string): number | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
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
