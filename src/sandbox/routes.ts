/** The authenticated Focus routes: path, method, the right each needs, and a pure handler. */
import type { FocusEndpoint } from '../domain/focus.js';
import {
  isObject,
  type Parsed,
  parseEndpointQuery,
  parseIdList,
  parseRecordingQuery,
  parseUserQuery,
} from './requests.js';
import type { WireEntity } from './shape.js';
import type { FocusStore } from './store.js';

export type EndpointSearchShape = 'object' | 'array';

export interface RouteContext {
  store: FocusStore;
  endpointSearchShape: EndpointSearchShape;
  query: URLSearchParams;
  /** Parsed JSON body; undefined when the body was empty. */
  body: unknown;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  endpoint: FocusEndpoint;
  right: string;
  /** The kind of record it answers with, and the field holding them when the answer is an object. */
  entity: WireEntity;
  envelope?: string;
  handle(ctx: RouteContext): Reply;
}

const error = (status: number, message: string): Reply => ({ status, body: { error: message } });

function answer<T>(parsed: Parsed<T>, build: (value: T) => unknown): Reply {
  return parsed.ok ? { status: 200, body: build(parsed.value) } : error(400, parsed.error);
}

export const ROUTES: readonly Route[] = [
  {
    method: 'GET',
    path: '/admin/retentionGroup',
    endpoint: 'retentionGroup',
    right: 'RetentionGroup.View',
    entity: 'retentionGroup',
    handle: ({ store }) => ({ status: 200, body: store.dataset.retentionGroups }),
  },
  {
    method: 'POST',
    path: '/client/people/endpoint/search',
    endpoint: 'endpoint.search',
    right: 'People.View',
    entity: 'endpoint',
    envelope: 'endpoints',
    handle: ({ store, body, endpointSearchShape }) =>
      answer(parseEndpointQuery(body), (q) => {
        const page = store.searchEndpoints(q.type, q.endpointSearch, q.page, q.pageSize);
        if (endpointSearchShape === 'array') return page.items;
        return { endpoints: page.items, total: page.total, page: page.page, pageSize: page.pageSize };
      }),
  },
  {
    method: 'POST',
    path: '/client/recording.search',
    endpoint: 'recording.search',
    right: 'Recording.View',
    entity: 'recording',
    envelope: 'recordings',
    handle: ({ store, body }) =>
      answer(parseRecordingQuery(body ?? {}), (q) => {
        const page = store.searchRecordings(q);
        return { recordings: page.items, total: page.total, page: page.page, pageSize: page.pageSize };
      }),
  },
  {
    method: 'POST',
    path: '/client/user/search',
    endpoint: 'user.search',
    right: 'User.View',
    entity: 'user',
    handle: ({ store, body }) =>
      answer(parseUserQuery(body ?? {}), (q) => store.searchUsers(q.search, q.page, q.pageSize).items),
  },
  {
    method: 'GET',
    path: '/client/recording/comment',
    endpoint: 'recording.comment',
    right: 'Recording.View',
    entity: 'comment',
    handle: ({ store, query }) => {
      // `bID` and `cIdf` are accepted and ignored (their meaning is undocumented).
      const raw = query.get('recordingId') ?? '';
      if (!/^\d{1,15}$/.test(raw)) return error(400, 'recordingId must be a positive integer');
      const id = Number(raw);
      if (!store.hasRecording(id)) return error(404, `recording ${id} not found`);
      return { status: 200, body: store.comments(id) };
    },
  },
  {
    method: 'POST',
    path: '/client/people.get',
    endpoint: 'people.get',
    right: 'People.View',
    entity: 'person',
    handle: ({ store, body }) => answer(parseIdList(body), (ids) => store.people(ids)),
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
