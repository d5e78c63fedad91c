import { describe, expect, it } from 'vitest';
import { findPhones, maskPhone, parsePhone } from '../../src/parse/index.js';

describe('parsePhone', () => {
  const mobile = { focus: '447897897897', e164: '+447897897897', display: '+44 7897 897897', valid: true };
  const london = { focus: '442079460958', e164: '+442079460958', display: '+44 20 7946 0958', valid: true };
  const sf = { focus: '14155550100', e164: '+14155550100', display: '+1 415 555 0100', valid: true };
  const drama = { focus: '447700900123', e164: '+447700900123', display: '+44 7700 900123', valid: false };

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
    ['(+44) 7897 897897', 'GB', mobile],
    ['０７８９７ ８９７８９７', 'GB', mobile],
    ['+44 (0)20 7946 0958', 'GB', london],
    ['+44 (0)20 7946 0958', 'US', london],
    ['(415) 555-0100', 'US', sf],
    ['+1 415 555 0100', 'GB', sf],
    ['14155550100', 'GB', sf],
    ['+44 7700 900123', 'GB', drama],
    ['+44 7700 900123', 'US', drama],
    ['447700900123', 'GB', drama],
    ['00447700900123', 'GB', drama],
  ] as const)('%j (%s)', (input, region, expected) => {
    expect(parsePhone(input, region)).toEqual(expected);
  });

  it.each([
    ['07700 900123', 'GB'], // national and not valid
    ['(415) 555-0100', 'GB'],
    ['07897 897897', 'US'],
    ['12ab', 'GB'],
    ['0789 789 7897 call me', 'GB'],
    ['123', 'GB'],
    ['9999999', 'GB'],
    ['12345678', 'GB'],
    ['+44 7897 897897 897', 'GB'], // too long for GB
    ['+999 1234567', 'GB'], // no such country code
    ['+44 7897 +897897', 'GB'],
    ['#123', 'GB'],
    ['1'.repeat(21), 'GB'],
    ['', 'GB'],
    ['🙂07897 897897', 'GB'],
    ['192.168.100.100', 'GB'],
  ] as const)('rejects %j (%s)', (input, region) => {
    expect(parsePhone(input, region)).toBeNull();
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
    const started = Date.now();
    expect(focus('1 '.repeat(4000))).toEqual([]);
    expect(focus('07897 897897 '.repeat(500))).toEqual(['447897897897']);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('maskPhone', () => {
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
