/**
 * Fills a directory snapshot from Focus: every endpoint (the documented endpoint search, all
 * phone and email pages), and the names of their owners. Pages and people.get batches run in
 * parallel, at most `concurrency` at a time; the page count is known from the first page when
 * Focus says `total`, else pages are read a few at a time until one comes back short.
 *
 * Names come from the endpoint records when they carry the owner (`person.fullName`,
 * [assumed]); otherwise from `knownName` (the previous build), and only for the rest from
 * people.get, in batches.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EndpointRecord, Page, Person } from '../domain/focus.js';
import { Limiter } from '../domain/limiter.js';
import type { EndpointQuery } from '../focus/client.js';
import { FocusError } from '../focus/errors.js';
import type { DirectorySnapshot, PersonFacts } from './directory-snapshot.js';

/** The Focus calls a build makes. */
export interface DirectorySource {
  searchEndpoints(query: EndpointQuery, signal?: AbortSignal): Promise<Page<EndpointRecord>>;
  getPeople(ids: readonly number[], signal?: AbortSignal): Promise<Person[]>;
  /** When the tenant's rate-limit pause ends (ms since the epoch). */
  pausedUntil?(): number;
}

export interface BuildOptions {
  source: DirectorySource;
  /** Focus requests in flight at once for this build. */
  concurrency: number;
  /** Endpoints asked for per page. */
  pageSize: number;
  /** Ids per people.get. */
  peopleBatch: number;
  /** Without a page count, pages read at once until one comes back short. */
  probeWindow?: number;
  /** A name already known (from the previous build): people.get is not asked for it. */
  knownName?: (personId: number) => PersonFacts | undefined;
  signal?: AbortSignal;
}

export interface BuildReport {
  /** Focus requests made by the build (the transport's own retries not counted). */
  calls: number;
  pages: number;
  peopleCalls: number;
}

const TYPES = ['phone', 'email'] as const;
/** A build call failed as one of these is tried again, after the tenant's pause (or a second or two). */
const RETRIED = new Set(['rate_limited', 'unavailable', 'timeout']);
const ATTEMPTS = 4;

export async function buildSnapshot(into: DirectorySnapshot, options: BuildOptions): Promise<BuildReport> {
  const { source } = options;
  const stop = new AbortController();
  // Every call waiting for a connection listens to it: hundreds, by design.
  setMaxListeners(0, stop.signal);
  const onOuterAbort = () => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) onOuterAbort();
  else options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const signal = stop.signal;
  const pool = new Limiter(options.concurrency);
  const report: BuildReport = { calls: 0, pages: 0, peopleCalls: 0 };
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    failure ??= { error };
    stop.abort(error);
  };

  const call = async <R>(fn: () => Promise<R>): Promise<R> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await pool.run(() => {
          report.calls++;
          return fn();
        }, signal);
      } catch (error) {
        const again =
          !signal.aborted && attempt < ATTEMPTS && error instanceof FocusError && RETRIED.has(error.code);
        if (!again) throw error;
        const paused = (source.pausedUntil?.() ?? 0) - Date.now();
        await sleep(Math.max(paused, 1_000 * attempt), undefined, { signal });
      }
    }
  };

  // Owners without a name yet, waiting for a people.get batch.
  const asked = new Set<number>();
  let waiting: number[] = [];
  const peopleCalls: Promise<void>[] = [];
  const askForNames = () => {
    const ids = waiting;
    waiting = [];
    if (ids.length === 0) return;
    report.peopleCalls++;
    peopleCalls.push(
      call(() => source.getPeople(ids, signal)).then((people) => {
        for (const p of people) {
          into.addPerson({ id: p.id, fullName: p.fullName, personType: p.personType, email: p.email });
        }
      }, fail),
    );
  };

  const take = (records: readonly EndpointRecord[]) => {
    for (const r of records) {
      const owner = r.personId;
      if (owner === undefined) continue;
      into.addEndpoint(owner, r);
      if (into.has(owner) || asked.has(owner)) continue;
      const known = r.personName
        ? { id: owner, fullName: r.personName, personType: r.personType }
        : options.knownName?.(owner);
      if (known) into.addPerson(known);
      else {
        asked.add(owner);
        waiting.push(owner);
        if (waiting.length >= options.peopleBatch) askForNames();
      }
    }
  };

  const page = (type: (typeof TYPES)[number], n: number) =>
    call(() => source.searchEndpoints({ type, page: n, pageSize: options.pageSize }, signal)).then(
      (result) => {
        report.pages++;
        take(result.items);
        return result;
      },
    );

  const list = async (type: (typeof TYPES)[number]) => {
    const first = await page(type, 1);
    const perPage = first.items.length;
    if (perPage === 0) return;
    let last: number;
    let window = options.concurrency;
    if (first.total > perPage) last = Math.ceil(first.total / Math.max(1, first.pageSize));
    // The answer says how many a page holds and this one is short of it: there is no more.
    else if (first.pageSize > perPage) return;
    else {
      // No total: read ahead a few pages at a time until one comes back short (it may cost a
      // few empty pages at the end). A tenant that sends fewer than asked per page still works.
      last = Number.POSITIVE_INFINITY;
      window = Math.min(window, options.probeWindow ?? 4);
    }
    let next = 2;
    const reader = async () => {
      while (next <= last) {
        const n = next++;
        const result = await page(type, n);
        if (result.items.length < perPage) last = Math.min(last, n);
      }
    };
    await Promise.all(Array.from({ length: window }, reader));
  };

  try {
    await Promise.all(TYPES.map((type) => list(type).catch(fail)));
    if (!failure) askForNames();
    await Promise.all(peopleCalls);
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
  if (failure) throw failure.error;
  return report;
}
