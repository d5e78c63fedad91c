/**
 * Slack rate-limits each Web API method on its own, but the WebClient answers one method's 429
 * by pausing its whole request queue for the Retry-After: a rate-limited `chat.unfurl` would
 * hold a message shortcut's `views.open` (whose trigger id expires in 3 s) and every reply.
 *
 * This is the `fetch` the WebClient uses, with `rejectRateLimitedCalls: true` so the client
 * never pauses its queue; the pause is kept here, per method:
 * - a 429 with Retry-After pauses that method only. A short pause (up to `maxWaitMs`) is waited
 *   out and the call sent once more; a longer one goes back to the caller as the 429 (the client
 *   raises it as a rate-limited error, without retrying);
 * - a call to a method in its pause waits if the rest of the pause is short, and otherwise is
 *   answered here with 429 and the remaining Retry-After, without reaching Slack;
 * - every other method, and every URL outside the Web API (response_url posts), goes straight
 *   through.
 * `once` is the same `fetch` for a caller that keeps its own retries (the channel poster's
 * subscription posts): it sends each call at most once, never waits, and answers 429 itself
 * while the method is paused, sharing the pauses with the `fetch` above.
 * Keyed by method alone: this app talks to one workspace with one token.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../domain/logger.js';

type FetchInit = Parameters<webApi.FetchFunction>[1];
type FetchResponse = Awaited<ReturnType<webApi.FetchFunction>>;

export interface RateLimitOptions {
  /** The Web API base, e.g. `https://slack.com/api/`. */
  apiUrl: string;
  logger: Logger;
  /** A pause up to this long is waited out rather than failed. Default 1 000 ms. */
  maxWaitMs?: number;
  fetch?: webApi.FetchFunction;
  now?: () => number;
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RateLimitedFetch extends webApi.FetchFunction {
  /** Milliseconds left in `method`'s pause (0 when it may be called). */
  pausedFor(method: string): number;
  /** Sends at most once: a paused method is answered 429 here, a 429 from Slack is noted and returned. */
  once: webApi.FetchFunction;
}

export function perMethodRateLimits(options: RateLimitOptions): RateLimitedFetch {
  const upstream: webApi.FetchFunction = options.fetch ?? ((url, init) => fetch(url, init));
  const now = options.now ?? Date.now;
  const wait = options.wait ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }));
  const maxWaitMs = options.maxWaitMs ?? 1_000;
  const base = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;
  const pausedUntil = new Map<string, number>();
  const { logger } = options;

  const pausedFor = (method: string): number => {
    const until = pausedUntil.get(method);
    if (until === undefined) return 0;
    const left = until - now();
    if (left <= 0) pausedUntil.delete(method);
    return Math.max(0, left);
  };

  const send = async (method: string, url: string | URL, init?: FetchInit) => {
    const response = await upstream(url, init);
    if (response.status !== 429) return { response, retryAfterMs: 0 };
    const retryAfterSec = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
    if (!Number.isFinite(retryAfterSec) || retryAfterSec < 0) return { response, retryAfterMs: 0 };
    const retryAfterMs = retryAfterSec * 1000;
    pausedUntil.set(method, Math.max(pausedUntil.get(method) ?? 0, now() + retryAfterMs));
    logger.warn('slack.rate_limited', { method, retryAfterSec });
    return { response, retryAfterMs };
  };

  const limited = async (url: string | URL, init?: FetchInit) => {
    const href = String(url);
    if (!href.startsWith(base)) return upstream(url, init);
    const method = href.slice(base.length).split('?')[0] ?? '';
    const left = pausedFor(method);
    if (left > maxWaitMs) {
      logger.info('slack.rate_limited_locally', { method, retryAfterMs: left });
      return tooManyRequests(Math.ceil(left / 1000));
    }
    if (left > 0) await wait(left, init?.signal);
    const first = await send(method, url, init);
    if (first.retryAfterMs === 0 || first.retryAfterMs > maxWaitMs) return first.response;
    // A short pause: wait it out and try once more.
    await first.response.text().catch(() => undefined);
    await wait(first.retryAfterMs, init?.signal);
    return (await send(method, url, init)).response;
  };
  const once = async (url: string | URL, init?: FetchInit) => {
    const href = String(url);
    if (!href.startsWith(base)) return upstream(url, init);
    const method = href.slice(base.length).split('?')[0] ?? '';
    const left = pausedFor(method);
    if (left > 0) return tooManyRequests(Math.ceil(left / 1000));
    return (await send(method, url, init)).response;
  };
  return Object.assign(limited, { pausedFor, once });
}

function tooManyRequests(retryAfterSec: number): FetchResponse {
  return new Response('{"ok":false,"error":"ratelimited"}', {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSec) },
  });
}
