/** Case- and accent-insensitive text keys for matching names ("Zoë Ó Súilleabháin" ~ "zoe o suilleabhain"). */
export function nameKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/ø/gi, 'o')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}@.+-]+/gu, ' ')
    .trim();
}

/** A name key's words (a key has single spaces between words and none at either end). */
export function keyWords(key: string): string[] {
  return key === '' ? [] : key.split(' ');
}

/** A query key made ready to rank many names against it without allocating per name. */
export interface CompiledQuery {
  key: string;
  words: string[];
  /** Each word with a space in front: a name word starts with it where the name contains this. */
  spaced: string[];
}

export function compileQuery(key: string): CompiledQuery {
  const words = keyWords(key);
  return { key, words, spaced: words.map((w) => ` ${w}`) };
}

/**
 * How well the query names `name` (a key): 0 exact, 1 prefix, 2 every query word starts a
 * name word, 3 substring; undefined when it does not match.
 */
export function rankName(query: CompiledQuery, name: string): number | undefined {
  const { key } = query;
  if (key === '' || name === '') return undefined;
  if (name === key) return 0;
  if (name.startsWith(key)) return 1;
  let everyWord = true;
  for (let i = 0; i < query.words.length; i++) {
    if (!name.startsWith(query.words[i] as string) && !name.includes(query.spaced[i] as string)) {
      everyWord = false;
      break;
    }
  }
  if (everyWord) return 2;
  if (name.includes(key)) return 3;
  return undefined;
}

/** `rankName` for a one-off comparison of two keys. */
export function matchRank(query: string, name: string): number | undefined {
  return rankName(compileQuery(query), name);
}
