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

/**
 * How well `query` names `name` (both keys): 0 exact, 1 prefix, 2 every query word starts a
 * name word, 3 substring; undefined when it does not match.
 */
export function matchRank(query: string, name: string): number | undefined {
  if (query === '' || name === '') return undefined;
  if (name === query) return 0;
  if (name.startsWith(query)) return 1;
  const words = name.split(' ');
  if (query.split(' ').every((q) => words.some((w) => w.startsWith(q)))) return 2;
  if (name.includes(query)) return 3;
  return undefined;
}
