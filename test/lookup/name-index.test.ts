/**
 * The name index at 100,000 names: the same answers as ranking every name (accents, case,
 * prefixes, words, substrings, exact matches hiding looser ones). The comparison with ranking
 * every name runs on 20,000 of them. How fast it is, is the directory benchmark's to say.
 */
import { describe, expect, it } from 'vitest';
import { type Named, NameIndex } from '../../src/lookup/name-index.js';
import { compileQuery, nameKey, rankName } from '../../src/lookup/normalise.js';
import { createRng } from '../../src/sandbox/index.js';

const SIZE = 100_000;
const rng = createRng(7);
// biome-ignore format: compact word lists
const FIRST = ['Jane', 'John', 'Zoë', 'Seán', 'Renée', 'Ólafur', 'Mei', 'Priya', 'Ahmed', 'Björn', 'Chloé', 'Luis', 'Anna', 'Oliver', 'Fatima', 'Kwame'];
// biome-ignore format: compact word lists
const SYLLABLES = ['ka', 'ri', 'mo', 'sel', 'dan', 'ber', 'vi', 'lo', 'tun', 'gar', 'ne', 'shi', 'por', 'ed', 'wyn', 'ach', 'ül', 'ø', 'ss', 'ña'];

/** A surname of 2-4 syllables: tens of thousands of distinct words, like a real tenant. */
function surname(): string {
  let s = '';
  for (let n = rng.int(2, 4); n > 0; n--) s += rng.pick(SYLLABLES);
  return s[0]?.toUpperCase() + s.slice(1);
}

/** Names that the assertions below are about, among the generated ones. */
const PLANTED = [
  'Jane Smith',
  'JANE SMITH',
  'Jane Smithson',
  'Smith Jane',
  'Janet Smithers',
  'Zoë Ó Súilleabháin',
  'Sean Jackson-Reid',
  "Mary O'Brien",
  'Ørjan Straße',
];

function entries(): Named[] {
  const out: Named[] = [];
  for (let id = 1; out.length < SIZE - PLANTED.length; id++) {
    const middle = rng.chance(0.2) ? ` ${surname()}` : '';
    const fullName = `${rng.pick(FIRST)}${middle} ${surname()}`;
    out.push({ id, fullName, key: nameKey(fullName) });
  }
  for (const fullName of PLANTED) out.push({ id: out.length + 1, fullName, key: nameKey(fullName) });
  return out;
}

const all = entries();
const index = new NameIndex<Named>();
for (const e of all) index.add(e);

/**
 * The names the reference check ranks one by one for each of its queries: the planted ones and
 * the first generated ones. Its queries take the same paths through the index as at 100,000
 * (a first name still starts over a thousand names: above every threshold the index chooses by,
 * 256 names to intersect two runs, the result limit, an eighth of the names for a substring),
 * and ranking every name for each is a fifth of the work: under a second alone.
 */
const REFERENCE_SIZE = 20_000;
const sample = [...all.slice(0, REFERENCE_SIZE - PLANTED.length), ...all.slice(-PLANTED.length)];
const sampleIndex = new NameIndex<Named>();
for (const e of sample) sampleIndex.add(e);

/** The most any test below asks the index for. */
const MOST = 25;

/**
 * What ranking every name of `names` gives, best first (an exact match hiding the rest), up to
 * MOST: the reference. Every name is ranked; only the best MOST are kept in order as the scan
 * goes, which is what sorting them all and taking the first would give (the order is total: ids
 * differ).
 */
function scan(names: Named[], query: string): Named[] {
  const compiled = compileQuery(nameKey(query));
  const order = (a: { rank: number; item: Named }, b: { rank: number; item: Named }) =>
    a.rank - b.rank ||
    (a.item.key < b.item.key ? -1 : a.item.key > b.item.key ? 1 : 0) ||
    (a.item.fullName < b.item.fullName ? -1 : a.item.fullName > b.item.fullName ? 1 : 0) ||
    a.item.id - b.item.id;
  const best: Array<{ rank: number; item: Named }> = [];
  for (const item of names) {
    const rank = rankName(compiled, item.key);
    if (rank === undefined) continue;
    const ranked = { rank, item };
    const worst = best[best.length - 1];
    if (best.length === MOST && worst && order(ranked, worst) >= 0) continue;
    let at = best.length;
    while (at > 0 && order(ranked, best[at - 1] as (typeof best)[number]) < 0) at--;
    best.splice(at, 0, ranked);
    if (best.length > MOST) best.pop();
  }
  const exact = best[0]?.rank === 0;
  return best.filter((r) => !exact || r.rank === 0).map((r) => r.item);
}

const names = (items: Named[]) => items.map((i) => i.fullName);

describe(`NameIndex with ${SIZE.toLocaleString('en')} names`, () => {
  it('folds accents and case, both ways', () => {
    expect(names(index.search(nameKey('zoe o suilleabhain'), 10))).toEqual(['Zoë Ó Súilleabháin']);
    expect(names(index.search(nameKey('ZOË Ó SÚILLEABHÁIN'), 10))).toEqual(['Zoë Ó Súilleabháin']);
    expect(names(index.search(nameKey('orjan strasse'), 10))).toEqual(['Ørjan Straße']);
  });

  it('an exact full name hides looser matches; both spellings of it are kept', () => {
    expect(names(index.search(nameKey('jane smith'), 10))).toEqual(['JANE SMITH', 'Jane Smith']);
  });

  it('prefixes and word prefixes, best first', () => {
    const found = names(index.search(nameKey('jane smi'), 10));
    expect(found.slice(0, 3)).toEqual(['JANE SMITH', 'Jane Smith', 'Jane Smithson']);
    expect(found).toContain('Janet Smithers'); // "jane" starts "janet", "smi" starts "smithers"
    expect(found).toContain('Smith Jane'); // every word starts a name word, in any order
  });

  it('a word inside a name (after a hyphen or apostrophe) is found as a word or a substring', () => {
    expect(names(index.search(nameKey('reid'), 10))).toContain('Sean Jackson-Reid');
    expect(names(index.search(nameKey("o'brien"), 10))).toEqual(["Mary O'Brien"]);
    expect(names(index.search(nameKey('brien'), 10))).toContain("Mary O'Brien");
  });

  it('finds nothing for nothing', () => {
    expect(index.search(nameKey('qqqzzz'), 10)).toEqual([]);
    expect(index.search(nameKey('  '), 10)).toEqual([]);
  });

  it(`answers exactly as ranking all ${REFERENCE_SIZE.toLocaleString('en')} names would, for names, prefixes, words, substrings and misses`, () => {
    const queries = [
      'jane smith',
      'jane',
      'smith',
      'zoe',
      'o su',
      'ne sm',
      'e s',
      'a',
      'ka',
      'seán',
      'mith',
      'ahmed ka',
      'xyz',
    ];
    for (let i = 0; i < 25; i++) {
      const e = sample[rng.int(0, sample.length - 1)] as Named;
      const words = e.key.split(' ');
      const word = rng.pick(words);
      queries.push(
        e.fullName, // a full name
        e.key.slice(0, rng.int(1, e.key.length)), // a prefix
        word.slice(0, rng.int(1, word.length)), // a word prefix
        word.slice(rng.int(1, Math.max(1, word.length - 1))), // a word's tail: a substring
        e.key.slice(rng.int(1, e.key.length - 1)).slice(0, rng.int(3, 9)), // across words, often
        [...words]
          .reverse()
          .map((w) => w.slice(0, rng.int(1, 3)))
          .join(' '), // word prefixes, any order
      );
    }
    for (const q of queries) {
      const expected = scan(sample, q);
      for (const limit of [1, 10, MOST]) {
        expect(names(sampleIndex.search(nameKey(q), limit)), `${q} (${limit})`).toEqual(
          names(expected.slice(0, limit)),
        );
      }
    }
  });

  it('finds a query across words when its word runs are large (their intersection misses it)', () => {
    const local = new NameIndex<Named>();
    let id = 0;
    const add = (fullName: string) => local.add({ id: ++id, fullName, key: nameKey(fullName) });
    for (let i = 0; i < 300; i++) add(`Alpha Qz${i}`); // "qz" starts 300 names' words
    for (let i = 0; i < 400; i++) add(`Nexx Beta${i}`); // "ne" starts 400
    add('Jane Qzabc'); // holds "ne qz" across its words: rank 3, under neither run's intersection
    expect(names(local.search('ne qz', 10))).toEqual(['Jane Qzabc']);
    add('Nell Qzed'); // every word starts a name word: rank 2, first
    expect(names(local.search('ne qz', 10))).toEqual(['Nell Qzed', 'Jane Qzabc']);
  });

  it('can be searched while names are still being added', () => {
    const growing = new NameIndex<Named>();
    growing.add({ id: 1, fullName: 'Jane Smith', key: nameKey('Jane Smith') });
    expect(names(growing.search('jane', 10))).toEqual(['Jane Smith']);
    growing.add({ id: 2, fullName: 'Jane Austen', key: nameKey('Jane Austen') });
    expect(names(growing.search('jane', 10))).toEqual(['Jane Austen', 'Jane Smith']);
    expect(names(growing.search('usten', 10))).toEqual(['Jane Austen']);
  });
});
