/** The dataset with precomputed indexes, and the pure queries the routes answer from. */
import type {
  Dataset,
  WireComment,
  WireEndpoint,
  WirePerson,
  WirePortalUser,
  WireRecording,
} from './types.js';

export interface IdFilter<T> {
  include?: T[];
  exclude?: T[];
}

export interface RecordingQuery {
  recordingIds?: IdFilter<number>;
  thirdPartyIds?: IdFilter<string>;
  endpointIds?: IdFilter<number>;
  freeText?: string;
  fromMs?: number;
  toMs?: number;
  page: number;
  pageSize: number;
}

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** The first index in [0, n) where `after` holds, given that it holds from there on (binary search). */
function firstWhere(n: number, after: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function paginate<T>(all: readonly T[], page: number, pageSize: number): Paged<T> {
  return { items: all.slice((page - 1) * pageSize, page * pageSize), total: all.length, page, pageSize };
}

const endpointKey = (type: string, value: string): string =>
  `${type}\u0000${type === 'email' ? value.toLowerCase() : value}`;

/** What free text is matched against: numbers, names, tags and the third-party id. */
function haystackOf(r: WireRecording): string {
  const parts = [
    ...r.endpoints.map((e) => e.endpoint.endpoint),
    ...r.people.map((p) => p.fullName),
    ...r.tags,
    r.thirdPartyId,
  ];
  return parts.join('\u0000').toLowerCase();
}

export class FocusStore {
  /** Newest first, with parallel arrays by position. */
  private readonly recs: WireRecording[];
  private readonly startMs: number[];
  private readonly haystack: string[];
  /** Every haystack joined, and where each starts: one indexOf scan finds free-text hits. */
  private allText: string;
  private readonly textStarts: number[] = [];
  private readonly posById = new Map<number, number>();
  private readonly posByThirdParty = new Map<string, number>();
  private readonly posByEndpointId = new Map<number, number[]>();
  private readonly endpointsByKey = new Map<string, WireEndpoint[]>();
  /** Every endpoint of each type, in id order: a page of the full listing is one slice. */
  private readonly endpointsByType = new Map<string, WireEndpoint[]>();
  private readonly peopleById = new Map<number, WirePerson>();

  constructor(readonly dataset: Dataset) {
    const sorted = dataset.recordings
      .map((r) => ({ r, t: Date.parse(r.startDatetimeUTC) }))
      .sort((a, b) => b.t - a.t || b.r.interactionId - a.r.interactionId);
    this.recs = sorted.map((x) => x.r);
    this.startMs = sorted.map((x) => x.t);
    this.haystack = this.recs.map((r, i) => {
      this.posById.set(r.interactionId, i);
      this.posByThirdParty.set(r.thirdPartyId, i);
      for (const { endpoint } of r.endpoints) {
        if (endpoint.id === undefined) continue;
        const list = this.posByEndpointId.get(endpoint.id) ?? [];
        if (list[list.length - 1] !== i) list.push(i);
        this.posByEndpointId.set(endpoint.id, list);
      }
      return haystackOf(r);
    });
    this.allText = '';
    this.indexText();
    for (const ep of dataset.endpoints) {
      const key = endpointKey(ep.type, ep.endpoint);
      const same = this.endpointsByKey.get(key);
      if (same) same.push(ep);
      else this.endpointsByKey.set(key, [ep]);
      const ofType = this.endpointsByType.get(ep.type);
      if (ofType) ofType.push(ep);
      else this.endpointsByType.set(ep.type, [ep]);
    }
    for (const p of dataset.people) this.peopleById.set(p.id, p);
  }

  /**
   * Adds a recording in its place (newest first; at the front when it is the newest), moving
   * every index on by one position behind it: O(n), for recordings added while running.
   */
  insertRecording(r: WireRecording): void {
    if (this.posById.has(r.interactionId)) throw new Error(`recording ${r.interactionId} exists`);
    if (this.posByThirdParty.has(r.thirdPartyId)) throw new Error(`thirdPartyId ${r.thirdPartyId} exists`);
    const t = Date.parse(r.startDatetimeUTC);
    if (!Number.isFinite(t)) throw new Error(`startDatetimeUTC ${r.startDatetimeUTC} is not a date`);
    // First position that sorts after r (older, or as old with a smaller id).
    const at = firstWhere(this.recs.length, (i) => {
      const m = this.startMs[i] ?? 0;
      return m < t || (m === t && (this.recs[i]?.interactionId ?? 0) <= r.interactionId);
    });
    const shift = <K>(map: Map<K, number>) => {
      for (const [k, p] of map) if (p >= at) map.set(k, p + 1);
    };
    shift(this.posById);
    shift(this.posByThirdParty);
    for (const list of this.posByEndpointId.values()) {
      for (let i = list.length - 1; i >= 0 && (list[i] ?? 0) >= at; i--) list[i] = (list[i] ?? 0) + 1;
    }
    this.recs.splice(at, 0, r);
    this.startMs.splice(at, 0, t);
    this.haystack.splice(at, 0, haystackOf(r));
    this.posById.set(r.interactionId, at);
    this.posByThirdParty.set(r.thirdPartyId, at);
    const ids = new Set(r.endpoints.flatMap((e) => (e.endpoint.id === undefined ? [] : [e.endpoint.id])));
    for (const id of ids) {
      const list = this.posByEndpointId.get(id) ?? [];
      const behind = firstWhere(list.length, (i) => (list[i] ?? 0) > at);
      list.splice(behind, 0, at);
      this.posByEndpointId.set(id, list);
    }
    this.indexText();
  }

  searchRecordings(q: RecordingQuery): Paged<WireRecording> {
    const text = q.freeText?.toLowerCase();
    const candidates = this.candidates(q) ?? (text ? this.textPositions(text) : null);
    const from = q.fromMs ?? Number.NEGATIVE_INFINITY;
    const to = q.toMs ?? Number.POSITIVE_INFINITY;
    const exIds = new Set(q.recordingIds?.exclude ?? []);
    const exTp = new Set(q.thirdPartyIds?.exclude ?? []);
    const exEp = new Set(q.endpointIds?.exclude ?? []);
    const hits: WireRecording[] = [];
    const visit = (i: number): void => {
      const r = this.recs[i];
      const t = this.startMs[i] ?? 0;
      if (!r || t < from || t > to) return;
      if (exIds.has(r.interactionId) || exTp.has(r.thirdPartyId)) return;
      if (exEp.size > 0 && r.endpoints.some((e) => e.endpoint.id !== undefined && exEp.has(e.endpoint.id)))
        return;
      if (text && !this.haystack[i]?.includes(text)) return;
      hits.push(r);
    };
    const first = firstWhere(this.recs.length, (i) => (this.startMs[i] ?? 0) <= to);
    if (candidates) for (const i of candidates) visit(i);
    else for (let i = first; i < this.recs.length && (this.startMs[i] ?? 0) >= from; i++) visit(i);
    return paginate(hits, q.page, q.pageSize);
  }

  private indexText(): void {
    this.textStarts.length = 0;
    let offset = 0;
    for (const text of this.haystack) {
      this.textStarts.push(offset);
      offset += text.length + 1;
    }
    this.allText = this.haystack.join('\u0001');
  }

  /** Positions whose haystack contains `text`, ascending (newest first). */
  private textPositions(text: string): number[] {
    const found: number[] = [];
    for (let at = this.allText.indexOf(text); at !== -1; ) {
      const lo = firstWhere(this.textStarts.length, (i) => (this.textStarts[i] ?? 0) > at) - 1;
      found.push(lo);
      const next = this.textStarts[lo + 1];
      if (next === undefined) break;
      at = this.allText.indexOf(text, next);
    }
    return found;
  }

  /** Positions allowed by the include lists (ascending, i.e. newest first), or null for all. */
  private candidates(q: RecordingQuery): number[] | null {
    let set: Set<number> | null = null;
    const narrow = (positions: Iterable<number>): void => {
      const next = new Set<number>();
      for (const p of positions) if (!set || set.has(p)) next.add(p);
      set = next;
    };
    const lookup = <K>(keys: K[], map: Map<K, number>) =>
      keys.flatMap((k) => (map.has(k) ? [map.get(k) as number] : []));
    if (q.recordingIds?.include?.length) narrow(lookup(q.recordingIds.include, this.posById));
    if (q.thirdPartyIds?.include?.length) narrow(lookup(q.thirdPartyIds.include, this.posByThirdParty));
    if (q.endpointIds?.include?.length) {
      narrow(q.endpointIds.include.flatMap((id) => this.posByEndpointId.get(id) ?? []));
    }
    return set ? [...(set as Set<number>)].sort((a, b) => a - b) : null;
  }

  searchEndpoints(
    type: string,
    value: string | undefined,
    page: number,
    pageSize: number,
  ): Paged<WireEndpoint> {
    const all =
      value === undefined
        ? (this.endpointsByType.get(type) ?? [])
        : (this.endpointsByKey.get(endpointKey(type, value)) ?? []);
    return paginate(all, page, pageSize);
  }

  searchUsers(search: string | undefined, page: number, pageSize: number): Paged<WirePortalUser> {
    const s = search?.toLowerCase();
    const all = s
      ? this.dataset.users.filter((u) =>
          [u.username, u.fullName, u.email].some((f) => f.toLowerCase().includes(s)),
        )
      : this.dataset.users;
    return paginate(all, page, pageSize);
  }

  hasRecording(id: number): boolean {
    return this.posById.has(id);
  }

  comments(recordingId: number): WireComment[] {
    return this.dataset.comments[recordingId] ?? [];
  }

  /** People in request order, duplicates and unknown ids dropped. */
  people(ids: readonly number[]): WirePerson[] {
    return [...new Set(ids)].flatMap((id) => {
      const p = this.peopleById.get(id);
      return p ? [p] : [];
    });
  }
}
