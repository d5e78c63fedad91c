/** Name keys and ranks: the allocation-free ranking equals the word-splitting definition. */
import { describe, expect, it } from 'vitest';
import { keyWords, matchRank, nameKey } from '../../src/lookup/normalise.js';
import { createRng } from '../../src/sandbox/index.js';

/** The definition: 0 exact, 1 prefix, 2 every query word starts a name word, 3 substring. */
function definition(query: string, name: string): number | undefined {
  if (query === '' || name === '') return undefined;
  if (name === query) return 0;
  if (name.startsWith(query)) return 1;
  const words = name.split(' ');
  if (query.split(' ').every((q) => words.some((w) => w.startsWith(q)))) return 2;
  if (name.includes(query)) return 3;
  return undefined;
}

describe('nameKey', () => {
  it('folds accents, case and punctuation into single spaces', () => {
    expect(nameKey('  Zoë  Ó Súilleabháin ')).toBe('zoe o suilleabhain');
    expect(nameKey("Mary O'Brien")).toBe('mary o brien');
    expect(nameKey('Ørjan Straße')).toBe('orjan strasse');
    expect(nameKey('Jackson-Reid, Sean')).toBe('jackson-reid sean');
    expect(keyWords(nameKey(''))).toEqual([]);
  });
});

describe('matchRank', () => {
  it('ranks exact, prefix, words and substring', () => {
    expect(matchRank('jane smith', 'jane smith')).toBe(0);
    expect(matchRank('jane sm', 'jane smith')).toBe(1);
    expect(matchRank('smith jane', 'jane smith')).toBe(2);
    expect(matchRank('ne sm', 'jane smith')).toBe(3);
    expect(matchRank('john', 'jane smith')).toBeUndefined();
    expect(matchRank('', 'jane smith')).toBeUndefined();
  });

  it('equals the definition on many generated keys', () => {
    const rng = createRng(3);
    const parts = ['a', 'an', 'ann', 'anna', 'n', 'na', 'b', 'bo', 'bob', 'o', 'ob', 'x'];
    const key = (words: number) => Array.from({ length: words }, () => rng.pick(parts)).join(' ');
    for (let i = 0; i < 20_000; i++) {
      const query = key(rng.int(1, 3));
      const name = key(rng.int(1, 4));
      expect(matchRank(query, name), `${query} | ${name}`).toBe(definition(query, name));
    }
  });
});
