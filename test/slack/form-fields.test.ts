/**
 * `hasFieldToCheck`: the receiver's guard skips parsing a form body only when no field of it can
 * decode to `payload` (the field Bolt reads as JSON) or `event`. Checked against Node's own
 * querystring on hostile and random forms.
 */
import { parse } from 'node:querystring';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasFieldToCheck } from '../../src/slack/inbound/receiver.js';

const hasCheckedField = (form: string) => {
  const fields = parse(form);
  return 'payload' in fields || 'event' in fields;
};

describe('hasFieldToCheck', () => {
  it.each([
    ['payload=null', true],
    ['a=1&payload=%7B%7D', true],
    ['p%61yload=null', true],
    ['payload', true],
    ['a=1&payload&b=2', true],
    ['command=%2Ffocus&text=payload%3D1&response_url=https%3A%2F%2Fhooks.slack.com', false],
    ['payloads=1&xpayload=2', false],
    ['event=hello', true],
    ['a=1&%65vent=x', true],
    ['events=1&text=event', false],
    ['command=/focus&text=hi', false],
    ['', false],
    ['&&&', false],
  ])('%s -> %s', (form, expected) => {
    expect(hasFieldToCheck(form)).toBe(expected);
  });

  it('never misses a field that querystring decodes to payload or event', () => {
    const piece = fc.constantFrom(
      'event',
      '%65vent',
      'payload',
      'p%61yload',
      '%70ayload',
      'pay',
      'load',
      'a',
      '=',
      '&',
      '%',
      '+',
      '1',
      'x=y',
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }).map((xs) => xs.join('')),
        (form) => {
          if (hasCheckedField(form)) expect(hasFieldToCheck(form)).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('reads a long form of keys without values, and one ending in payload', () => {
    const keys = 'k&'.repeat(200_000);
    expect(hasFieldToCheck(keys)).toBe(false);
    expect(hasFieldToCheck(`${keys}payload=1`)).toBe(true);
  });
});
