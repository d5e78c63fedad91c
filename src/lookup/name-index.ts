/**
 * An index of name keys (see `nameKey`) so a name search looks at the people a query could
 * match, not at everyone, and ranks them exactly as `rankName` over every name would (tested
 * against a full scan). Results come best rank first, then in the order of the key (accents and
 * case folded), the name as written, the id.
 *
 * - Ranks 0 and 1 (the name is, or starts with, the query) are one run of the names sorted by
 *   key: a binary search. An exact match hides looser ones.
 * - Rank 2 (every query word starts a name word) is looked for only when that run holds fewer
 *   than `limit`: each word of every key points at the names holding it, and the distinct
 *   words are sorted, so the words a query word starts are one run; the candidates are the
 *   names under the query word whose run holds the fewest (when many, only those also under
 *   the next fewest).
 * - Rank 3 (the query inside a name) only when fewer than `limit` rank better: for one word,
 *   the words containing it (trigrams of the distinct words); for several, the names with a
 *   word that the last query word starts.
 *
 * Names can be added at any time (the directory adds them as they load); new names are sorted
 * and merged in, and the words and trigrams rebuilt, on the next search (or `prepare`).
 */
import { compileQuery, keyWords, rankName } from './normalise.js';

export interface Named {
  id: number;
  fullName: string;
  /** `nameKey(fullName)`. */
  key: string;
}

/** The best few positions offered: by rank, then place in the sorted order (small integers). */
class Best {
  private readonly ranks: number[] = [];
  private readonly places: number[] = [];
  readonly positions: number[] = [];

  constructor(private readonly limit: number) {}

  /** Places it holds at most. */
  get capacity(): number {
    return this.limit;
  }

  get size(): number {
    return this.positions.length;
  }

  offer(rank: number, place: number, position: number): void {
    const { ranks, places, positions } = this;
    let at = positions.length;
    // Before the one at `at - 1`? Most offers are not, and stop here.
    while (at > 0) {
      const r = ranks[at - 1] as number;
      if (rank < r || (rank === r && place < (places[at - 1] as number))) at--;
      else break;
    }
    if (at >= this.limit) return;
    ranks.splice(at, 0, rank);
    places.splice(at, 0, place);
    positions.splice(at, 0, position);
    if (positions.length > this.limit) {
      ranks.pop();
      places.pop();
      positions.pop();
    }
  }
}

export class NameIndex<T extends Named> {
  private readonly items: T[] = [];
  /** Word -> positions in `items` of the names holding it (ascending). */
  private readonly postings = new Map<string, number[]>();
  /** The distinct words, sorted; undefined after a new word until the next search. */
  private words: string[] | undefined;
  /** Trigram -> indexes in `words` of the words containing it; built when first needed. */
  private trigrams: Map<string, number[]> | undefined;
  /** Per item, the search that last looked at it (so a candidate is ranked once). */
  private seen = new Uint32Array(1_024);
  /** Per item, the search that found it under the second narrowest run. */
  private inNext = new Uint32Array(1_024);
  private searchNo = 0;
  /** Positions sorted by key, then name, then id (the order results come in); and each one's place in it. */
  private order = new Int32Array(0);
  private placeOf = new Int32Array(0);
  /** Names in `order` (the rest were added since). */
  private sortedCount = 0;

  add(item: T): void {
    const position = this.items.push(item) - 1;
    for (const word of new Set(keyWords(item.key))) {
      const list = this.postings.get(word);
      if (list) list.push(position);
      else {
        this.postings.set(word, [position]);
        this.words = undefined;
        this.trigrams = undefined;
      }
    }
  }

  /** Sorts what was added since the last search now, so no search pays for it. */
  prepare(): void {
    this.sortedWords();
    this.sortedOrder();
  }

  /** The best `limit` matches of a query key; an exact match hides looser ones. */
  search(queryKey: string, limit: number): T[] {
    const query = compileQuery(queryKey);
    if (query.words.length === 0 || limit <= 0) return [];
    const order = this.sortedOrder();
    const items = this.items;
    const key = query.key;

    // Ranks 0 and 1, the names that start with the query: one run of the sorted order.
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((items[order[mid] as number] as T).key < key) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    while (end < order.length && (items[order[end] as number] as T).key === key) end++;
    if (end > lo) {
      // An exact match hides looser ones ("Jane Smith" does not offer "Jane Smithson").
      return [...order.subarray(lo, Math.min(end, lo + limit))].map((p) => items[p] as T);
    }
    while (end < order.length && end - lo < limit && (items[order[end] as number] as T).key.startsWith(key))
      end++;
    const starts = [...order.subarray(lo, end)];
    if (starts.length === limit) return starts.map((p) => items[p] as T);

    // Ranks 2 and 3, best first by rank then name, for the places left.
    const words = this.sortedWords();
    if (this.seen.length < items.length) {
      this.seen = new Uint32Array(items.length * 2);
      this.inNext = new Uint32Array(items.length * 2);
    }
    this.searchNo = (this.searchNo + 1) >>> 0 || 1;
    const seen = this.seen;
    const mark = this.searchNo;
    for (const p of starts) seen[p] = mark;
    const best = new Best(limit - starts.length);
    const place = this.placeOf;
    let ranked2 = 0;
    const oneWord = query.words.length === 1;
    // Every query word starts a name word: the names under the word whose run holds fewest,
    // and, when they are many, also under the next fewest (a cheap mark before any ranking).
    const runs = query.words.map((w) => this.run(words, w));
    const [narrowest, next] = [...runs].sort((a, b) => a.names - b.names) as [Run, Run | undefined];
    const both =
      next !== undefined &&
      next.start !== narrowest.start &&
      narrowest.names > INTERSECT_FROM &&
      next.names <= 4 * narrowest.names;
    const inNext = this.inNext;
    if (both) this.visitRun(words, next, (p) => (inNext[p] = mark));
    this.visitRun(words, narrowest, (p) => {
      if (seen[p] === mark || (both && inNext[p] !== mark)) return;
      seen[p] = mark;
      // One word: every name under its run has a word it starts (those it starts are taken).
      const rank = oneWord ? 2 : rankName(query, (items[p] as T).key);
      if (rank === undefined) return;
      if (rank === 2) ranked2++;
      best.offer(rank, place[p] as number, p);
    });
    if (ranked2 < best.capacity) this.visitInside(query.key, query.words, runs, best, order);
    return [...starts, ...best.positions].map((p) => items[p] as T);
  }

  /**
   * Rank 3: names holding the query inside a word, or across words. Every rank 2 name was seen
   * already (it is under every run of the query's words), so what is unseen and holds the
   * query is rank 3. One word: the names under the words containing it; when they are many,
   * the sorted names are read from the start instead, stopping when the places are filled.
   * Several words: the middle ones are whole name words and the last starts one, so the
   * names under the fewest of those.
   */
  private visitInside(key: string, queryWords: string[], runs: Run[], best: Best, order: Int32Array) {
    const { items, seen, searchNo: mark, placeOf: place } = this;
    const words = this.sortedWords();
    const visit = (p: number) => {
      if (seen[p] === mark) return;
      seen[p] = mark;
      if ((items[p] as T).key.includes(key)) best.offer(3, place[p] as number, p);
    };
    if (queryWords.length === 1) {
      const holding = [...this.wordsContaining(words, key)].map(
        (i) => this.postings.get(words[i] as string) ?? [],
      );
      const names = holding.reduce((n, list) => n + list.length, 0);
      if (names > items.length / 8) {
        for (let k = 0; k < order.length && best.size < best.capacity; k++) visit(order[k] as number);
      } else for (const list of holding) for (const p of list) visit(p);
      return;
    }
    let fewest: number[] | Run = runs[runs.length - 1] as Run;
    for (const word of queryWords.slice(1, -1)) {
      const list = this.postings.get(word) ?? [];
      if (list.length < (Array.isArray(fewest) ? fewest.length : fewest.names)) fewest = list;
    }
    if (Array.isArray(fewest)) for (const p of fewest) visit(p);
    else this.visitRun(words, fewest, visit);
  }

  /** Positions sorted by key, then name, then id; new names are sorted and merged in. */
  private sortedOrder(): Int32Array {
    const n = this.items.length;
    if (this.sortedCount === n) return this.order;
    const items = this.items;
    const compare = (a: number, b: number): number => {
      const x = items[a] as T;
      const y = items[b] as T;
      if (x.key !== y.key) return x.key < y.key ? -1 : 1;
      if (x.fullName !== y.fullName) return x.fullName < y.fullName ? -1 : 1;
      return x.id - y.id;
    };
    const fresh = new Int32Array(n - this.sortedCount);
    for (let i = 0; i < fresh.length; i++) fresh[i] = this.sortedCount + i;
    fresh.sort(compare);
    const old = this.order;
    const merged = new Int32Array(n);
    let i = 0;
    let j = 0;
    for (let k = 0; k < n; k++) {
      if (j >= fresh.length || (i < old.length && compare(old[i] as number, fresh[j] as number) <= 0))
        merged[k] = old[i++] as number;
      else merged[k] = fresh[j++] as number;
    }
    const placeOf = new Int32Array(n);
    for (let k = 0; k < n; k++) placeOf[merged[k] as number] = k;
    this.order = merged;
    this.placeOf = placeOf;
    this.sortedCount = n;
    return merged;
  }

  /** Indexes in `words` of the words that contain `part` anywhere. */
  private wordsContaining(words: string[], part: string): Iterable<number> {
    if (part.length < 3) {
      const found: number[] = [];
      for (let i = 0; i < words.length; i++) if ((words[i] as string).includes(part)) found.push(i);
      return found;
    }
    const grams = this.trigramIndex(words);
    let rarest: number[] | undefined;
    for (let i = 0; i + 3 <= part.length; i++) {
      const list = grams.get(part.slice(i, i + 3));
      if (!list) return [];
      if (!rarest || list.length < rarest.length) rarest = list;
    }
    return (rarest ?? []).filter((i) => (words[i] as string).includes(part));
  }

  private trigramIndex(words: string[]): Map<string, number[]> {
    if (this.trigrams) return this.trigrams;
    const grams = new Map<string, number[]>();
    words.forEach((word, i) => {
      for (let at = 0; at + 3 <= word.length; at++) {
        const gram = word.slice(at, at + 3);
        const list = grams.get(gram);
        if (!list) grams.set(gram, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
    this.trigrams = grams;
    return grams;
  }

  /** The words starting with `prefix`: where their run starts and ends, and how many names they hold. */
  private run(words: string[], prefix: string): Run {
    let lo = 0;
    let hi = words.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((words[mid] as string) < prefix) lo = mid + 1;
      else hi = mid;
    }
    let names = 0;
    let end = lo;
    for (; end < words.length && (words[end] as string).startsWith(prefix); end++) {
      names += this.postings.get(words[end] as string)?.length ?? 0;
    }
    return { start: lo, end, names };
  }

  private visitRun(words: string[], run: Run, visit: (position: number) => void): void {
    for (let i = run.start; i < run.end; i++) {
      for (const position of this.postings.get(words[i] as string) ?? []) visit(position);
    }
  }

  private sortedWords(): string[] {
    this.words ??= [...this.postings.keys()].sort();
    return this.words;
  }
}

/** Under this many candidates, ranking them all is cheaper than intersecting two runs first. */
const INTERSECT_FROM = 256;

interface Run {
  start: number;
  end: number;
  names: number;
}
