/**
 * One connection to Redis (node-redis, `@redis/client`), shaped for a store that callers can fall
 * back from:
 *
 * - **Fails fast.** No offline queue: while the connection is down every call rejects at once
 *   with a `StateError` (`state_unreachable`). Every call also has a deadline (default 2 s)
 *   covering the whole round trip, so a Redis that hangs (`DEBUG SLEEP`, `CLIENT PAUSE`, a
 *   saturated host) costs a caller at most that. (node-redis's own command timeout stops at the
 *   write; this one does not.)
 * - **Reconnects by itself**, with exponential backoff and jitter (100 ms doubling up to 5 s by
 *   default), forever; the outage is logged once when it starts and once when it ends.
 * - **Never names the password.** Logs and errors say `redis://host:port/db`; any client message
 *   quoted is scrubbed of the password and the URL.
 * - **Lua** scripts run by SHA (`EVALSHA`), loaded with `EVAL` the first time a server lacks one.
 */
import { createHash } from 'node:crypto';
import { ClientClosedError, ClientOfflineError, createClient, ErrorReply } from '@redis/client';
import type { Logger } from '../domain/logger.js';
import { StateError } from './errors.js';
import { parseRedisUrl, type RedisTarget, scrub } from './redis-url.js';

export interface RedisConnectionOptions {
  /** A call's deadline, from its start to its reply (default 2000). */
  commandTimeoutMs?: number;
  /** How long the first connection and its `PING` may take at open (default 5000). */
  connectTimeoutMs?: number;
  /** Reconnect backoff: the first wait, doubling up to the second (default 100 and 5000). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Where "Redis is down" / "Redis is back" go (once per outage); never the password. */
  logger?: Logger;
  /** Told each time the connection goes down or comes back (for a metric). */
  onStatus?: (status: 'up' | 'down') => void;
  /** `CLIENT SETNAME`, to tell replicas apart in `CLIENT LIST`. */
  clientName?: string;
}

type Client = ReturnType<typeof createClient>;

/** A Lua script and its SHA1, computed once. */
export function lua(name: string, source: string) {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

export type LuaScript = ReturnType<typeof lua>;

/** The reconnect wait after `retries` failed attempts: min * 2^retries, capped, with ±20% jitter. */
export function backoffMs(retries: number, minMs: number, maxMs: number, random = Math.random): number {
  const base = Math.min(maxMs, minMs * 2 ** Math.min(retries, 30));
  return Math.max(1, Math.round(base * (0.8 + 0.4 * random())));
}

export class RedisConnection {
  readonly where: string;
  private readonly target: RedisTarget;
  private readonly client: Client;
  private readonly commandTimeoutMs: number;
  private readonly logger: Logger | undefined;
  private readonly onStatus: ((status: 'up' | 'down') => void) | undefined;
  private up = false;
  private closed = false;
  /** The last error the client reported (for the open's message). */
  private lastError: unknown;
  /** While opening: told of a refused password, which no retry will fix. */
  private onAuthError: ((error: unknown) => void) | undefined;

  /**
   * Connects to `url` and checks it with a `PING` within `connectTimeoutMs`. Throws a
   * `StateError` naming the host (never the password): `state_invalid_url`, `state_auth`
   * (password refused or missing) or `state_unreachable`.
   */
  static async open(url: string, options: RedisConnectionOptions = {}): Promise<RedisConnection> {
    const target = parseRedisUrl(url);
    let connection: RedisConnection;
    try {
      connection = new RedisConnection(target, options);
    } catch (error) {
      // The client's own URL errors quote the URL: only a scrubbed message, no cause.
      const reason = scrub(error instanceof Error ? error.message : String(error), target);
      throw new StateError('state_invalid_url', target.where, `REDIS_URL cannot be used (${reason})`);
    }
    await connection.connect(options.connectTimeoutMs ?? 5_000);
    return connection;
  }

  private constructor(target: RedisTarget, options: RedisConnectionOptions) {
    this.target = target;
    this.where = target.where;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 2_000;
    this.logger = options.logger;
    this.onStatus = options.onStatus;
    const minMs = options.reconnectMinMs ?? 100;
    const maxMs = options.reconnectMaxMs ?? 5_000;
    this.client = createClient({
      url: target.url,
      RESP: 2,
      disableOfflineQueue: true,
      ...(options.clientName ? { name: options.clientName } : {}),
      commandOptions: { timeout: this.commandTimeoutMs },
      socket: {
        connectTimeout: Math.min(options.connectTimeoutMs ?? 5_000, this.commandTimeoutMs * 2),
        // Never gives up: a replica outlives any Redis outage and picks up when it is back.
        reconnectStrategy: (retries) => backoffMs(retries, minMs, maxMs),
      },
    });
    this.client.on('error', (error: unknown) => this.down(error));
    this.client.on('ready', () => this.ready());
  }

  /**
   * Runs one call on the client within the command deadline. Rejects with a `StateError`:
   * `state_unreachable` (down, closed, or no answer in time), `state_auth`, or `state_failed`
   * (Redis answered with an error: a bug, or a key of the wrong type).
   */
  async run<T>(what: string, call: (client: Client) => Promise<T>): Promise<T> {
    if (this.closed) throw this.error('state_unreachable', `${what}: the connection is closed`);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(this.error('state_unreachable', `${what}: no answer within ${this.commandTimeoutMs} ms`)),
        this.commandTimeoutMs,
      );
    });
    try {
      return await Promise.race([call(this.client), deadline]);
    } catch (error) {
      throw this.classify(error, what);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs a Lua script (by SHA; loaded on a server that lacks it) within one deadline. */
  script(script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const options = { keys: [...keys], arguments: args.map(String) };
    return this.run(`script ${script.name}`, async (client) => {
      try {
        return await client.evalSha(script.sha, options);
      } catch (error) {
        if (!(error instanceof ErrorReply) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.eval(script.source, options);
      }
    });
  }

  /** Closes the connection (idempotent): calls under way may finish; later ones reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.client.isOpen) return;
    try {
      if (this.client.isReady) {
        await Promise.race([this.client.close(), new Promise((r) => setTimeout(r, this.commandTimeoutMs))]);
      }
    } catch {
      // Closing a connection that just broke: nothing to keep.
    } finally {
      if (this.client.isOpen) this.client.destroy();
    }
  }

  private async connect(timeoutMs: number): Promise<void> {
    const connecting = this.client.connect();
    // connect() rejects when the client is destroyed below; that is the timeout, already reported.
    connecting.catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const pinged = connecting.then(() => this.client.ping()).then(() => 'ok' as const);
    pinged.catch(() => {});
    const refused = new Promise<never>((_, reject) => {
      this.onAuthError = reject;
    });
    let outcome: 'ok' | 'timeout' | { error: unknown };
    try {
      outcome = await Promise.race([pinged, timeout, refused]);
    } catch (error) {
      outcome = { error };
    } finally {
      clearTimeout(timer);
      this.onAuthError = undefined;
    }
    if (outcome === 'ok') return;
    this.closed = true;
    if (this.client.isOpen) this.client.destroy();
    const cause = outcome === 'timeout' ? this.lastError : outcome.error;
    throw this.openError(cause, timeoutMs);
  }

  private openError(cause: unknown, timeoutMs: number): StateError {
    const reason = cause === undefined ? undefined : this.reason(cause);
    if (isAuthError(cause)) {
      const wanted = /NOAUTH/.test(reason ?? '');
      return this.error(
        'state_auth',
        wanted
          ? `Redis at ${this.where} wants a password (${reason}): put it in REDIS_URL (redis://:PASSWORD@host:6379/0)`
          : `Redis at ${this.where} refused the credentials in REDIS_URL (${reason}): check the password (and user)`,
      );
    }
    return this.error(
      'state_unreachable',
      `Redis at ${this.where} cannot be reached (${reason ?? 'no answer'}; no PONG within ${timeoutMs} ms): ` +
        'is Redis running there, and can this host reach it? Or unset REDIS_URL to use the embedded store (one replica only)',
    );
  }

  private classify(error: unknown, what: string): StateError {
    if (error instanceof StateError) return error;
    const reason = this.reason(error);
    if (isAuthError(error)) return this.error('state_auth', `${what}: ${reason}`);
    if (error instanceof ErrorReply && !isTransientReply(error)) {
      return this.error('state_failed', `${what}: Redis answered ${reason}`);
    }
    if (error instanceof ClientOfflineError || error instanceof ClientClosedError) {
      return this.error('state_unreachable', `${what}: Redis is unreachable (${reason})`);
    }
    return this.error('state_unreachable', `${what}: ${reason}`);
  }

  private error(code: StateError['code'], message: string): StateError {
    const full = message.startsWith('Redis at') ? message : `Redis at ${this.where}: ${message}`;
    // No cause: a client error may quote what it was given; the reason is in the message, scrubbed.
    return new StateError(code, this.where, scrub(full, this.target));
  }

  private reason(error: unknown): string {
    const text =
      error instanceof Error
        ? error.message || error.name
        : typeof error === 'string'
          ? error
          : 'unknown error';
    return scrub(text, this.target).slice(0, 300);
  }

  private down(error: unknown): void {
    this.lastError = error;
    if (isAuthError(error)) this.onAuthError?.(error);
    if (!this.up || this.closed) return;
    this.up = false;
    this.logger?.warn('redis_down', { redis: this.where, reason: this.reason(error) });
    this.onStatus?.('down');
  }

  private ready(): void {
    if (this.up) return;
    const wasDown = this.lastError !== undefined;
    this.up = true;
    this.lastError = undefined;
    if (wasDown) this.logger?.info('redis_up', { redis: this.where });
    this.onStatus?.('up');
  }
}

function isAuthError(error: unknown): boolean {
  return error instanceof ErrorReply && /^(NOAUTH|WRONGPASS)\b/.test(error.message);
}

/** Replies that mean "not now" (a replica loading its data, a script running long), not a bug. */
function isTransientReply(error: ErrorReply): boolean {
  return /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|READONLY)\b/.test(error.message);
}
