import { describe, expect, it } from 'vitest';
import { parseMessageText } from '../../src/parse/index.js';
import { GB, PORTAL, phone, US } from './fixtures.js';

describe('parseMessageText', () => {
  it('finds every kind of lookup in order of appearance', () => {
    const text =
      `Customer <tel:+447897897897|+44 7897 897897> complained about #12, see <${PORTAL}/people/5|Jane>; ` +
      'cc <mailto:bob@example.com|bob@example.com>, other line 020 7946 0958.';
    expect(parseMessageText(text, GB)).toEqual([
      phone('447897897897'),
      { kind: 'recording', id: 12 },
      { kind: 'person', id: 5 },
      { kind: 'person', query: 'bob@example.com' },
      phone('442079460958'),
    ]);
  });

  it('deduplicates the same recording as #id and link, and the same number twice', () => {
    const text = `#12 ${PORTAL}/recordings/12/ and 07897 897897 or +44 7897 897897 and #12`;
    expect(parseMessageText(text, GB)).toEqual([{ kind: 'recording', id: 12 }, phone('447897897897')]);
  });

  it('ignores foreign links, digits inside links and mentions', () => {
    const text =
      '<@U123> <!channel> https://evil.example.com/recordings/12 https://x.example/07897897897 <#C1|ops>';
    expect(parseMessageText(text, GB)).toEqual([]);
  });

  it('does not read digits of an email as a phone number', () => {
    expect(parseMessageText('mail 07897897897@example.com', GB)).toEqual([
      { kind: 'person', query: '07897897897@example.com' },
    ]);
  });

  it('skips out-of-range ids', () => {
    expect(parseMessageText('#0 and #99999999999999999999 and #7', GB)).toEqual([
      { kind: 'recording', id: 7 },
    ]);
  });

  it('reads a national number in a message only when it is a known number, a tel: link always', () => {
    expect(parseMessageText('call 07700 900461', GB)).toEqual([]);
    expect(parseMessageText('call <tel:07700900461|07700 900461>', GB)).toEqual([
      phone('447700900461', false),
    ]);
    expect(parseMessageText('call <tel:+447700900461|+44 7700 900461>', GB)).toEqual([
      phone('447700900461', false),
    ]);
  });

  it('uses the default region', () => {
    expect(parseMessageText('call (415) 555-0100', US)).toEqual([phone('14155550100')]);
  });

  it('caps at 10 lookups', () => {
    const text = Array.from({ length: 20 }, (_, i) => `#${i + 1}`).join(' ');
    const found = parseMessageText(text, GB);
    expect(found).toHaveLength(10);
    expect(found[9]).toEqual({ kind: 'recording', id: 10 });
  });

  it('returns nothing for plain chat or hostile input', () => {
    expect(parseMessageText('lunch at 12:30? 🙂', GB)).toEqual([]);
    expect(parseMessageText('<'.repeat(10_000), GB)).toEqual([]);
  });
});
