/**
 * An index of name keys (see `nameKey`) so a name search looks at the people a query could
 * match, not at everyone. Each word of every key points at the names holding it; the distinct
 * words are kept sorted, so the words a query word starts are one contiguous run.
 *
 * The index only chooses candidates: each is ranked by `rankName`, so the ranking is exactly
 * the one a full scan gives. Candidates for ranks 0-2 (exact, prefix, every query word starts
 * a name word) are the names under the query word whose run holds the fewest names. Rank 3
 * (the query inside a name) only shows when fewer than `limit` names rank better, so only then
 * are its candidates looked at: for one word, the words containing it (through trigrams of
 * the distinct words); for several, the names with a word that the last query word starts.
 *
 * Names can be added at any time (the directory adds them as they load); the sorted words and
 * trigrams are rebuilt on the next search after a new word.
 */
import { type CompiledQuery, compileQuery, keyWords, rankName } from './normalise.js';

export interface Named {
  id: number;
  fullName: string;
  /** `nameKey(fullName)`. */
  key: string;
}

interface Ranked<T> {
  rank: number;
  item: T;
}

/** Best first: rank, then the key (accents and case folded), then the name as written, then id. */
function before<T extends Named>(a: Ranked<T>, b: Ranked<T>): boolean {
  if (a.rank !== b.rank) return a.rank < b.rank;
  if (a.item.key !== b.item.key) return a.item.key < b.item.key;
  if (a.item.fullName !== b.item.fullName) return a.item.fullName < b.item.fullName;
  return a.item.id < b.item.id;
}

/** The `limit` best of what it is offered, in order. */
class Best<T extends Named> {
  readonly items: Ranked<T>[] = [];
  constructor(private readonly limit: number) {}

  offer(entry: Ranked<T>): void {
    const items = this.items;
    if (items.length === this.limit && !before(entry, items[items.length - 1] as Ranked<T>)) return;
    let at = items.length;
    while (at > 0 && before(entry, items[at - 1] as Ranked<T>)) at--;
    items.splice(at, 0, entry);
    if (items.length > this.limit) items.pop();
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
  private searchNo = 0;
  /** Names the last search ranked (for tests and benchmarks: far fewer than `size`). */
  lastExamined = 0;

  get size(): number {
    return this.items.length;
  }

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

  /** The best `limit` matches of a query key; an exact match hides looser ones. */
  search(queryKey: string, limit: number): T[] {
    const query = compileQuery(queryKey);
    if (query.words.length === 0 || limit <= 0) return [];
    const words = this.sortedWords();
    if (this.seen.length < this.items.length) this.seen = new Uint32Array(this.items.length * 2);
    this.searchNo = (this.searchNo + 1) >>> 0 || 1;
    const best = new Best<T>(limit);
    let better = 0;
    this.lastExamined = 0;
    const visit = (position: number): void => {
      if (this.seen[position] === this.searchNo) return;
      this.seen[position] = this.searchNo;
      this.lastExamined++;
      const item = this.items[position] as T;
      const rank = rankName(query, item.key);
      if (rank === undefined) return;
      if (rank <= 2) better++;
      best.offer({ rank, item });
    };
    const runs = query.words.map((w) => this.run(words, w));
    const narrowest = runs.reduce((a, b) => (b.names < a.names ? b : a));
    this.visitRun(words, narrowest, visit);
    if (better < limit && best.items[0]?.rank !== 0)
      this.visitSubstrings(query, words, runs, narrowest, visit);
    const exact = best.items[0]?.rank === 0;
    return best.items.filter((r) => !exact || r.rank === 0).map((r) => r.item);
  }

  /** Names whose key holds the query inside a word or across words (rank 3). */
  private visitSubstrings(
    query: CompiledQuery,
    words: string[],
    runs: Run[],
    visited: Run,
    visit: (position: number) => void,
  ): void {
    if (query.words.length > 1) {
      // Across words: the last query word starts the name word after the first.
      const last = runs[runs.length - 1] as Run;
      if (last !== visited) this.visitRun(words, last, visit);
      return;
    }
    const word = query.key;
    for (const i of this.wordsContaining(words, word)) {
      for (const position of this.postings.get(words[i] as string) ?? []) visit(position);
    }
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

interface Run {
  start: number;
  end: number;
  names: number;
}
