/**
 * The poll's one scan of Focus: `recording.search` over every followed endpoint, in chunks of ids,
 * page by page, from the earliest horizon of the watches; between sweeps a chunk stops at the
 * first page with nothing unseen. A recording dated ahead of the clock is held back (reported
 * once) until it is due, so it can never move a cursor into the future.
 */
import type { Recording } from '../domain/focus.js';
import type { Logger } from '../domain/logger.js';
import type { FocusClient } from '../focus/client.js';
import { type BadRecords, latestTrusted } from './bad-records.js';
import type { CallCounter } from './endpoints.js';
import { horizonMs, type Watch } from './news.js';

export interface SearchOptions {
  client: FocusClient;
  logger: Logger;
  /** Endpoint ids per `recording.search` (default 100). */
  idsPerSearch?: number;
  pageSize?: number;
  /** Pages read per search at most in one poll (a tenant that neither sorts nor filters). */
  maxPages?: number;
  /**
   * Every this many polls, the whole look-back window is read again (default 10): a recording
   * that appears late (a long call, uploaded when it ends) sorts below ones already seen, and the
   * polls in between stop at the first page with nothing unseen.
   */
  sweepEveryPolls?: number;
}

type Counts = CallCounter & { endpoints: number };

export class RecordingSearch {
  /** Recordings already read in the look-back window (id -> start ms), so a poll can stop early. */
  private readonly seen = new Map<number, number>();
  private polls = 0;

  constructor(
    private readonly options: SearchOptions & { bad: BadRecords; now: () => Date; lookbackMs: number },
  ) {}

  /** Recent recordings on every followed endpoint, by id: one search per chunk of ids, and its pages. */
  async recent(watches: readonly Watch[], report: Counts): Promise<Map<number, Recording>> {
    const { client, bad, logger, lookbackMs } = this.options;
    const ids = [...new Set(watches.flatMap((w) => w.endpointIds))].sort((a, b) => a - b);
    report.endpoints = ids.length;
    const found = new Map<number, Recording>();
    let from = Number.POSITIVE_INFINITY;
    for (const w of watches) if (w.endpointIds.length > 0) from = Math.min(from, horizonMs(w, lookbackMs));
    if (!Number.isFinite(from)) return found;
    const sweep = this.polls++ % (this.options.sweepEveryPolls ?? 10) === 0;
    const chunk = this.options.idsPerSearch ?? 100;
    const pageSize = this.options.pageSize ?? 100;
    const maxPages = this.options.maxPages ?? 20;
    const chunks: number[][] = [];
    for (let i = 0; i < ids.length; i += chunk) chunks.push(ids.slice(i, i + chunk));
    await Promise.all(
      chunks.map(async (endpointIds) => {
        for (let page = 1; page <= maxPages; page++) {
          report.focusCalls++;
          const result = await client.scanRecordings({
            endpointIds,
            from: new Date(from).toISOString(),
            page,
            pageSize,
          });
          for (const rejected of result.rejected)
            bad.report('recording_invalid', String(rejected.id ?? rejected.problem), {
              recording: rejected.id,
              problem: rejected.problem,
            });
          const latest = latestTrusted(this.options.now().getTime());
          let unseen = 0;
          let oldest = Number.POSITIVE_INFINITY;
          let newestFirst = true;
          let previous = Number.POSITIVE_INFINITY;
          for (const r of result.items) {
            const t = Date.parse(r.start);
            if (t > latest) {
              bad.report('recording_in_future', String(r.id), { recording: r.id, start: r.start });
              continue;
            }
            if (t > from) {
              found.set(r.id, r);
              if (!this.seen.has(r.id)) unseen++;
            }
            if (t > previous) newestFirst = false;
            previous = t;
            oldest = Math.min(oldest, t);
          }
          // A tenant that filters by date answers only recent pages; one that sorts newest first
          // is past the horizon once a page reaches it; one that does neither is read to maxPages.
          // Between sweeps, reaching what earlier polls read ends the search too.
          const last = result.items.length < pageSize || page * result.pageSize >= result.total;
          const reachedSeen = unseen === 0 || (newestFirst && unseen < result.items.length);
          if (last || (newestFirst && oldest <= from) || (!sweep && reachedSeen)) break;
          if (page === maxPages) logger.warn('subscriptions.page_limit', { endpoints: endpointIds.length });
        }
      }),
    );
    for (const [id, t] of this.seen) if (t <= from) this.seen.delete(id);
    for (const r of found.values()) this.seen.set(r.id, Date.parse(r.start));
    return found;
  }
}
