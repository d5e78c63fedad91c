import { describe, expect, it } from 'vitest';
import { findPhones, maskPhone, parsePhone } from '../../src/parse/index.js';
import { cpuMs } from './timing.js';

describe('parsePhone', () => {
  const mobile = { focus: '447897897897', e164: '+447897897897', display: '+44 7897 897897', valid: true };
  const london = { focus: '442079460958', e164: '+442079460958', display: '+44 20 7946 0958', valid: true };
  const sf = { focus: '14155550100', e164: '+14155550100', display: '+1 415 555 0100', valid: true };
  const drama = { focus: '447700900123', e164: '+447700900123', display: '+44 7700 900123', valid: false };
  const drama461 = { focus: '447700900461', e164: '+447700900461', display: '+44 7700 900461', valid: false };
  const fictionalUs = {
    focus: '15555550100',
    e164: '+15555550100',
    display: '+1 555 555 0100',
    valid: false,
  };

  // Read the same in both modes: valid numbers in any form, possible ones marked with + or 00.
  it.each([
    ['+44 7897 897897', 'GB', mobile],
    ['07897 897897', 'GB', mobile],
    ['447897897897', 'GB', mobile],
    ['447897897897', 'US', mobile],
    ['0044 7897 897897', 'GB', mobile],
    ['0044 7897 897897', 'US', mobile],
    ['tel:+447897897897', 'US', mobile],
    ['tel:+44-7897-897897;ext=12', 'GB', mobile],
    ['07897-897-897', 'GB', mobile],
    ['07897.897.897', 'GB', mobile],
    ['+44 7897 897897 x12', 'GB', mobile],
    ['+44 7897 897897 ext. 12', 'GB', mobile],
    ['(+44) 7897 897897', 'GB', mobile],
    ['０７８９７ ８９７８９７', 'GB', mobile],
    ['+44 (0)20 7946 0958', 'GB', london],
    ['+44 (0)20 7946 0958', 'US', london],
    ['+44 (0) 20 7946 0958', 'GB', london],
    ['020 7946 0958', 'GB', london],
    ['(0)20 7946 0958', 'GB', london],
    ['(415) 555-0100', 'US', sf],
    ['+1 415 555 0100', 'GB', sf],
    ['14155550100', 'GB', sf],
    ['+44 7700 900123', 'GB', drama],
    ['+44 7700 900123', 'US', drama],
    ['00447700900123', 'GB', drama],
    ['+44 (0) 7700 900461', 'GB', drama461],
    ['0044 (0)7700 900461', 'GB', drama461],
  ] as const)('%j (%s), either mode', (input, region, expected) => {
    expect(parsePhone(input, region, { mode: 'explicit' })).toEqual(expected);
    expect(parsePhone(input, region, { mode: 'free-text' })).toEqual(expected);
  });

  // Possible but not known to be assigned, written nationally or as bare digits: asked for, so looked
  // up as written; in free text, not taken for a phone number.
  it.each([
    ['07700 900461', 'GB', drama461],
    ['07700900461', 'GB', drama461],
    ['(0)7700 900461', 'GB', drama461],
    ['07700-900-461', 'GB', drama461],
    ['tel:07700900461', 'GB', drama461],
    ['447700900123', 'GB', drama],
    ['(555) 555-0100', 'US', fictionalUs],
    ['1 555 555 0100', 'US', fictionalUs],
  ] as const)('%j (%s) explicit only', (input, region, expected) => {
    expect(parsePhone(input, region, { mode: 'explicit' })).toEqual(expected);
    expect(parsePhone(input, region)).toEqual(expected); // explicit is the default
    expect(parsePhone(input, region, { mode: 'free-text' })).toBeNull();
  });

  it.each([
    ['9999999', 'GB'], // possible length, but a GB national number is written with its 0
    ['7700 900461', 'GB'],
    ['0123456', 'GB'],
    ['(415) 555-0100', 'GB'],
    ['07897 897897', 'US'],
    ['12ab', 'GB'],
    ['0789 789 7897 call me', 'GB'],
    ['123', 'GB'],
    ['12345678', 'GB'],
    ['+44 7897 897897 897', 'GB'], // too long for GB
    ['+999 1234567', 'GB'], // no such country code
    ['+44 7897 +897897', 'GB'],
    ['#123', 'GB'],
    ['1'.repeat(21), 'GB'],
    ['', 'GB'],
    ['🙂07897 897897', 'GB'],
    ['192.168.100.100', 'GB'],
    [`07897 897897${' '.repeat(200)}`, 'GB'], // longer than any phone number
  ] as const)('rejects %j (%s) in either mode', (input, region) => {
    expect(parsePhone(input, region, { mode: 'explicit' })).toBeNull();
    expect(parsePhone(input, region, { mode: 'free-text' })).toBeNull();
  });

  it('memoises per mode: the same text can be a number in one mode and not the other', () => {
    for (let i = 0; i < 2; i++) {
      expect(parsePhone('07700 900777', 'GB', { mode: 'free-text' })).toBeNull();
      expect(parsePhone('07700 900777', 'GB', { mode: 'explicit' })?.focus).toBe('447700900777');
      expect(parsePhone('07700 900778', 'GB', { mode: 'explicit' })?.focus).toBe('447700900778');
      expect(parsePhone('07700 900778', 'GB', { mode: 'free-text' })).toBeNull();
    }
  });
});

describe('findPhones', () => {
  const focus = (text: string, region: 'GB' | 'US' = 'GB') => findPhones(text, region).map((p) => p.focus);

  it('does not double count a Slack tel token', () => {
    expect(focus('call <tel:+447897897897|+44 7897 897897> now')).toEqual(['447897897897']);
  });

  it('finds every form in order and dedupes by Focus form', () => {
    const text = 'ring 020 7946 0958, or 07897 897897 / +44 7897 897897; US: +1 (415) 555-0100';
    expect(focus(text)).toEqual(['442079460958', '447897897897', '14155550100']);
  });

  it('uses the default region for national numbers', () => {
    expect(focus('call (415) 555-0100 today', 'US')).toEqual(['14155550100']);
    expect(focus('call (415) 555-0100 today', 'GB')).toEqual([]);
  });

  it('accepts unknown ranges written internationally, not bare', () => {
    expect(focus('drama +44 7700 900123 vs 07700 900123 vs 447700900123')).toEqual(['447700900123']);
  });

  it.each([
    ['call 07700 900461', []],
    ['call 07700 900461 or 020 7946 0958', ['442079460958']],
    ['call <tel:07700900461|07700 900461>', ['447700900461']],
    ['call <tel:07700900461>', ['447700900461']],
    ['call tel:07700900461 now', ['447700900461']],
    ['call TEL:07700-900-461.', ['447700900461']],
    ['<tel:+447700900461|+44 7700 900461> and 07700 900461', ['447700900461']],
    ['07897 897897, <tel:07700900461|07700 900461>, 07897897897', ['447897897897', '447700900461']],
    ['tel: 07700 900461', []], // not a tel: link, just the word
    ['see https://x.example/tel:07700900461 and mail tel:07700900462@x.example', []],
  ])('free text %j: national numbers only when valid, tel: links when possible', (text, expected) => {
    expect(focus(text)).toEqual(expected);
  });

  it('splits numbers separated only by spaces', () => {
    expect(focus('07897 897897 02079460958 +1 415 555 0100')).toEqual([
      '447897897897',
      '442079460958',
      '14155550100',
    ]);
  });

  it('ignores recording ids, small integers, URLs, emails and decimals', () => {
    const text =
      'see #12345678 and 42 and 2024 https://x.example/r/07897897897?n=02079460958 ' +
      'bob07897897897@x.com v1.07897897897 issue-07897897897';
    expect(focus(text)).toEqual([]);
  });

  it('does not read a following #id as an extension', () => {
    const found = findPhones('020 7946 0958 #123', 'GB');
    expect(found).toEqual([
      { focus: '442079460958', e164: '+442079460958', display: '+44 20 7946 0958', valid: true },
    ]);
  });

  it('caps at 10 distinct numbers', () => {
    const numbers = Array.from({ length: 15 }, (_, i) => `07897 8978${String(i + 10)}`);
    const found = focus(numbers.join(', '));
    expect(found).toHaveLength(10);
    expect(found[0]).toBe('447897897810');
    expect(found[9]).toBe('447897897819');
  });

  it('stays fast on hostile input', () => {
    const ones = '1 '.repeat(4000);
    const repeated = '07897 897897 '.repeat(500);
    expect(focus(ones)).toEqual([]);
    expect(focus(repeated)).toEqual(['447897897897']);
    // CPU time, which a busy machine does not stretch as it does wall time (linear code: a few ms).
    expect(cpuMs(() => [focus(ones), focus(repeated)], 2000)).toBeLessThan(2000);
  });
});

describe('maskPhone', () => {
  it('masks every number in a long line', () => {
    const line = 'call +44 7897 897897 now, '.repeat(2000);
    expect(maskPhone(line)).toBe('call •••897 now, '.repeat(2000));
  });

  it.each([
    ['+44 7897 897897', '•••897'],
    ['call 07897-897-897 now', 'call •••897 now'],
    ['(415) 555-0100 and +1 415 555 0199', '•••100 and •••199'],
    ['447897897897', '•••897'],
    ['recording 123 at 10:30 on 2024-05-01', 'recording 123 at 10:30 on 2024-05-01'],
    ['id 123456', 'id 123456'],
    ['no numbers here', 'no numbers here'],
  ])('%j -> %j', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });
});
