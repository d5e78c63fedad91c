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
 *
 * Slack's limits are per app, per workspace, per method, so a pause is kept per token and method:
 * in distribution mode one busy workspace's 429 on `chat.postMessage` pauses that workspace's
 * posts only; with SLACK_BOT_TOKEN there is one token, so one pause per method, as before. The
 * token is the one the call carries (the WebClient sends `Authorization: Bearer`, or a `token`
 * field in the form body); a call without one (`oauth.v2.access`) shares a tokenless key. The
 * state holds a keyed hash of the token (HMAC with a key made at start, so it cannot confirm a
 * guessed token), never the token, and logs show that hash's first characters as `workspace`.
 * At most `maxPauses` pauses are kept, the least recently used dropped beyond that: a workspace
 * that uninstalls leaves nothing for good, and a pause dropped early costs one more 429 from Slack.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { webApi } from '@slack/bolt';
import { LRUCache } from 'lru-cache';
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
  /** Pauses (workspace and method) kept at most; default `MAX_PAUSES`. */
  maxPauses?: number;
}

/** Pauses kept at most: a 429 on each of 10 methods in each of 1,000 workspaces at once. */
export const MAX_PAUSES = 10_000;

export interface RateLimitedFetch extends webApi.FetchFunction {
  /** Milliseconds left in `method`'s pause for calls with `token` (none: the tokenless calls). */
  pausedFor(method: string, token?: string): number;
  /** Sends at most once: a paused method is answered 429 here, a 429 from Slack is noted and returned. */
  once: webApi.FetchFunction;
}

export function perMethodRateLimits(options: RateLimitOptions): RateLimitedFetch {
  const upstream: webApi.FetchFunction = options.fetch ?? ((url, init) => fetch(url, init));
  const now = options.now ?? Date.now;
  const wait = options.wait ?? ((ms: number, signal?: AbortSignal) => sleep(ms, undefined, { signal }));
  const maxWaitMs = options.maxWaitMs ?? 1_000;
  const base = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;
  const pausedUntil = new LRUCache<string, number>({ max: options.maxPauses ?? MAX_PAUSES });
  const hashKey = randomBytes(32);
  const { logger } = options;

  /** The workspace a call is for: a keyed hash of its token ('' without one). */
  const workspaceOf = (token: string | undefined): string =>
    token ? createHmac('sha256', hashKey).update(token).digest('hex').slice(0, 32) : '';

  const pauseLeft = (key: string): number => {
    const until = pausedUntil.get(key);
    if (until === undefined) return 0;
    const left = until - now();
    if (left <= 0) pausedUntil.delete(key);
    return Math.max(0, left);
  };

  /** The call's method, and its workspace worked out only when a pause is kept or a 429 came. */
  const callOf = (href: string, init: FetchInit) => {
    let workspace: string | undefined;
    const call = {
      method: href.slice(base.length).split('?')[0] ?? '',
      workspace: () => {
        workspace ??= workspaceOf(tokenOf(init));
        return workspace;
      },
      left: () => (pausedUntil.size === 0 ? 0 : pauseLeft(`${call.workspace()} ${call.method}`)),
    };
    return call;
  };
  type Call = ReturnType<typeof callOf>;

  const send = async (call: Call, url: string | URL, init?: FetchInit) => {
    const response = await upstream(url, init);
    if (response.status !== 429) return { response, retryAfterMs: 0 };
    const retryAfterSec = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
    if (!Number.isFinite(retryAfterSec) || retryAfterSec < 0) return { response, retryAfterMs: 0 };
    const retryAfterMs = retryAfterSec * 1000;
    const { method } = call;
    const workspace = call.workspace();
    const key = `${workspace} ${method}`;
    pausedUntil.set(key, Math.max(pausedUntil.get(key) ?? 0, now() + retryAfterMs));
    logger.warn('slack.rate_limited', { method, workspace: shown(workspace), retryAfterSec });
    return { response, retryAfterMs };
  };

  const limited = async (url: string | URL, init?: FetchInit) => {
    const href = String(url);
    if (!href.startsWith(base)) return upstream(url, init);
    const call = callOf(href, init);
    const left = call.left();
    if (left > maxWaitMs) {
      logger.info('slack.rate_limited_locally', {
        method: call.method,
        workspace: shown(call.workspace()),
        retryAfterMs: left,
      });
      return tooManyRequests(Math.ceil(left / 1000));
    }
    if (left > 0) await wait(left, init?.signal);
    const first = await send(call, url, init);
    if (first.retryAfterMs === 0 || first.retryAfterMs > maxWaitMs) return first.response;
    // A short pause: wait it out and try once more.
    await first.response.text().catch(() => undefined);
    await wait(first.retryAfterMs, init?.signal);
    return (await send(call, url, init)).response;
  };
  const once = async (url: string | URL, init?: FetchInit) => {
    const href = String(url);
    if (!href.startsWith(base)) return upstream(url, init);
    const call = callOf(href, init);
    const left = call.left();
    if (left > 0) return tooManyRequests(Math.ceil(left / 1000));
    return (await send(call, url, init)).response;
  };
  const pausedFor = (method: string, token?: string) => pauseLeft(`${workspaceOf(token)} ${method}`);
  return Object.assign(limited, { pausedFor, once });
}

/** A workspace as log lines show it: enough of its hash to tell workspaces apart. */
const shown = (workspace: string) => workspace.slice(0, 8) || 'none';

function tooManyRequests(retryAfterSec: number): FetchResponse {
  return new Response('{"ok":false,"error":"ratelimited"}', {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSec) },
  });
}

/**
 * The token a Web API call carries: the `Authorization: Bearer` header the WebClient sets, else a
 * `token` field of its form body (a string, or FormData for an upload).
 */
function tokenOf(init: FetchInit): string | undefined {
  const headers = init?.headers;
  const authorization =
    headers === undefined
      ? null
      : headers instanceof Headers || Array.isArray(headers)
        ? new Headers(headers).get('authorization')
        : authorizationOf(headers as Record<string, string>);
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length).trim() || undefined;
  const body = init?.body;
  const field =
    typeof body === 'string'
      ? new URLSearchParams(body).get('token')
      : body instanceof FormData
        ? body.get('token')
        : null;
  return typeof field === 'string' && field !== '' ? field : undefined;
}

/** A plain header object's Authorization, whatever its case. */
function authorizationOf(headers: Record<string, string>): string | null {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'authorization') return String(value);
  }
  return null;
}
