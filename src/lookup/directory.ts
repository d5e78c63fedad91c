/**
 * The people directory: Focus has no people search by name, so the app lists endpoints
 * (documented endpoint search), learns their owners' names and matches names locally, through
 * an index (a search looks at the people a query could match, not at everyone).
 *
 * Built at start, in the background: no lookup's deadline stops it. Until the first build is
 * complete, a name search waits for it a little (`loadingWaitMs`), then answers with the
 * matches found so far, marked incomplete; it never waits past its own lookup's deadline.
 *
 * Refreshes (every `refreshMs`) build a new snapshot while the old one answers, then swap.
 * What a refresh costs: every endpoint page is read again (new and moved numbers must show),
 * but names come from the endpoint records when Focus puts the owner on them, else from the
 * previous build; people.get is asked only about owners not seen before, except on every
 * `namesEvery`-th refresh (default 4th: hourly at the default 15 minutes), which asks about
 * every owner whose name only people.get gives, so renamed people show within that time.
 */
import type { EndpointRef } from '../domain/focus.js';
import type { Logger } from '../domain/logger.js';
import { TRANSPORT_DEFAULTS } from '../domain/tenant.js';
import { buildSnapshot, type DirectorySource } from './directory-build.js';
import { type DirectoryEntry, DirectorySnapshot } from './directory-snapshot.js';

export type { DirectoryEntry } from './directory-snapshot.js';

export interface DirectoryOptions {
  client: DirectorySource;
  logger: Logger;
  /** Between refreshes (default 15 minutes). */
  refreshMs?: number;
  /**
   * The client's Focus requests in flight at most (`FOCUS_MAX_CONCURRENCY`, default 8). A
   * build uses three quarters of them, so lookups under way always find a connection.
   */
  focusConcurrency?: number;
  /** Endpoints per page (default 1,000). */
  pageSize?: number;
  /** Ids per people.get (default 500). */
  peopleBatch?: number;
  /** Every this many refreshes, every name is read again (default 4). */
  namesEvery?: number;
  /** How long a search waits for the first build before answering with what is loaded (default 2 s). */
  loadingWaitMs?: number;
  /** After a first build failed, the next try (default 30 s). */
  retryMs?: number;
}

export interface DirectorySearch {
  /** Best first. */
  matches: DirectoryEntry[];
  /** False while the first build is under way: more people may match once it is done. */
  complete: boolean;
}

export class PeopleDirectory {
  /** The last complete build. */
  private current: DirectorySnapshot | undefined;
  /** The first build, while under way (searched for what it has so far). */
  private loading: DirectorySnapshot | undefined;
  private building: Promise<void> | undefined;
  private builds = 0;
  private stopBuild: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(private readonly options: DirectoryOptions) {}

  /** Builds now and refreshes every `refreshMs`. */
  start(): void {
    this.started = true;
    // Failures are logged in refresh(); a lookup that needs the directory starts a build itself.
    const refresh = () => void this.refresh().catch(() => {});
    refresh();
    this.timer = setInterval(refresh, this.options.refreshMs ?? 15 * 60_000);
    this.timer.unref();
  }

  stop(): void {
    this.started = false;
    clearInterval(this.timer);
    clearTimeout(this.retryTimer);
    this.stopBuild?.abort(new Error('directory stopped'));
  }

  /** People in the last complete build. */
  get size(): number {
    return this.current?.size ?? 0;
  }

  /** People searchable now: the last complete build's, or those the first build has so far. */
  get loaded(): number {
    return (this.current ?? this.loading)?.size ?? 0;
  }

  /** False until the first build is complete. */
  get complete(): boolean {
    return this.current !== undefined;
  }

  /**
   * Best matches first; at most `limit`. Waits for a first build under way at most
   * `loadingWaitMs`, then answers with the matches so far (`complete: false`); never waits
   * after `signal` aborts (it rejects with its reason). For lookups, which have a deadline.
   */
  async find(query: string, limit = 10, signal?: AbortSignal): Promise<DirectorySearch> {
    const ready = await this.ready(signal);
    if (ready) return { matches: ready.search(query, limit), complete: true };
    return { matches: this.loading?.search(query, limit) ?? [], complete: false };
  }

  /** Best matches first; at most `limit`. Waits for the first build, however long it takes. */
  async search(query: string, limit = 10): Promise<DirectoryEntry[]> {
    if (!this.current) await this.refresh();
    return this.current?.search(query, limit) ?? [];
  }

  /**
   * A person's endpoints as the endpoint search lists them: for tenants whose people.get
   * leaves them out (they are not documented there). Empty for someone the directory lacks.
   */
  async endpointsOf(personId: number, signal?: AbortSignal): Promise<EndpointRef[]> {
    const ready = (await this.ready(signal)) ?? this.loading;
    return ready?.endpointsOf(personId) ?? [];
  }

  /** One build at a time; a failed refresh keeps the previous build. */
  refresh(): Promise<void> {
    this.building ??= this.build().finally(() => {
      this.building = undefined;
    });
    return this.building;
  }

  private async build(): Promise<void> {
    const previous = this.current;
    const snapshot = new DirectorySnapshot();
    const readAllNames = !previous || this.builds % (this.options.namesEvery ?? 4) === 0;
    this.builds++;
    if (!previous) this.loading = snapshot;
    const stop = new AbortController();
    this.stopBuild = stop;
    const started = Date.now();
    try {
      const report = await buildSnapshot(snapshot, {
        source: this.options.client,
        concurrency: Math.max(
          1,
          Math.ceil(((this.options.focusConcurrency ?? TRANSPORT_DEFAULTS.maxConcurrency) * 3) / 4),
        ),
        pageSize: this.options.pageSize ?? 1_000,
        peopleBatch: this.options.peopleBatch ?? 500,
        ...(!readAllNames && previous && { knownName: (id: number) => previous.get(id) }),
        signal: stop.signal,
      });
      snapshot.prepare();
      this.current = snapshot;
      this.options.logger.info('directory.built', {
        people: snapshot.size,
        endpoints: snapshot.endpointCount,
        names: readAllNames ? 'all' : 'new owners only',
        ...report,
        ms: Date.now() - started,
      });
    } catch (error) {
      if (stop.signal.aborted)
        this.options.logger.info('directory.build_stopped', { ms: Date.now() - started });
      else this.options.logger.warn('directory.build_failed', { error, ms: Date.now() - started });
      if (!this.current) {
        if (this.started) {
          clearTimeout(this.retryTimer);
          this.retryTimer = setTimeout(
            () => void this.refresh().catch(() => {}),
            this.options.retryMs ?? 30_000,
          );
          this.retryTimer.unref();
        }
        throw error;
      }
    } finally {
      if (this.loading === snapshot) this.loading = undefined;
      if (this.stopBuild === stop) this.stopBuild = undefined;
    }
  }

  /**
   * The last complete build; else waits for the first one, at most `loadingWaitMs`, and
   * resolves undefined if it is still under way. Rejects when that build fails, or when
   * `signal` aborts.
   */
  private async ready(signal?: AbortSignal): Promise<DirectorySnapshot | undefined> {
    if (this.current) return this.current;
    signal?.throwIfAborted();
    await within(this.refresh(), this.options.loadingWaitMs ?? 2_000, signal);
    return this.current;
  }
}

/** Settles with `work`, or resolves after `ms`, or rejects when `signal` aborts: whichever is first. */
function within(work: Promise<void>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      done();
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(
      () => {
        done();
        resolve();
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
