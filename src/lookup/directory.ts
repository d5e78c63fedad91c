/**
 * The people directory: Focus has no people search by name, so the app lists endpoints
 * (documented endpoint search), fetches their owners (people.get) and matches names locally.
 * Built at start, refreshed in the background; a lookup never waits for a refresh, only for
 * the very first build.
 */
import type { EndpointRef, Person } from '../domain/focus.js';
import type { Logger } from '../domain/logger.js';
import type { FocusClient } from '../focus/client.js';
import { matchRank, nameKey } from './normalise.js';

export interface DirectoryEntry {
  id: number;
  fullName: string;
  personType?: string;
  emails: string[];
  /** Every endpoint the endpoint search lists for them, with its id. */
  endpoints: EndpointRef[];
  key: string;
}

export interface DirectoryOptions {
  client: FocusClient;
  logger: Logger;
  refreshMs?: number;
  pageSize?: number;
}

const PEOPLE_BATCH = 200;

export class PeopleDirectory {
  private entries: DirectoryEntry[] | undefined;
  private byId = new Map<number, DirectoryEntry>();
  private building: Promise<DirectoryEntry[]> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: DirectoryOptions) {}

  /** Builds now and refreshes every `refreshMs` (default 15 minutes). */
  start(): void {
    // Failures are logged in refresh(); a lookup that needs the directory retries the build.
    const refresh = () => void this.refresh().catch(() => {});
    refresh();
    this.timer = setInterval(refresh, this.options.refreshMs ?? 15 * 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get size(): number {
    return this.entries?.length ?? 0;
  }

  /** Best matches first; at most `limit`. */
  async search(query: string, limit = 10): Promise<DirectoryEntry[]> {
    const entries = this.entries ?? (await this.refresh());
    const key = nameKey(query);
    const email = query.includes('@') ? query.trim().toLowerCase() : undefined;
    const ranked: Array<{ entry: DirectoryEntry; rank: number }> = [];
    for (const entry of entries) {
      const rank = email ? (entry.emails.includes(email) ? 0 : undefined) : matchRank(key, entry.key);
      if (rank !== undefined) ranked.push({ entry, rank });
    }
    ranked.sort((a, b) => a.rank - b.rank || a.entry.fullName.localeCompare(b.entry.fullName));
    const best = ranked[0]?.rank;
    // An exact match hides looser ones ("Jane Smith" should not offer "Jane Smithson").
    return ranked
      .filter((r) => best !== 0 || r.rank === 0)
      .slice(0, limit)
      .map((r) => r.entry);
  }

  /**
   * A person's endpoints as the endpoint search lists them: for tenants whose people.get
   * leaves them out (they are not documented there). Empty for someone the directory lacks.
   */
  async endpointsOf(personId: number): Promise<EndpointRef[]> {
    if (!this.entries) await this.refresh();
    return this.byId.get(personId)?.endpoints ?? [];
  }

  /** One build at a time; a failed refresh keeps the previous entries. */
  refresh(): Promise<DirectoryEntry[]> {
    if (!this.building) {
      const started = Date.now();
      this.building = this.build()
        .then((entries) => {
          this.entries = entries;
          this.byId = new Map(entries.map((e) => [e.id, e]));
          this.options.logger.info('directory.built', { people: entries.length, ms: Date.now() - started });
          return entries;
        })
        .catch((error: unknown) => {
          this.options.logger.warn('directory.build_failed', { error });
          if (this.entries) return this.entries;
          throw error;
        })
        .finally(() => {
          this.building = undefined;
        });
    }
    return this.building;
  }

  private async build(): Promise<DirectoryEntry[]> {
    const owners = new Map<number, { emails: Set<string>; endpoints: EndpointRef[] }>();
    for (const type of ['phone', 'email'] as const) {
      for (let page = 1; ; page++) {
        const result = await this.options.client.searchEndpoints({
          type,
          page,
          pageSize: this.options.pageSize ?? 1000,
        });
        for (const e of result.items) {
          if (e.personId === undefined) continue;
          const owner = owners.get(e.personId) ?? { emails: new Set<string>(), endpoints: [] };
          if (e.type === 'email') owner.emails.add(e.value.toLowerCase());
          owner.endpoints.push({ id: e.id, value: e.value, type: e.type });
          owners.set(e.personId, owner);
        }
        if (result.items.length === 0 || page * result.pageSize >= result.total) break;
      }
    }
    const ids = [...owners.keys()];
    const people: Person[] = [];
    for (let i = 0; i < ids.length; i += PEOPLE_BATCH) {
      people.push(...(await this.options.client.getPeople(ids.slice(i, i + PEOPLE_BATCH))));
    }
    return people.map((p) => {
      const owner = owners.get(p.id);
      const emails = owner?.emails ?? new Set<string>();
      if (p.email) emails.add(p.email.toLowerCase());
      return {
        id: p.id,
        fullName: p.fullName,
        personType: p.personType,
        emails: [...emails],
        endpoints: owner?.endpoints ?? [],
        key: nameKey(p.fullName),
      };
    });
  }
}
