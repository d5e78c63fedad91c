/**
 * The cached face of the Focus client that lookups use. lru-cache's `fetchMethod` makes
 * concurrent identical lookups share one request; entries are bounded by count and live
 * per kind; "not found" is cached briefly as an explicit value; errors are never cached.
 *
 * A shared request lives as long as its longest waiter (`shared-fetch.ts`): each lookup gives
 * up on its own deadline, and the request is aborted only when every lookup waiting for it has.
 * Lookups' signals never reach lru-cache (neither as `context` nor as its `signal` option: on
 * Node 20 the latter kept every lookup alive and grew the heap).
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
import type { CacheEvent, CacheKind } from '../domain/focus-events.js';
import { Batcher } from './batcher.js';
import type { FocusClient, RecordingQuery } from './client.js';
import { SharedFetches } from './shared-fetch.js';

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

/** lru-cache cannot hold `undefined`: an absent person is this value. */
const ABSENT = Symbol('absent');
type Maybe<T> = T | typeof ABSENT;

/** One kind of cached answer: its entries, and its fetches under way. */
interface Kind<K extends {}, V extends {}> {
  entries: LRUCache<K, V>;
  fetches: SharedFetches<K>;
}

/** `load` fetches one key with the joint signal of everyone waiting for it; `set` tunes its entry. */
function kind<K extends {}, V extends {}>(
  limits: { max: number; ttl: number },
  load: (key: K, signal: AbortSignal, set: LRUCache.FetcherFetchOptions<K, V>) => Promise<V>,
): Kind<K, V> {
  const fetches = new SharedFetches<K>((key) => entries.delete(key));
  const entries: LRUCache<K, V> = new LRUCache<K, V>({
    ...limits,
    fetchMethod: (key, _stale, { signal, options }) =>
      fetches.run(key, signal, (joint) => load(key, joint, options)),
  });
  return { entries, fetches };
}

export class FocusCache {
  private readonly endpoints: Kind<string, EndpointRecord[]>;
  private readonly people: Kind<number, Maybe<Person>>;
  private readonly recordings: Kind<string, Page<Recording>>;
  private readonly commentLists: Kind<number, RecordingComment[]>;
  private readonly users: Kind<string, PortalUser[]>;
  private readonly retention: Kind<string, RetentionGroup[]>;
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
    this.endpoints = kind({ max: s.max, ttl: s.endpointTtlMs }, async (value, signal, set) => {
      const page = await client.searchEndpoints(
        { type: value.includes('@') ? 'email' : 'phone', value },
        signal,
      );
      if (page.items.length === 0) set.ttl = s.notFoundTtlMs;
      return page.items;
    });
    // people.get is batched across keys and lookups: it takes no signal, a waiter still gives up.
    this.people = kind({ max: s.max, ttl: s.personTtlMs }, async (id, _signal, set) => {
      const person = await this.peopleBatch.load(id);
      if (!person) set.ttl = s.notFoundTtlMs;
      return person ?? ABSENT;
    });
    this.recordings = kind({ max: s.max, ttl: s.recordingTtlMs }, (key, signal) =>
      client.searchRecordings(JSON.parse(key) as RecordingQuery, signal),
    );
    this.commentLists = kind({ max: s.max, ttl: s.commentTtlMs }, (id, signal) =>
      client.comments(id, signal),
    );
    this.users = kind({ max: 100, ttl: s.userTtlMs }, (search, signal) =>
      client.searchUsers(search === '' ? {} : { search }, signal),
    );
    this.retention = kind({ max: 1, ttl: s.retentionTtlMs }, (_key, signal) =>
      client.retentionGroups(signal),
    );
  }

  /** Endpoint records for one phone number (Focus form) or email address. */
  findEndpoints(value: string, signal?: AbortSignal): Promise<EndpointRecord[]> {
    return this.fetch('endpoint', this.endpoints, value, signal);
  }

  /** People by id, in the order asked, the unknown left out. */
  async getPeople(ids: readonly number[], signal?: AbortSignal): Promise<Person[]> {
    const found = await Promise.all(
      [...new Set(ids)].map((id) => this.fetch('person', this.people, id, signal)),
    );
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

  /** Fetches under way, all kinds together (for tests: none is kept after it ends). */
  get fetchesUnderWay(): number {
    return [
      this.endpoints,
      this.people,
      this.recordings,
      this.commentLists,
      this.users,
      this.retention,
    ].reduce((n, k) => n + k.fetches.size, 0);
  }

  /**
   * The cached answer for `key`, or the fetch under way (joined), or a new fetch. Rejects with
   * `signal`'s reason as soon as it aborts; the fetch goes on while anyone else waits for it.
   */
  private async fetch<K extends {}, V extends {}>(
    name: CacheKind,
    { entries, fetches }: Kind<K, V>,
    key: K,
    signal?: AbortSignal,
  ): Promise<V> {
    signal?.throwIfAborted();
    const status: LRUCache.Status<K, V> = {};
    // The fetch method (if a fetch starts) runs before `entries.fetch` returns: `wait` joins it.
    const value = await fetches.wait(key, entries.fetch(key, { status }), signal);
    this.onEvent(
      name,
      status.fetch === 'hit' || status.fetch === 'inflight' || status.fetch === 'stale' ? 'hit' : 'miss',
    );
    if (value === undefined) throw new Error(`cache fetch for ${name} returned nothing`);
    return value;
  }
}
