/**
 * The only code that sends HTTP to Focus: an undici keep-alive pool, bounded concurrency,
 * a deadline per call, retries of the transient failures (every documented call is a read,
 * so retrying a POST search is safe), and one pause for the tenant: a 429 (or a 503 with
 * `Retry-After`) holds back every call of the process until the time Focus gave.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type Dispatcher, Pool } from 'undici';
import type { FocusEndpoint } from '../domain/focus.js';
import type { CallEvent } from '../domain/focus-events.js';
import { Limiter } from '../domain/limiter.js';
import type { Logger } from '../domain/logger.js';
import { TRANSPORT_DEFAULTS } from '../domain/tenant.js';
import { codeForStatus, FocusError } from './errors.js';
import { MAX_PAUSE_MS, slowDownHint, TenantPause } from './pause.js';
import {
  backoffMs,
  defaultRetryPolicy,
  isRetriedNetworkError,
  isRetriedStatus,
  parseRetryAfter,
  type RetryPolicy,
} from './retry.js';

export interface TransportOptions {
  baseUrl: string;
  /** Requests in flight to this tenant at once; the rest queue. */
  maxConcurrency?: number;
  /** Total time one call may take, queueing and retries included. */
  deadlineMs?: number;
  retry?: RetryPolicy;
  logger: Logger;
  random?: () => number;
  now?: () => number;
  onCall?: (event: CallEvent) => void;
  /** Largest answer read (default 4 MiB); a larger one is a `bad_response`, never buffered. */
  maxResponseBytes?: number;
  /**
   * Focus asked for a pause (429, or 503 with `Retry-After`): every call waits until
   * `untilMs` (ms since the epoch, at most 60 s ahead). Called when a pause starts or is
   * extended.
   */
  onPause?: (untilMs: number) => void;
}

export interface FocusRequest {
  endpoint: FocusEndpoint;
  method: 'GET' | 'POST';
  /** Relative to the base URL, e.g. `/client/recording.search`. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  token?: string;
  signal?: AbortSignal;
}

/** A 2xx with its parsed JSON, or a 401 (the caller renews its token). */
export interface FocusResponse {
  status: number;
  json: unknown;
}

const ERROR_EXCERPT_CHARS = 200;
/** Sent at once instead of sending, when a pause began while a call waited for a connection. */
const PAUSED = Symbol('paused');
type Outcome = { response: FocusResponse } | { status: number; retryAfterMs?: number } | { error: unknown };
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export class FocusTransport {
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly limiter: Limiter;
  private readonly deadlineMs: number;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly pause: TenantPause;
  /**
   * A call that would still be waiting for a pause this close to its deadline fails at once
   * with the pause's end: the lookup it serves started earlier and needs time to answer.
   */
  private readonly pauseMarginMs: number;

  constructor(private readonly options: TransportOptions) {
    const url = new URL(options.baseUrl);
    this.basePath = url.pathname.replace(/\/+$/, '');
    const maxConcurrency = options.maxConcurrency ?? TRANSPORT_DEFAULTS.maxConcurrency;
    this.deadlineMs = options.deadlineMs ?? TRANSPORT_DEFAULTS.deadlineMs;
    this.retry = options.retry ?? defaultRetryPolicy;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.limiter = new Limiter(maxConcurrency);
    this.pause = new TenantPause(Date.now, options.onPause);
    this.pauseMarginMs = Math.min(1_000, this.deadlineMs / 4);
    this.pool = new Pool(url.origin, {
      connections: maxConcurrency,
      keepAliveTimeout: 30_000,
      connect: { timeout: Math.min(5_000, this.deadlineMs) },
      // undici's timers tick about once a second; the AbortSignal below is the real deadline.
      headersTimeout: this.deadlineMs + 1_000,
      bodyTimeout: this.deadlineMs + 1_000,
    });
  }

  async send(request: FocusRequest): Promise<FocusResponse> {
    // One controller per call, its timer cleared and its listener removed when the call ends.
    // (AbortSignal.timeout and AbortSignal.any keep every call's request objects alive until
    // the timeout fires; under load on Node 20 that grew the heap without bound.)
    const call = new AbortController();
    const timer = setTimeout(() => call.abort(new Error('deadline passed')), this.deadlineMs);
    const cancel = () => call.abort(request.signal?.reason);
    if (request.signal?.aborted) cancel();
    else request.signal?.addEventListener('abort', cancel, { once: true });
    try {
      return await this.sendWithin(request, call.signal);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', cancel);
    }
  }

  /** When the tenant's current (or last) pause ends, in ms since the epoch; 0 if there was none. */
  pausedUntil(): number {
    return this.pause.pausedUntil();
  }

  private async sendWithin(request: FocusRequest, signal: AbortSignal): Promise<FocusResponse> {
    const startedAt = this.now();
    for (let attempt = 1; ; ) {
      await this.waitOutPause(request.endpoint, startedAt, signal);
      let outcome: Outcome | typeof PAUSED;
      try {
        // A pause may have begun while this call waited for a connection: then it waits again.
        outcome = await this.limiter.run<Outcome | typeof PAUSED>(
          () =>
            this.pause.remainingMs() > 0 ? Promise.resolve(PAUSED) : this.attempt(request, signal, attempt),
          signal,
        );
      } catch (error) {
        if (signal.aborted) throw this.timeoutError(request.endpoint, startedAt, error);
        outcome = { error };
      }
      if (outcome === PAUSED) continue;
      if ('response' in outcome) return outcome.response;

      const lastTry = attempt >= this.retry.maxAttempts;
      const retried =
        'status' in outcome ? isRetriedStatus(outcome.status) : isRetriedNetworkError(outcome.error);
      // After a 429 (or a 503 with Retry-After) the tenant's pause is the wait; else backoff.
      const paused = this.pause.remainingMs();
      const delay = paused > 0 ? paused : backoffMs(this.retry, attempt, this.random);
      const remaining = this.deadlineMs - (this.now() - startedAt);
      if (!retried || lastTry || delay >= remaining) throw this.finalError(request.endpoint, outcome);
      this.options.logger.debug('focus.retry', { endpoint: request.endpoint, attempt, delayMs: delay });
      attempt++;
      if (paused > 0) continue;
      try {
        await sleep(delay, undefined, { signal });
      } catch (error) {
        throw this.timeoutError(request.endpoint, startedAt, error);
      }
    }
  }

  /**
   * Waits while the tenant is paused. A call whose deadline (less a margin) falls inside the
   * pause fails now, as `rate_limited`, telling the user when to try again.
   */
  private async waitOutPause(endpoint: FocusEndpoint, startedAt: number, signal: AbortSignal): Promise<void> {
    const left = this.pause.remainingMs();
    if (left <= 0) return;
    const remaining = this.deadlineMs - (this.now() - startedAt);
    if (left >= remaining - this.pauseMarginMs) {
      throw new FocusError('rate_limited', endpoint, `Focus paused calls for ${left} ms more`, {
        hint: slowDownHint(left),
      });
    }
    try {
      await this.pause.wait(signal);
    } catch (error) {
      throw this.timeoutError(endpoint, startedAt, error);
    }
  }

  /**
   * Closes every connection at once. Called at shutdown after answers under way were waited
   * for, so what is left is background work (a directory build): it is not waited for.
   */
  close(): Promise<void> {
    return this.pool.destroy();
  }

  private async attempt(
    request: FocusRequest,
    signal: AbortSignal,
    attempt: number,
  ): Promise<{ response: FocusResponse } | { status: number; retryAfterMs?: number }> {
    const started = performance.now();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    let status: number | 'error' = 'error';
    try {
      const res = await this.pool.request({
        method: request.method,
        path: this.basePath + request.path + queryString(request.query),
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
      });
      status = res.statusCode;
      const text = await readCapped(
        request.endpoint,
        res,
        this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      );
      if (status >= 200 && status < 300)
        return { response: { status, json: parseJson(request.endpoint, text, status) } };
      if (status === 401) return { response: { status, json: undefined } };
      this.options.logger.warn('focus.http_error', {
        endpoint: request.endpoint,
        status,
        attempt,
        body: text.slice(0, ERROR_EXCERPT_CHARS),
      });
      const retryAfterMs = parseRetryAfter(res.headers['retry-after'], this.now());
      this.pauseAfter(request.endpoint, status, retryAfterMs, attempt);
      return { status, retryAfterMs };
    } finally {
      this.options.onCall?.({
        endpoint: request.endpoint,
        status,
        durationMs: performance.now() - started,
        attempt,
      });
    }
  }

  /**
   * A 429 pauses every call for its `Retry-After` (or, without one, the backoff this attempt
   * would wait); a 503 does only when it says how long. At most `MAX_PAUSE_MS`.
   */
  private pauseAfter(
    endpoint: FocusEndpoint,
    status: number,
    retryAfterMs: number | undefined,
    attempt: number,
  ) {
    const ms =
      status === 429
        ? (retryAfterMs ?? backoffMs(this.retry, attempt, this.random))
        : status === 503
          ? retryAfterMs
          : undefined;
    if (ms === undefined) return;
    const until = this.pause.pauseFor(ms);
    this.options.logger.warn('focus.paused', {
      endpoint,
      status,
      pauseMs: Math.min(ms, MAX_PAUSE_MS),
      untilMs: until,
    });
  }

  private finalError(endpoint: FocusEndpoint, outcome: { status: number } | { error: unknown }): FocusError {
    if ('status' in outcome) {
      const code = codeForStatus(outcome.status);
      const paused = this.pause.remainingMs();
      return new FocusError(code, endpoint, `HTTP ${outcome.status}`, {
        status: outcome.status,
        ...(code === 'rate_limited' && { hint: slowDownHint(paused) }),
      });
    }
    if (outcome.error instanceof FocusError) return outcome.error;
    const code = (outcome.error as { code?: string } | null)?.code ?? 'unknown';
    return new FocusError('unavailable', endpoint, `connection failed (${code})`, { cause: outcome.error });
  }

  private timeoutError(endpoint: FocusEndpoint, startedAt: number, cause: unknown): FocusError {
    return new FocusError('timeout', endpoint, `no answer within ${this.now() - startedAt} ms`, { cause });
  }
}

/** The body as text, or a `bad_response` as soon as it is known to exceed `max` bytes. */
async function readCapped(
  endpoint: FocusEndpoint,
  res: Dispatcher.ResponseData,
  max: number,
): Promise<string> {
  const tooLarge = () => {
    res.body.destroy();
    return new FocusError('bad_response', endpoint, `response larger than ${max} bytes`, {
      status: res.statusCode,
    });
  };
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function queryString(query: FocusRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function parseJson(endpoint: FocusEndpoint, text: string, status: number): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new FocusError('bad_response', endpoint, 'response is not JSON', { status, cause });
  }
}
