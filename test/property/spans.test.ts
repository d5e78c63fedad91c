/**
 * The linear URL and email scanners find exactly what the regexes they replace matched (those
 * regexes are fine on short text, quadratic only on long runs).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emailSpans, type Span, urlSpans } from '../../src/parse/spans.js';

const URL = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

const spansOf = (re: RegExp, text: string): Span[] =>
  [...text.matchAll(re)].map((m) => ({ start: m.index, end: m.index + m[0].length }));

const text = fc.string({
  unit: fc.constantFrom(...'aZ9_.+-@:/ \t\n#é', 'http', '://', 'x@y.z', 'tel:'),
  maxLength: 40,
});

describe('spans', () => {
  it('urlSpans finds what \\b[a-z][a-z0-9+.-]*:\\/\\/\\S+ matched', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(urlSpans(t)).toEqual(spansOf(URL, t));
      }),
      { numRuns: 2_000 },
    );
  });

  it('emailSpans finds what [\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+ matched', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(emailSpans(t)).toEqual(spansOf(EMAIL, t));
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['see https://x.example/a?b=1 now', [{ start: 4, end: 27 }]],
    ['x-http://y', [{ start: 0, end: 10 }]],
    ['1http://y', []],
    ['_http://y', []],
    ['http:// y', []],
  ])('urlSpans(%j)', (t, expected) => {
    expect(urlSpans(t)).toEqual(expected);
  });

  it.each([
    ['mail jane.smith+x@example.co.uk.', [{ start: 5, end: 31 }]],
    ['a@b@c.d', [{ start: 2, end: 7 }]],
    ['a@b', []],
    ['@b.c', []],
  ])('emailSpans(%j)', (t, expected) => {
    expect(emailSpans(t)).toEqual(expected);
  });
});
