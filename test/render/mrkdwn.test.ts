/** `safe`'s shortcut for text that needs nothing gives what the full escaping gives, for any text. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, safe, truncate } from '../../src/render/mrkdwn.js';
import { HOSTILE } from '../property/arbitraries.js';

const slow = (text: string, max: number) => escapeMrkdwn(truncate(text.replace(/\s+/g, ' ').trim(), max));
// The card tests' hostile pieces, and whitespace that `\s` matches beyond them.
const awkward = fc.constantFrom(...HOSTILE, '  ', '\u2003', '\ufeff', 'a', 'Zoë');

describe('safe', () => {
  it('equals the full escaping for any text and length', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.array(awkward, { maxLength: 20 }).map((xs) => xs.join('')),
        ),
        fc.integer({ min: 1, max: 45 }),
        (text, max) => {
          expect(safe(text, max)).toBe(slow(text, max));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it.each([
    ['Jane Smith', 'Jane Smith'],
    [' Jane  Smith\n', 'Jane Smith'],
    ['<!channel> *Bob*', '&lt;!channel&gt; ∗Bob∗'],
  ])('%j -> %j', (text, expected) => {
    expect(safe(text)).toBe(expected);
  });
});
