/**
 * The authenticated Focus routes (path, method, the right each needs, a pure handler), the
 * validation of their request bodies, and the credentials check of the auth route.
 */
import type { FocusEndpoint } from '../domain/focus.js';
import type { FocusStore, IdFilter, Paged, RecordingQuery } from './store.js';
import { isObject, type WireEntity } from './types.js';

/** An answer other than 200: thrown by a handler or a parser, sent as `{ error: message }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function bad(message: string): never {
  throw new HttpError(400, message);
}

/** `x` when it passes `ok`, undefined when absent (undefined or null); else a 400 with `message`. */
export function optional<T>(x: unknown, ok: (x: unknown) => boolean, message: string): T | undefined {
  if (x === undefined || x === null) return undefined;
  return ok(x) ? (x as T) : bad(message);
}

export function objectBody(body: unknown, message = 'body must be a JSON object'): Record<string, unknown> {
  return isObject(body) ? body : bad(message);
}

const isPositiveInt = (x: unknown) => Number.isInteger(x) && (x as number) >= 1;
const isString = (x: unknown) => typeof x === 'string';
export const isListOf = (ok: (x: unknown) => boolean) => (x: unknown) => Array.isArray(x) && x.every(ok);

/** 1-based `page`, `pageSize` defaulting to 100 and capped at 1000. */
function paging(body: Record<string, unknown>): { page: number; pageSize: number } {
  const page = optional<number>(body.page, isPositiveInt, 'page must be a positive integer') ?? 1;
  const size = optional<number>(body.pageSize, isPositiveInt, 'pageSize must be a positive integer');
  return { page, pageSize: Math.min(size ?? 100, 1000) };
}

function idFilter<T>(x: unknown, name: string, kind: 'number' | 'string'): IdFilter<T> | undefined {
  if (optional(x, isObject, `${name} must be an object with include/exclude`) === undefined) return undefined;
  const list = (key: 'include' | 'exclude') =>
    optional<T[]>(
      (x as Record<string, unknown>)[key],
      isListOf(kind === 'number' ? Number.isInteger : isString),
      `${name}.${key} must be an array of ${kind}s`,
    );
  return { include: list('include'), exclude: list('exclude') };
}

const isDate = (x: unknown) => isString(x) && !Number.isNaN(Date.parse(x as string));

function time(x: unknown, name: string): number | undefined {
  const iso = optional<string>(x, isDate, `${name} must be an ISO-8601 date-time`);
  return iso === undefined ? undefined : Date.parse(iso);
}

function recordingQuery(raw: unknown): RecordingQuery {
  const body = objectBody(raw ?? {});
  const range = optional<Record<string, unknown>>(
    body.startDatetimeUTC,
    isObject,
    'startDatetimeUTC must be an object with from/to',
  );
  return {
    ...paging(body),
    recordingIds: idFilter(body.recordingIds, 'recordingIds', 'number'),
    thirdPartyIds: idFilter(body.thirdPartyIds, 'thirdPartyIds', 'string'),
    endpointIds: idFilter(body.endpointIds, 'endpointIds', 'number'),
    freeText: optional<string>(body.freeText, isString, 'freeText must be a string') || undefined,
    fromMs: time(range?.from, 'startDatetimeUTC.from'),
    toMs: time(range?.to, 'startDatetimeUTC.to'),
  };
}

/** A paged answer as an object: the records under `name`, then `total`, `page` and `pageSize`. */
const enveloped = <T>(name: string, { items, ...rest }: Paged<T>) => ({ [name]: items, ...rest });

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  endpoint: FocusEndpoint;
  right: string;
  /** The kind of record it answers with, and the field holding them when the answer is an object. */
  entity: WireEntity;
  envelope?: string;
  /** The body of a 200 answer (`body` is the parsed JSON, undefined when empty); throws `HttpError`. */
  handle(store: FocusStore, body: unknown, query: URLSearchParams, shape: EndpointSearchShape): unknown;
}

export type EndpointSearchShape = 'object' | 'array';

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/admin/retentionGroup',
    endpoint: 'retentionGroup',
    right: 'RetentionGroup.View',
    entity: 'retentionGroup',
    handle: (store) => store.dataset.retentionGroups,
  },
  {
    method: 'POST',
    path: '/client/people/endpoint/search',
    endpoint: 'endpoint.search',
    right: 'People.View',
    entity: 'endpoint',
    envelope: 'endpoints',
    handle: (store, raw, _query, shape) => {
      const body = objectBody(raw);
      const type = body.type;
      if (typeof type !== 'string' || type === '') bad('type is required');
      const search = optional<string>(body.endpointSearch, isString, 'endpointSearch must be a string');
      const { page, pageSize } = paging(body);
      const found = store.searchEndpoints(type, search, page, pageSize);
      return shape === 'array' ? found.items : enveloped('endpoints', found);
    },
  },
  {
    method: 'POST',
    path: '/client/recording.search',
    endpoint: 'recording.search',
    right: 'Recording.View',
    entity: 'recording',
    envelope: 'recordings',
    handle: (store, body) => enveloped('recordings', store.searchRecordings(recordingQuery(body))),
  },
  {
    method: 'POST',
    path: '/client/user/search',
    endpoint: 'user.search',
    right: 'User.View',
    entity: 'user',
    handle: (store, raw) => {
      const body = objectBody(raw ?? {});
      const search = optional<string>(body.search, isString, 'search must be a string');
      const { page, pageSize } = paging(body);
      return store.searchUsers(search, page, pageSize).items;
    },
  },
  {
    method: 'GET',
    path: '/client/recording/comment',
    endpoint: 'recording.comment',
    right: 'Recording.View',
    entity: 'comment',
    handle: (store, _body, query) => {
      // `bID` and `cIdf` are accepted and ignored (their meaning is undocumented).
      const raw = query.get('recordingId') ?? '';
      if (!/^\d{1,15}$/.test(raw)) bad('recordingId must be a positive integer');
      const id = Number(raw);
      if (!store.hasRecording(id)) throw new HttpError(404, `recording ${id} not found`);
      return store.comments(id);
    },
  },
  {
    method: 'POST',
    path: '/client/people.get',
    endpoint: 'people.get',
    right: 'People.View',
    entity: 'person',
    handle: (store, body) => {
      if (!Array.isArray(body)) bad('body must be a JSON array of ids');
      if (!body.every(Number.isInteger)) bad('ids must be integers');
      return store.people(body);
    },
  },
];

export const AUTH_PATHS = ['authWithApiKey', 'authWithAPIKey'] as const;
export type AuthPath = (typeof AUTH_PATHS)[number];

export interface Credentials {
  clientId: number;
  apiKey: string;
  username: string;
}

/** Whether an auth body carries exactly these credentials (400 when fields are missing). */
export function checkCredentials(body: unknown, creds: Credentials): 'ok' | 'bad-request' | 'wrong' {
  if (!isObject(body)) return 'bad-request';
  const { apiKey, username, clientId } = body;
  if (apiKey === undefined || username === undefined || clientId === undefined) return 'bad-request';
  return apiKey === creds.apiKey && username === creds.username && clientId === creds.clientId
    ? 'ok'
    : 'wrong';
}
