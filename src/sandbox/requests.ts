/** Validation of request bodies: each parser returns a value or a 400 message. */
import type { IdFilter, RecordingQuery } from './store.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (error: string): Parsed<never> => ({ ok: false, error });

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

export const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

const isPositiveInt = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 1;

/** 1-based `page`, `pageSize` defaulting to 100 and capped at 1000. */
export function parsePaging(body: Record<string, unknown>): Parsed<{ page: number; pageSize: number }> {
  const { page = 1, pageSize = DEFAULT_PAGE_SIZE } = body;
  if (!isPositiveInt(page)) return bad('page must be a positive integer');
  if (!isPositiveInt(pageSize)) return bad('pageSize must be a positive integer');
  return ok({ page, pageSize: Math.min(pageSize, MAX_PAGE_SIZE) });
}

function parseIdFilter<T extends number | string>(
  x: unknown,
  name: string,
  kind: 'number' | 'string',
): Parsed<IdFilter<T> | undefined> {
  if (x === undefined || x === null) return ok(undefined);
  if (!isObject(x)) return bad(`${name} must be an object with include/exclude`);
  const out: IdFilter<T> = {};
  for (const key of ['include', 'exclude'] as const) {
    const list = x[key];
    if (list === undefined || list === null) continue;
    const valid = kind === 'number' ? Number.isInteger : (v: unknown) => typeof v === 'string';
    if (!Array.isArray(list) || !list.every(valid)) return bad(`${name}.${key} must be an array of ${kind}s`);
    out[key] = list as T[];
  }
  return ok(out);
}

function parseTime(x: unknown, name: string): Parsed<number | undefined> {
  if (x === undefined || x === null) return ok(undefined);
  const ms = typeof x === 'string' ? Date.parse(x) : Number.NaN;
  return Number.isNaN(ms) ? bad(`${name} must be an ISO-8601 date-time`) : ok(ms);
}

export function parseRecordingQuery(body: unknown): Parsed<RecordingQuery> {
  if (!isObject(body)) return bad('body must be a JSON object');
  const paging = parsePaging(body);
  if (!paging.ok) return paging;
  const recordingIds = parseIdFilter<number>(body.recordingIds, 'recordingIds', 'number');
  const thirdPartyIds = parseIdFilter<string>(body.thirdPartyIds, 'thirdPartyIds', 'string');
  const endpointIds = parseIdFilter<number>(body.endpointIds, 'endpointIds', 'number');
  for (const p of [recordingIds, thirdPartyIds, endpointIds]) if (!p.ok) return p;
  if (body.freeText !== undefined && body.freeText !== null && typeof body.freeText !== 'string') {
    return bad('freeText must be a string');
  }
  const range = body.startDatetimeUTC;
  if (range !== undefined && range !== null && !isObject(range)) {
    return bad('startDatetimeUTC must be an object with from/to');
  }
  const from = parseTime(isObject(range) ? range.from : undefined, 'startDatetimeUTC.from');
  const to = parseTime(isObject(range) ? range.to : undefined, 'startDatetimeUTC.to');
  if (!from.ok) return from;
  if (!to.ok) return to;
  const q: RecordingQuery = { ...paging.value };
  if (recordingIds.ok && recordingIds.value) q.recordingIds = recordingIds.value;
  if (thirdPartyIds.ok && thirdPartyIds.value) q.thirdPartyIds = thirdPartyIds.value;
  if (endpointIds.ok && endpointIds.value) q.endpointIds = endpointIds.value;
  if (typeof body.freeText === 'string' && body.freeText !== '') q.freeText = body.freeText;
  if (from.value !== undefined) q.fromMs = from.value;
  if (to.value !== undefined) q.toMs = to.value;
  return ok(q);
}

export interface EndpointQuery {
  type: string;
  endpointSearch?: string;
  page: number;
  pageSize: number;
}

export function parseEndpointQuery(body: unknown): Parsed<EndpointQuery> {
  if (!isObject(body)) return bad('body must be a JSON object');
  if (typeof body.type !== 'string' || body.type === '') return bad('type is required');
  const search = body.endpointSearch;
  if (search !== undefined && search !== null && typeof search !== 'string') {
    return bad('endpointSearch must be a string');
  }
  const paging = parsePaging(body);
  if (!paging.ok) return paging;
  return ok({
    type: body.type,
    ...(typeof search === 'string' ? { endpointSearch: search } : {}),
    ...paging.value,
  });
}

export function parseUserQuery(body: unknown): Parsed<{ search?: string; page: number; pageSize: number }> {
  if (!isObject(body)) return bad('body must be a JSON object');
  if (body.search !== undefined && body.search !== null && typeof body.search !== 'string') {
    return bad('search must be a string');
  }
  const paging = parsePaging(body);
  if (!paging.ok) return paging;
  return ok({ ...(typeof body.search === 'string' ? { search: body.search } : {}), ...paging.value });
}

export function parseIdList(body: unknown): Parsed<number[]> {
  if (!Array.isArray(body)) return bad('body must be a JSON array of ids');
  if (!body.every(Number.isInteger)) return bad('ids must be integers');
  return ok(body as number[]);
}
