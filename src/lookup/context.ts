import type { Page, Person, Recording } from '../domain/focus.js';
import type { Logger } from '../domain/logger.js';
import type { FocusCache } from '../focus/cache.js';
import type { PeopleDirectory } from './directory.js';

/** What every lookup gets: the cached Focus client and a logger bound to the interaction. */
export interface LookupContext {
  cache: FocusCache;
  logger: Logger;
  /** Recordings shown on a card. */
  pageSize: number;
  /** Aborts when the lookup's deadline passes: its Focus calls still queued or running stop. */
  signal?: AbortSignal;
  /** Name search; without it, people are found by id and email only. */
  directory?: PeopleDirectory;
  /** The Focus right the asker lacks to see recordings: phone and person lookups search none. */
  recordingsWithheld?: string | undefined;
}

/** A person known only from an endpoint record (people.get did not return them). */
export function personFromEndpoint(
  id: number,
  fullName: string | undefined,
  personType: string | undefined,
): Person {
  return { id, fullName: fullName ?? `Person ${id}`, personType, endpoints: [] };
}

export const emptyPage = (pageSize: number): Page<Recording> => ({ items: [], total: 0, page: 1, pageSize });
