/**
 * Parse time is linear in the input: long text built from runs of the characters that made the
 * old regexes backtrack (digits, `.`, `@`, `-`, `+`, `(`, `)`, spaces, `:`, `/`, `<`, `>`, `|`,
 * `#`, letters, quotes) is parsed in a few milliseconds up to 40 KB. The quadratic scanners took
 * 100 ms to 1.2 s on such text, so the bound below fails them clearly without being tight.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makePortalLinks } from '../../src/domain/links.js';
import {
  findPhones,
  maskPhone,
  type ParseSettings,
  parseCommand,
  parseMessageText,
} from '../../src/parse/index.js';
import { cpuMs } from '../parse/timing.js';

const ctx: ParseSettings = {
  defaultRegion: 'GB',
  links: makePortalLinks({
    portal: 'https://uk.focus.example',
    recordingTemplate: '{portal}/recordings/{id}',
    personTemplate: '{portal}/people/{id}',
  }),
};

/** CPU ms one call may take on up to 40 KB; linear code takes about 2. */
const BOUND_MS = 50;
const MAX_LENGTH = 40_000;

/** Single dangerous characters and the short units that build the worst runs. */
const UNITS = [
  ...'0123456789.@-+() :/<>|#ax"\';\n',
  'a.',
  'a-',
  '1 ',
  '1-',
  '1.',
  '12 ',
  '+1(',
  '(+',
  '<tel:',
  'tel:',
  '#1',
  'http://',
  'https://uk.focus.example/recordings/',
  'a@',
  'a@b.',
  ' ext ',
  '07897 897897 ',
  '07700 900461 ',
  '&lt;',
];

/** A long run of one unit: what makes a backtracking regex retry from every position. */
const run = fc
  .tuple(fc.constantFrom(...UNITS), fc.integer({ min: 1, max: 20_000 }))
  .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));

/** A few long runs with short glue between them (the glue is where a failing match ends). */
const adversarialText = fc
  .array(fc.oneof({ weight: 3, arbitrary: run }, fc.constantFrom(...UNITS)), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join('').slice(0, MAX_LENGTH));

const parsers: Array<[string, (text: string) => unknown]> = [
  ['parseCommand', (text) => parseCommand(text, ctx)],
  ['parseMessageText', (text) => parseMessageText(text, ctx)],
  ['findPhones', (text) => findPhones(text, 'GB')],
  ['maskPhone', (text) => maskPhone(text)],
];

describe.each(parsers)('%s', (_name, parse) => {
  it(`takes under ${BOUND_MS} ms of CPU on adversarial text up to 40 KB`, () => {
    fc.assert(
      fc.property(adversarialText, (text) => {
        expect(cpuMs(() => parse(text), BOUND_MS)).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 60, endOnFailure: true },
    );
  });
});
