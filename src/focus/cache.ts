/**
 * The cached face of the Focus client that lookups use. lru-cache's `fetchMethod` makes
 * concurrent identical lookups share one request; entries are bounded by count and live
 * per kind; "not found" is cached briefly as an explicit value; errors are never cached.
 */
import { LRUCache } from 'lru-cache';
import type {
  EndpointRecord,
  Page,
  Person,
  PortalUser,
  Recording,
  RecordingComment,
  RetentionGroup,
} from '../domain/focus.js';
import { Batcher } from './batcher.js';
import type { FocusClient, RecordingQuery } from './client.js';

export interface CacheSettings {
  /** Entries per kind at most. */
  max: number;
  endpointTtlMs: number;
  notFoundTtlMs: number;
  personTtlMs: number;
  recordingTtlMs: number;
  commentTtlMs: number;
  userTtlMs: number;
  retentionTtlMs: number;
}

export const defaultCacheSettings: CacheSettings = {
  max: 5_000,
  endpointTtlMs: 5 * 60_000,
  notFoundTtlMs: 30_000,
  personTtlMs: 10 * 60_000,
  recordingTtlMs: 60_000,
  commentTtlMs: 60_000,
  userTtlMs: 5 * 60_000,
  retentionTtlMs: 60 * 60_000,
};

export type CacheKind = 'endpoint' | 'person' | 'recording' | 'comment' | 'user' | 'retention';
export type CacheEvent = (kind: CacheKind, result: 'hit' | 'miss') => void;

/**
 * The signal of the lookup that starts a fetch, handed to the fetch as lru-cache's `context`
 * (not as its `signal` option: on Node 20 that kept every lookup alive and grew the heap).
 */
type Signal = AbortSignal | undefined;

/** lru-cache cannot hold `undefined`: an absent person is this value. */
const ABSENT = Symbol('absent');
type Maybe<T> = T | typeof ABSENT;

export class FocusCache {
  private readonly endpoints: LRUCache<string, EndpointRecord[], Signal>;
  private readonly people: LRUCache<number, Maybe<Person>, Signal>;
  private readonly recordings: LRUCache<string, Page<Recording>, Signal>;
  private readonly commentLists: LRUCache<number, RecordingComment[], Signal>;
  private readonly users: LRUCache<string, PortalUser[], Signal>;
  private readonly retention: LRUCache<string, RetentionGroup[], Signal>;
  private readonly peopleBatch: Batcher<number, Person>;

  constructor(
    private readonly client: FocusClient,
    settings: Partial<CacheSettings> = {},
    private readonly onEvent: CacheEvent = () => {},
  ) {
    const s = { ...defaultCacheSettings, ...settings };
    this.peopleBatch = new Batcher(
      async (ids) => new Map((await client.getPeople(ids)).map((p) => [p.id, p])),
    );
    this.endpoints = new LRUCache({
      max: s.max,
      ttl: s.endpointTtlMs,
      fetchMethod: async (value, _stale, { options, context: signal }) => {
        const page = await client.searchEndpoints(
          { type: value.includes('@') ? 'email' : 'phone', value },
          signal,
        );
        if (page.items.length === 0) options.ttl = s.notFoundTtlMs;
        return page.items;
      },
    });
    this.people = new LRUCache({
      max: s.max,
      ttl: s.personTtlMs,
      fetchMethod: async (id, _stale, { options }) => {
        const person = await this.peopleBatch.load(id);
        if (!person) options.ttl = s.notFoundTtlMs;
        return person ?? ABSENT;
      },
    });
    this.recordings = new LRUCache({
      max: s.max,
      ttl: s.recordingTtlMs,
      fetchMethod: (key, _stale, { context: signal }) =>
        client.searchRecordings(JSON.parse(key) as RecordingQuery, signal),
    });
    this.commentLists = new LRUCache({
      max: s.max,
      ttl: s.commentTtlMs,
      fetchMethod: (id, _stale, { context: signal }) => client.comments(id, signal),
    });
    this.users = new LRUCache({
      max: 100,
      ttl: s.userTtlMs,
      fetchMethod: (search, _stale, { context: signal }) =>
        client.searchUsers(search === '' ? {} : { search }, signal),
    });
    this.retention = new LRUCache({
      max: 1,
      ttl: s.retentionTtlMs,
      fetchMethod: (_key, _stale, { context: signal }) => client.retentionGroups(signal),
    });
  }

  /** Endpoint records for one phone number (Focus form) or email address. */
  findEndpoints(value: string, signal?: AbortSignal): Promise<EndpointRecord[]> {
    return this.fetch('endpoint', this.endpoints, value, signal);
  }

  /** People by id, in the order asked, the unknown left out. */
  async getPeople(ids: readonly number[]): Promise<Person[]> {
    const found = await Promise.all([...new Set(ids)].map((id) => this.fetch('person', this.people, id)));
    return found.filter((p): p is Person => p !== ABSENT);
  }

  searchRecordings(query: RecordingQuery, signal?: AbortSignal): Promise<Page<Recording>> {
    return this.fetch('recording', this.recordings, JSON.stringify(query), signal);
  }

  comments(recordingId: number, signal?: AbortSignal): Promise<RecordingComment[]> {
    return this.fetch('comment', this.commentLists, recordingId, signal);
  }

  searchUsers(search = '', signal?: AbortSignal): Promise<PortalUser[]> {
    return this.fetch('user', this.users, search, signal);
  }

  retentionGroups(signal?: AbortSignal): Promise<RetentionGroup[]> {
    return this.fetch('retention', this.retention, 'all', signal);
  }

  /** The raw client, for calls that must not be cached (readiness). */
  get uncached(): FocusClient {
    return this.client;
  }

  private async fetch<K extends {}, V extends {}>(
    kind: CacheKind,
    cache: LRUCache<K, V, Signal>,
    key: K,
    signal?: AbortSignal,
  ): Promise<V> {
    const status: LRUCache.Status<K, V, Signal> = {};
    // The signal of the lookup that starts a fetch stops its Focus call when that lookup gives up.
    const value = await cache.fetch(key, { status, context: signal });
    this.onEvent(
      kind,
      status.fetch === 'hit' || status.fetch === 'inflight' || status.fetch === 'stale' ? 'hit' : 'miss',
    );
    if (value === undefined) throw new Error(`cache fetch for ${kind} returned nothing`);
    return value;
  }
}
