/** Typed methods for every documented Focus endpoint of the Native Focus REST API. */
import type { z } from 'zod';
import type {
  EndpointRecord,
  FocusEndpoint,
  Page,
  Person,
  PortalUser,
  Recording,
  RecordingComment,
  RetentionGroup,
} from '../domain/focus.js';
import type { CallEvent } from '../domain/focus-events.js';
import type { Logger } from '../domain/logger.js';
import type { AuthPath, Credentials } from '../domain/tenant.js';
import { FocusError } from './errors.js';
import type { RetryPolicy } from './retry.js';
import {
  commentsResponse,
  describeIssue,
  endpointSearchResponse,
  peopleResponse,
  type RejectedRecording,
  recordingSearchResponse,
  recordingSearchTolerant,
  retentionGroupsResponse,
  userSearchResponse,
} from './schemas.js';
import { TokenManager } from './token.js';
import { type FocusRequest, FocusTransport } from './transport.js';

export interface FocusClientOptions {
  baseUrl: string;
  credentials: Credentials;
  logger: Logger;
  authPath?: AuthPath;
  maxConcurrency?: number;
  deadlineMs?: number;
  retry?: RetryPolicy;
  renewAheadMs?: number;
  random?: () => number;
  now?: () => number;
  onCall?: (event: CallEvent) => void;
  onTokenRenew?: () => void;
  /** Focus asked every call to wait until `untilMs` (ms since the epoch); see `FocusTransport`. */
  onPause?: (untilMs: number) => void;
}

/** Filters of `recording.search`; each narrows the result. */
export interface RecordingQuery {
  recordingIds?: number[];
  endpointIds?: number[];
  thirdPartyIds?: string[];
  /** [assumed] field name. */
  freeText?: string;
  /** [assumed] ISO-8601 UTC bounds of `startDatetimeUTC`. */
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

export interface EndpointQuery {
  type: 'phone' | 'email';
  value?: string;
  page?: number;
  pageSize?: number;
}

export class FocusClient {
  private readonly transport: FocusTransport;
  private readonly tokens: TokenManager;

  constructor(options: FocusClientOptions) {
    this.transport = new FocusTransport({
      baseUrl: options.baseUrl,
      maxConcurrency: options.maxConcurrency,
      deadlineMs: options.deadlineMs,
      retry: options.retry,
      logger: options.logger,
      random: options.random,
      now: options.now,
      onCall: options.onCall,
      onPause: options.onPause,
    });
    this.tokens = new TokenManager({
      credentials: options.credentials,
      transport: this.transport,
      logger: options.logger,
      authPath: options.authPath,
      renewAheadMs: options.renewAheadMs,
      now: options.now,
      onRenew: options.onTokenRenew,
    });
  }

  /** Proves the credentials work (readiness). */
  async authenticate(signal?: AbortSignal): Promise<void> {
    await this.token(signal);
  }

  retentionGroups(signal?: AbortSignal): Promise<RetentionGroup[]> {
    return this.call(
      { endpoint: 'retentionGroup', method: 'GET', path: '/admin/retentionGroup', signal },
      retentionGroupsResponse,
    );
  }

  searchEndpoints(query: EndpointQuery, signal?: AbortSignal): Promise<Page<EndpointRecord>> {
    const body = {
      type: query.type,
      ...(query.value !== undefined && { endpointSearch: query.value }),
      ...(query.page !== undefined && { page: query.page }),
      ...(query.pageSize !== undefined && { pageSize: query.pageSize }),
    };
    return this.call(
      { endpoint: 'endpoint.search', method: 'POST', path: '/client/people/endpoint/search', body, signal },
      endpointSearchResponse,
    );
  }

  searchRecordings(query: RecordingQuery, signal?: AbortSignal): Promise<Page<Recording>> {
    return this.recordingSearch(query, recordingSearchResponse, signal);
  }

  /**
   * `recording.search` for the subscriptions poller: recordings that do not parse are returned
   * in `rejected` (id and reason) instead of failing the answer.
   */
  scanRecordings(
    query: RecordingQuery,
    signal?: AbortSignal,
  ): Promise<Page<Recording> & { rejected: RejectedRecording[] }> {
    return this.recordingSearch(query, recordingSearchTolerant, signal);
  }

  searchUsers(
    query: { search?: string; page?: number; pageSize?: number },
    signal?: AbortSignal,
  ): Promise<PortalUser[]> {
    const body = {
      page: query.page ?? 1,
      pageSize: query.pageSize ?? 1000,
      ...(query.search !== undefined && { search: query.search }),
    };
    return this.call(
      { endpoint: 'user.search', method: 'POST', path: '/client/user/search', body, signal },
      userSearchResponse,
    );
  }

  comments(recordingId: number, signal?: AbortSignal): Promise<RecordingComment[]> {
    return this.call(
      {
        endpoint: 'recording.comment',
        method: 'GET',
        path: '/client/recording/comment',
        query: { recordingId },
        signal,
      },
      commentsResponse,
    );
  }

  /** People by id; unknown ids are absent from the answer. */
  getPeople(ids: readonly number[], signal?: AbortSignal): Promise<Person[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.call(
      { endpoint: 'people.get', method: 'POST', path: '/client/people.get', body: ids, signal },
      peopleResponse,
    );
  }

  /** When the tenant's current (or last) pause ends, in ms since the epoch; 0 if there was none. */
  pausedUntil(): number {
    return this.transport.pausedUntil();
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  /** `recording.search`, its answer read by `schema` (strict for lookups, tolerant for the poller). */
  private recordingSearch<S extends z.ZodType>(
    query: RecordingQuery,
    schema: S,
    signal?: AbortSignal,
  ): Promise<z.output<S>> {
    return this.call(
      {
        endpoint: 'recording.search',
        method: 'POST',
        path: '/client/recording.search',
        body: recordingBody(query),
        signal,
      },
      schema,
    );
  }

  /** Sends with a bearer token; on 401 renews once and retries once; validates the answer. */
  private async call<S extends z.ZodType>(
    request: Omit<FocusRequest, 'token'>,
    schema: S,
  ): Promise<z.output<S>> {
    let token = await this.token(request.signal);
    let response = await this.transport.send({ ...request, token });
    if (response.status === 401) {
      token = await this.token(request.signal, token);
      response = await this.transport.send({ ...request, token });
      if (response.status === 401) {
        throw new FocusError('auth_failed', request.endpoint, 'Focus rejected a fresh token', {
          status: 401,
        });
      }
    }
    const parsed = schema.safeParse(response.json);
    if (!parsed.success) {
      throw new FocusError('bad_response', request.endpoint, describeIssue(parsed.error), {
        status: response.status,
      });
    }
    return parsed.data;
  }

  private async token(signal: AbortSignal | undefined, rejected?: string): Promise<string> {
    try {
      return rejected === undefined
        ? await this.tokens.get(signal)
        : await this.tokens.renewAfterRejection(rejected, signal);
    } catch (error) {
      if (error instanceof FocusError) throw error;
      throw new FocusError('timeout', 'auth', 'gave up waiting for a token', { cause: error });
    }
  }
}

/** The body of `recording.search` for a query. */
function recordingBody(query: RecordingQuery): Record<string, unknown> {
  return {
    ...(query.recordingIds && { recordingIds: { include: query.recordingIds } }),
    ...(query.endpointIds && { endpointIds: { include: query.endpointIds } }),
    ...(query.thirdPartyIds && { thirdPartyIds: { include: query.thirdPartyIds } }),
    ...(query.freeText !== undefined && { freeText: query.freeText }),
    ...((query.from || query.to) && { startDatetimeUTC: { from: query.from, to: query.to } }),
    page: query.page ?? 1,
    pageSize: query.pageSize ?? 100,
  };
}

export type { CallEvent, FocusEndpoint, RejectedRecording };
