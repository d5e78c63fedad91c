import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIRECTIONS } from '../../src/domain/filters.js';
import { parseSubscriptionCommand } from '../../src/parse/subscribe.js';
import { GB } from './fixtures.js';
import { cpuMs } from './timing.js';

const JANE = { kind: 'phone', phone: '447700900123', display: '+44 7700 900123' };

describe('parseSubscriptionCommand', () => {
  it.each([
    [
      'subscribe +44 20 7946 0958',
      { kind: 'subscribe', target: { kind: 'phone', phone: '442079460958', display: '+44 20 7946 0958' } },
    ],
    [
      'Subscribe 07700 900461',
      { kind: 'subscribe', target: { kind: 'phone', phone: '447700900461', display: '+44 7700 900461' } },
    ],
    [
      'subscribe <tel:+442079460958|020 7946 0958>',
      { kind: 'subscribe', target: { kind: 'phone', phone: '442079460958', display: '+44 20 7946 0958' } },
    ],
    ['subscribe person 42', { kind: 'subscribe', target: { kind: 'person', id: 42 } }],
    ['subscribe person “Jane Smith”', { kind: 'subscribe', target: { kind: 'person', query: 'Jane Smith' } }],
    [
      'subscribe jane.smith@example.com',
      { kind: 'subscribe', target: { kind: 'person', query: 'jane.smith@example.com' } },
    ],
    ['subscriptions', { kind: 'subscriptions' }],
    ['unsubscribe all', { kind: 'unsubscribe', which: 'all' }],
    ['unsubscribe 2', { kind: 'unsubscribe', which: [2] }],
    ['unsubscribe 3, #1 3', { kind: 'unsubscribe', which: [3, 1] }],
  ])('%j', (text, expected) => {
    expect(parseSubscriptionCommand(text, GB)).toEqual(expected);
  });

  it.each([
    ['subscribe', /Tell me what to follow/],
    ['subscribe retention', /phone number or a person/],
    ['subscribe recording 123', /phone number or a person/],
    ['subscribe 12ab', /phone number or a person, not “12ab”/],
    ['subscribe 0770 090', /doesn’t look like a phone number/],
    ['unsubscribe', /Say which subscription/],
    ['unsubscribe two', /Say which subscription/],
    ['unsubscribe 0', /Say which subscription/],
    [`unsubscribe ${'1 '.repeat(60)}`, /Say which subscription/],
  ])('%j is refused with a reason', (text, message) => {
    expect(parseSubscriptionCommand(text, GB)).toEqual({
      kind: 'invalid',
      message: expect.stringMatching(message),
    });
  });

  it('leaves every other command to the lookup grammar', () => {
    for (const text of ['+44 7700 900123', 'person 1', 'help', 'subscriber 1', ''])
      expect(parseSubscriptionCommand(text, GB)).toBeNull();
  });
});

describe('subscribe: filters and format after what to follow', () => {
  it.each([
    [
      'subscribe +44 7700 900123 inbound longer than 2m',
      { target: JANE, filters: { directions: ['inbound'], longerThanSeconds: 120 } },
    ],
    [
      'subscribe person Jane Smith outbound',
      { target: { kind: 'person', query: 'Jane Smith' }, filters: { directions: ['outbound'] } },
    ],
    ['subscribe 07700 900123 compact', { target: JANE, format: 'compact' }],
    ['subscribe +44 7700 900123 longer than 90s', { target: JANE, filters: { longerThanSeconds: 90 } }],
    ['subscribe +44 7700 900123 LONGER THAN 1H', { target: JANE, filters: { longerThanSeconds: 3_600 } }],
    // `than` may be left out; lengths in words and parts; directions kept in one order, once each.
    [
      'subscribe +44 7700 900123 internal longer 1 h 30 min Inbound internal',
      { target: JANE, filters: { directions: ['inbound', 'internal'], longerThanSeconds: 5_400 } },
    ],
    [
      'subscribe +44 7700 900123 longer than 2m31s compact outbound longer than 151 seconds',
      { target: JANE, filters: { directions: ['outbound'], longerThanSeconds: 151 }, format: 'compact' },
    ],
    // A name that ends in an option word, in double quotes (smart ones too).
    [
      'subscribe person “Ada Compact” compact',
      { target: { kind: 'person', query: 'Ada Compact' }, format: 'compact' },
    ],
    [
      'subscribe person 42 internal',
      { target: { kind: 'person', id: 42 }, filters: { directions: ['internal'] } },
    ],
  ])('%j', (text, expected) => {
    expect(parseSubscriptionCommand(text, GB)).toEqual({ kind: 'subscribe', ...expected });
  });

  it.each([
    ['subscribe compact', /Say what to follow first, then the options/],
    ['subscribe inbound +44 7700 900123', /Say what to follow first, then the options/],
    ['subscribe +44 7700 900123 longer than', /Say how long, like `longer than 2m`/],
    ['subscribe +44 7700 900123 longer than 120', /Say the unit of “120”/],
    ['subscribe +44 7700 900123 longer than two minutes', /“two minutes” is not a length I can read/],
    ['subscribe +44 7700 900123 longer than 1.5m', /“1.5m” is not a length I can read/],
    ['subscribe +44 7700 900123 longer than 0s', /A length is from 1s to 24h; “0s” is not/],
    ['subscribe +44 7700 900123 longer than 25h', /A length is from 1s to 24h/],
    ['subscribe +44 7700 900123 longer than 2m longer than 3m', /Say one length/],
    ['subscribe +44 7700 900123 compact weekly', /“weekly” is not an option I know/],
    ['subscribe person Internal Audit', /“Audit” is not an option I know.*double quotes/],
    // A mistyped option after a number is not silently dropped.
    [
      'subscribe +44 7700 900123 inbund',
      /I read the number \+44 7700 900123 in “\+44 7700 900123 inbund”, but not the rest/,
    ],
  ])('%j is refused with a reason and the usage', (text, message) => {
    const parsed = parseSubscriptionCommand(text, GB);
    expect(parsed).toEqual({ kind: 'invalid', message: expect.stringMatching(message) });
    expect(parsed?.kind === 'invalid' && parsed.message).toContain('Usage: /focus subscribe');
  });

  it('any mix of option words reads as the set of directions, the one length and compact', () => {
    const option = fc.oneof(
      fc.constantFrom(...DIRECTIONS).map((d) => ({ word: d, direction: d })),
      fc.constant({ word: 'compact', compact: true }),
      fc.integer({ min: 1, max: 86_400 }).map((s) => ({ word: `longer than ${s}s`, seconds: s })),
    );
    fc.assert(
      fc.property(fc.array(option, { maxLength: 8 }), fc.boolean(), (options, upper) => {
        const lengths = new Set(options.flatMap((o) => ('seconds' in o ? [o.seconds] : [])));
        fc.pre(lengths.size <= 1);
        const words = options.map((o) => (upper ? o.word.toUpperCase() : o.word)).join(' ');
        const parsed = parseSubscriptionCommand(`subscribe +44 7700 900123 ${words}`, GB);
        const directions = DIRECTIONS.filter((d) =>
          options.some((o) => 'direction' in o && o.direction === d),
        );
        const [seconds] = lengths;
        const filters = {
          ...(directions.length > 0 && { directions }),
          ...(seconds !== undefined && { longerThanSeconds: seconds }),
        };
        expect(parsed).toEqual({
          kind: 'subscribe',
          target: JANE,
          ...(Object.keys(filters).length > 0 && { filters }),
          ...(options.some((o) => 'compact' in o) && { format: 'compact' }),
        });
      }),
      { numRuns: 300 },
    );
  });

  it('never throws, whatever follows the options, and answers subscribe or a reason', () => {
    const word = fc.oneof(
      fc.constantFrom('inbound', 'longer', 'than', 'compact', '"', '2m', '1h', 'x', '90', 's'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 12 }), (words) => {
        const parsed = parseSubscriptionCommand(`subscribe +44 7700 900123 ${words.join(' ')}`, GB);
        expect(['subscribe', 'invalid']).toContain(parsed?.kind);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['option words', 'inbound '.repeat(4_000)],
    ['lengths', 'longer than 1h '.repeat(2_000)],
    ['unclosed quotes', '"compact '.repeat(3_000)],
    ['a long length', `longer than ${'1h'.repeat(8_000)}`],
    ['one long word', 'l'.repeat(16_000)],
  ])('takes linear time on %s', (_, options) => {
    expect(
      cpuMs(() => parseSubscriptionCommand(`subscribe +44 7700 900123 ${options}`, GB), 50),
    ).toBeLessThan(50);
  });
});
