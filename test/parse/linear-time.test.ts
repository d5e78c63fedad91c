/**
 * Every parser entry point takes time linear in its input, and input is cut at MAX_INPUT.
 * Each input below took 100 ms to 1.2 s before the scanners were made linear (regexes that
 * retried a long run of `.`, letters or punctuation from every position).
 */
import { describe, expect, it } from 'vitest';
import { MAX_INPUT } from '../../src/parse/args.js';
import { findPhones, maskPhone, parseCommand, parseMessageText } from '../../src/parse/index.js';
import { GB, phone } from './fixtures.js';
import { cpuMs } from './timing.js';

/** CPU ms a 16–40 KB input may take; linear code needs a few, the quadratic code took 115–1200. */
const BOUND_MS = 50;

/** `unit` repeated to `length` characters, then `suffix`. */
const run = (unit: string, length: number, suffix = '', prefix = '') =>
  prefix + unit.repeat(Math.ceil(length / unit.length)).slice(0, length) + suffix;

const adversarial: Array<[string, string]> = [
  ["'a.' x 20000 + '@'", run('a.', 40_000, '@')],
  ["'a.' x 8000 + '@'", run('a.', 16_000, '@')],
  ["'.' x 40000 + 'x'", run('.', 40_000, 'x')],
  ["'.' x 16000 + 'x'", run('.', 16_000, 'x')],
  ["'a' x 40000", run('a', 40_000)],
  ["'a' x 16000", run('a', 16_000)],
  ["'1 ' x 20000", run('1 ', 40_000)],
  ["'+1(' x 10000", run('+1(', 30_000)],
  ["'http://' + 'a.' x 20000", run('a.', 40_000, '', 'http://')],
  ["'http://x' + '.' x 16000 + 'x'", run('.', 16_000, 'x', 'http://x')],
  ["'<tel:' x 8000", run('<tel:', 40_000)],
  ["'<tel:1' x 6000", run('<tel:1', 36_000)],
  ["'#1' x 20000", run('#1', 40_000)],
  ["'a-' x 8000 + 'a:'", run('a-', 16_000, 'a:')],
  ["'1-' x 8000 + '1a'", run('1-', 16_000, '1a')],
  ["'1.' x 8000 + 'a'", run('1.', 16_000, 'a')],
  ["'+' x 16000 + 'x'", run('+', 16_000, 'x')],
  ["'phone x' + '\"' x 16000 + 'x'", run('"', 16_000, 'x', 'phone x')],
  ["'person x' + '.' x 16000 + 'x'", run('.', 16_000, 'x', 'person x')],
  ["'a@' + 'b-' x 8000", run('b-', 16_000, '', 'a@')],
  ["' ' x 16000 + 'ext'", run(' ', 16_000, 'ext', '1')],
];

const parsers: Array<[string, (text: string) => unknown]> = [
  ['parseCommand', (text) => parseCommand(text, GB)],
  ['parseMessageText', (text) => parseMessageText(text, GB)],
  ['findPhones', (text) => findPhones(text, 'GB')],
  ['maskPhone', (text) => maskPhone(text)],
];

describe.each(parsers)('%s takes linear time', (_name, parse) => {
  it.each(adversarial)('%s', (_label, text) => {
    expect(cpuMs(() => parse(text), BOUND_MS)).toBeLessThan(BOUND_MS);
  });
});

describe('MAX_INPUT applies to every entry point', () => {
  const number = ' 07897 897897';
  const padding = (length: number) => run('x', length);

  it('reads a number that ends at the limit', () => {
    const text = padding(MAX_INPUT - number.length) + number;
    expect(findPhones(text, 'GB').map((p) => p.focus)).toEqual(['447897897897']);
    expect(parseMessageText(text, GB)).toEqual([phone('447897897897')]);
  });

  it('ignores text past the limit', () => {
    const text = padding(MAX_INPUT - number.length + 1) + number;
    expect(findPhones(text, 'GB')).toEqual([]);
    expect(parseMessageText(text, GB)).toEqual([]);
    expect(parseCommand(`check ${text}`, GB)).toMatchObject({ kind: 'help' });
  });
});
