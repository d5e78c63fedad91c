/**
 * Runs a parsed request against Focus and returns a typed outcome, never an exception:
 * a Focus failure or a bug becomes `failed` with the reference id the log line carries.
 */
import { AppError } from '../domain/errors.js';
import { Limiter } from '../domain/limiter.js';
import type { Logger } from '../domain/logger.js';
import { failureCodeOf, type LookupOutcome } from '../domain/outcome.js';
import type { FocusLookupRequest } from '../domain/request.js';
import type { FocusCache } from '../focus/cache.js';
import { FocusError } from '../focus/errors.js';
import { lookupRetention, lookupUser } from './admin.js';
import type { LookupContext } from './context.js';
import type { PeopleDirectory } from './directory.js';
import { lookupPersonById, lookupPersonByQuery } from './person.js';
import { lookupPhone } from './phone.js';
import { lookupComments, lookupRecording } from './recording.js';

export interface LookupServiceOptions {
  cache: FocusCache;
  logger: Logger;
  /** A lookup answers within this, whatever Focus does. */
  deadlineMs: number;
  pageSize?: number;
  directory?: PeopleDirectory;
  /** Lookups running at once; a burst beyond it waits its turn (within its deadline). */
  maxConcurrent?: number;
}

export interface LookupMeta {
  /** The interaction's id: the reference a user quotes and the log line carries. */
  requestId: string;
  logger?: Logger;
  /** The Focus right the asker lacks to see recordings: phone and person cards list none. */
  recordingsWithheld?: string | undefined;
}

export class LookupService {
  private readonly gate: Limiter;
  /** How to cut each lookup under way short (deadline or shutdown). */
  private readonly running = new Set<(error: AppError) => void>();
  private closed = false;

  constructor(private readonly options: LookupServiceOptions) {
    this.gate = new Limiter(options.maxConcurrent ?? 128);
  }

  async run(request: FocusLookupRequest, meta: LookupMeta): Promise<LookupOutcome> {
    const logger = meta.logger ?? this.options.logger;
    // At the deadline (or shutdown) the user is answered, and the lookup's Focus calls are called off.
    const stop = new AbortController();
    const ctx: LookupContext = {
      cache: this.options.cache,
      logger,
      pageSize: this.options.pageSize ?? 5,
      directory: this.options.directory,
      signal: stop.signal,
      recordingsWithheld: meta.recordingsWithheld,
    };
    let cut: (error: AppError) => void = () => {};
    const cutShort = new Promise<never>((_, reject) => {
      cut = (error) => {
        reject(error);
        stop.abort(error);
      };
    });
    const timer = setTimeout(
      () => cut(new AppError('timeout', `lookup exceeded ${this.options.deadlineMs} ms`)),
      this.options.deadlineMs,
    );
    this.running.add(cut);
    if (this.closed) cut(restarting());
    try {
      // A bulkhead: a burst of thousands of lookups holds memory for a few hundred at a time.
      return await Promise.race([this.gate.run(() => dispatch(ctx, request), stop.signal), cutShort]);
    } catch (error) {
      const code = failureCodeOf(error);
      const fields = { requestId: meta.requestId, kind: request.kind, code, error };
      if (code === 'internal') logger.error('lookup.bug', { ...fields, stack: (error as Error)?.stack });
      else logger.warn('lookup.failed', fields);
      const hint = error instanceof FocusError ? error.hint : undefined;
      return { status: 'failed', request, code, referenceId: meta.requestId, ...(hint && { hint }) };
    } finally {
      clearTimeout(timer);
      this.running.delete(cut);
    }
  }

  /**
   * Shutdown: every lookup under way (or waiting its turn) answers `restarting` now, and so does
   * every later one. Returns how many were cut short.
   */
  cancelAll(): number {
    this.closed = true;
    const cuts = [...this.running];
    for (const cut of cuts) cut(restarting());
    return cuts.length;
  }

  /** For readiness: do the credentials work right now? */
  async checkFocus(): Promise<void> {
    await this.options.cache.uncached.authenticate();
  }
}

function dispatch(ctx: LookupContext, request: FocusLookupRequest): Promise<LookupOutcome> {
  switch (request.kind) {
    case 'phone':
      return lookupPhone(ctx, request);
    case 'person':
      return 'id' in request ? lookupPersonById(ctx, request) : lookupPersonByQuery(ctx, request);
    case 'recording':
      return lookupRecording(ctx, request);
    case 'comments':
      return lookupComments(ctx, request);
    case 'user':
      return lookupUser(ctx, request);
    case 'retention':
      return lookupRetention(ctx, request);
  }
}

function restarting(): AppError {
  return new AppError('restarting', 'the app is shutting down');
}
