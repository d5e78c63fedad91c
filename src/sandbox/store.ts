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
  /**
   * Every haystack joined, and where each starts: one indexOf scan finds free-text hits. Built
   * when a free-text search needs it, not at every insert (a burst of added recordings rejoined
   * the whole text each time).
   */
  private allText: string | undefined;
  private readonly textStarts: number[] = [];
  /**
   * The indexes hold each recording's rank counted from the oldest (position = count - 1 - rank),
   * so adding the newest recording, as a live burst does, moves no entry; one added further back
   * moves only the newer ones.
   */
  private readonly rankById = new Map<number, number>();
  private readonly rankByThirdParty = new Map<string, number>();
  /** Ranks ascending (oldest first). */
  private readonly ranksByEndpointId = new Map<number, number[]>();
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
    this.haystack = this.recs.map(haystackOf);
    for (let rank = 0; rank < this.recs.length; rank++) {
      const r = this.recs[this.recs.length - 1 - rank] as WireRecording;
      this.rankById.set(r.interactionId, rank);
      this.rankByThirdParty.set(r.thirdPartyId, rank);
      for (const { endpoint } of r.endpoints) {
        if (endpoint.id === undefined) continue;
        const list = this.ranksByEndpointId.get(endpoint.id) ?? [];
        if (list[list.length - 1] !== rank) list.push(rank);
        this.ranksByEndpointId.set(endpoint.id, list);
      }
    }
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
   * Adds a recording in its place (newest first; at the front when it is the newest). The newest
   * moves no index entry; one further back moves those of the newer recordings: O(n).
   */
  insertRecording(r: WireRecording): void {
    if (this.rankById.has(r.interactionId)) throw new Error(`recording ${r.interactionId} exists`);
    if (this.rankByThirdParty.has(r.thirdPartyId)) throw new Error(`thirdPartyId ${r.thirdPartyId} exists`);
    const t = Date.parse(r.startDatetimeUTC);
    if (!Number.isFinite(t)) throw new Error(`startDatetimeUTC ${r.startDatetimeUTC} is not a date`);
    // First position that sorts after r (older, or as old with a smaller id).
    let lo = 0;
    let hi = this.recs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.startMs[mid] ?? 0;
      if (m > t || (m === t && (this.recs[mid]?.interactionId ?? 0) > r.interactionId)) lo = mid + 1;
      else hi = mid;
    }
    const at = lo;
    // Its rank: the recordings older than it. Every newer one moves up by one.
    const rank = this.recs.length - at;
    if (at > 0) {
      const shift = <K>(map: Map<K, number>) => {
        for (const [k, n] of map) if (n >= rank) map.set(k, n + 1);
      };
      shift(this.rankById);
      shift(this.rankByThirdParty);
      for (const list of this.ranksByEndpointId.values()) {
        for (let i = list.length - 1; i >= 0 && (list[i] ?? 0) >= rank; i--) list[i] = (list[i] ?? 0) + 1;
      }
    }
    this.recs.splice(at, 0, r);
    this.startMs.splice(at, 0, t);
    this.haystack.splice(at, 0, haystackOf(r));
    this.rankById.set(r.interactionId, rank);
    this.rankByThirdParty.set(r.thirdPartyId, rank);
    for (const id of new Set(
      r.endpoints.flatMap((e) => (e.endpoint.id === undefined ? [] : [e.endpoint.id])),
    )) {
      const list = this.ranksByEndpointId.get(id) ?? [];
      let i = list.length;
      while (i > 0 && (list[i - 1] ?? 0) > rank) i--;
      list.splice(i, 0, rank);
      this.ranksByEndpointId.set(id, list);
    }
    this.allText = undefined;
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
    if (candidates) for (const i of candidates) visit(i);
    else
      for (let i = this.firstAtOrBefore(to); i < this.recs.length && (this.startMs[i] ?? 0) >= from; i++)
        visit(i);
    return paginate(hits, q.page, q.pageSize);
  }

  /** Joins the haystacks into one text and notes where each starts. */
  private indexText(): string {
    this.textStarts.length = 0;
    let offset = 0;
    for (const text of this.haystack) {
      this.textStarts.push(offset);
      offset += text.length + 1;
    }
    this.allText = this.haystack.join('\u0001');
    return this.allText;
  }

  /** Positions whose haystack contains `text`, ascending (newest first). */
  private textPositions(text: string): number[] {
    const allText = this.allText ?? this.indexText();
    const found: number[] = [];
    for (let at = allText.indexOf(text); at !== -1; ) {
      let lo = 0;
      let hi = this.textStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((this.textStarts[mid] ?? 0) <= at) lo = mid;
        else hi = mid - 1;
      }
      found.push(lo);
      const next = this.textStarts[lo + 1];
      if (next === undefined) break;
      at = allText.indexOf(text, next);
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
    const last = this.recs.length - 1;
    const lookup = <K>(keys: K[], map: Map<K, number>) =>
      keys.flatMap((k) => (map.has(k) ? [last - (map.get(k) as number)] : []));
    if (q.recordingIds?.include?.length) narrow(lookup(q.recordingIds.include, this.rankById));
    if (q.thirdPartyIds?.include?.length) narrow(lookup(q.thirdPartyIds.include, this.rankByThirdParty));
    if (q.endpointIds?.include?.length) {
      narrow(
        q.endpointIds.include.flatMap((id) => (this.ranksByEndpointId.get(id) ?? []).map((n) => last - n)),
      );
    }
    return set ? [...(set as Set<number>)].sort((a, b) => a - b) : null;
  }

  /** First position whose start is at or before `toMs` (binary search; starts descend). */
  private firstAtOrBefore(toMs: number): number {
    let lo = 0;
    let hi = this.recs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.startMs[mid] ?? 0) > toMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
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
    return this.rankById.has(id);
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
