/** Fault knobs and the pure per-request decision made from them and a seeded random source. */
import type { FocusEndpoint } from '../domain/focus.js';

export interface FaultOptions {
  /** Added to every request, auth included (it is network latency, not a fault). */
  latencyMs: number;
  /** Extra uniform random latency in [0, jitterMs), every request. */
  jitterMs: number;
  /** Share (0..1) of targeted requests answered 429 with `Retry-After`. */
  rate429: number;
  /** `Retry-After` in seconds (429, 503). */
  retryAfter: number;
  /** Send `Retry-After` as an HTTP date instead of seconds. */
  retryAfterDate: boolean;
  rate500: number;
  rate503: number;
  /** Share of targeted requests delayed by a further `slowMs`. */
  slowShare: number;
  slowMs: number;
  /** Share of targeted 200 answers whose JSON body is cut short (invalid). */
  malformedShare: number;
  /** Lifetime of issued access tokens. */
  tokenLifetimeSeconds: number;
  /** Every targeted request answers this status. */
  forceStatus?: number;
  /** Endpoints the faults target (default: every endpoint except auth; list 'auth' to include it). */
  forceEndpoints?: FocusEndpoint[];
  /** Extra delay on every targeted request, to outlast client deadlines. */
  hangMs?: number;
  /** Auth answers 401 even with good credentials. */
  authFails?: boolean;
  /** Rights the service user lacks: endpoints needing them answer 403. */
  withheldRights: string[];
}

export const DEFAULT_FAULTS: FaultOptions = {
  latencyMs: 0,
  jitterMs: 0,
  rate429: 0,
  retryAfter: 1,
  retryAfterDate: false,
  rate500: 0,
  rate503: 0,
  slowShare: 0,
  slowMs: 0,
  malformedShare: 0,
  tokenLifetimeSeconds: 900,
  withheldRights: [],
};

/**
 * How long to wait, a fault status to answer instead of handling the request, and whether to cut
 * a 200's JSON body short. Always draws four numbers, so one request's knobs never shift later
 * requests' draws.
 */
export function decideFaults(
  f: FaultOptions,
  endpoint: FocusEndpoint,
  next: () => number,
): { delayMs: number; status?: number; malformed: boolean } {
  const uJitter = next();
  const uSlow = next();
  const uStatus = next();
  const uMalformed = next();
  let delayMs = f.latencyMs + Math.floor(uJitter * f.jitterMs);
  const targeted = f.forceEndpoints ? f.forceEndpoints.includes(endpoint) : endpoint !== 'auth';
  if (!targeted) return { delayMs, malformed: false };
  if (uSlow < f.slowShare) delayMs += f.slowMs;
  if (f.hangMs) delayMs += f.hangMs;
  let status: number | undefined;
  if (f.forceStatus) status = f.forceStatus;
  else if (uStatus < f.rate429) status = 429;
  else if (uStatus < f.rate429 + f.rate500) status = 500;
  else if (uStatus < f.rate429 + f.rate500 + f.rate503) status = 503;
  return { delayMs, ...(status ? { status } : {}), malformed: uMalformed < f.malformedShare };
}

export function retryAfterValue(f: FaultOptions, nowMs: number): string {
  return f.retryAfterDate ? new Date(nowMs + f.retryAfter * 1000).toUTCString() : String(f.retryAfter);
}

/** A JSON text cut in half: a proper prefix of an array or object is never valid JSON. */
export function truncateJson(text: string): string {
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}
