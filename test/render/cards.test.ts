import { describe, expect, it } from 'vitest';
import type { Person, Recording } from '../../src/domain/focus.js';
import { makePortalLinks } from '../../src/domain/links.js';
import { COMMANDS } from '../../src/parse/index.js';
import type { Block, Card } from '../../src/render/blocks.js';
import { cutMrkdwn, finishCard, LIMITS } from '../../src/render/limits.js';
import { escapeMrkdwn, formatDuration, slackDate } from '../../src/render/mrkdwn.js';
import { phoneCard, unknownPhoneCard } from '../../src/render/phone.js';
import { failureCard, helpCard, infoCard, invalidCard, noticeCard } from '../../src/render/status.js';
import { cardToText } from '../../src/render/text.js';

const links = makePortalLinks({
  portal: 'https://uk.focus.example',
  recordingTemplate: '{portal}/recordings/{id}',
  personTemplate: '{portal}/people/{id}',
});
const HOSTILE = '<!channel> *Bob* & <@U123> <https://evil.example|click>';
const phone = { focus: '447897897897', e164: '+447897897897', display: '+44 7897 897897', valid: true };
const phoneRequest = { kind: 'phone', phone } as const;
const ctx = { links, askerId: 'U1' };

function person(id: number, fullName: string, extra: Partial<Person> = {}): Person {
  return { id, fullName, personType: 'subscriber', endpoints: [], ...extra };
}
function recording(id: number, other: { name?: string; number?: string } = {}): Recording {
  return {
    id,
    start: '2026-06-20T10:30:00Z',
    durationSeconds: 192,
    direction: 'inbound',
    mediaType: 'call',
    endpoints: [
      { value: phone.focus, type: 'phone' },
      { value: other.number ?? '442079460958', type: 'phone' },
    ],
    people: other.name
      ? [
          { id: 1, fullName: 'Jane Smith' },
          { id: 99, fullName: other.name },
        ]
      : [],
    tags: [],
  };
}
const page = (items: Recording[], total = items.length) => ({ items, total, page: 1, pageSize: 5 });

/** Every Block Kit limit the cards are held to, checked structurally. */
function expectWithinLimits(card: Card): void {
  expect(card.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  expect(card.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
  for (const block of card.blocks as Block[]) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(LIMITS.headerText);
    if (block.type === 'section') {
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(LIMITS.sectionText);
      expect(block.fields?.length ?? 0).toBeLessThanOrEqual(LIMITS.fields);
    }
    if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(LIMITS.contextElements);
    if (block.type === 'actions') {
      expect(block.elements.length).toBeLessThanOrEqual(LIMITS.actionsElements);
      for (const b of block.elements) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
    }
  }
}

/** Every mrkdwn text of a card (plain_text is never parsed for mentions or links). */
function mrkdwnTexts(card: Card): string[] {
  const texts = [card.text];
  for (const block of card.blocks) {
    if (block.type === 'section')
      texts.push(block.text?.text ?? '', ...(block.fields ?? []).map((f) => f.text));
    if (block.type === 'context')
      texts.push(...block.elements.filter((e) => e.type === 'mrkdwn').map((e) => e.text));
  }
  return texts;
}

/** No `<` in any mrkdwn that is not one of ours: a date token. */
function expectNoDataTokens(card: Card): void {
  const tokens = mrkdwnTexts(card).flatMap((t) => t.match(/<[^>]*>?/g) ?? []);
  expect(tokens.length).toBeGreaterThan(0);
  for (const token of tokens) expect(token).toMatch(/^<!date\^\d+\^[^|]+\|[^<>]*>$/);
}

describe('mrkdwn escaping', () => {
  it('escapes entities and neutralises formatting', () => {
    expect(escapeMrkdwn(HOSTILE)).toBe(
      '&lt;!channel&gt; ∗Bob∗ &amp; &lt;@U123&gt; &lt;https://evil.example|click&gt;',
    );
  });
  it('cuts without leaving half a token or entity', () => {
    expect(cutMrkdwn('abc <!date^1^x|y> tail', 8)).toBe('abc …');
    expect(cutMrkdwn('abc &amp; tail', 6)).toBe('abc …');
  });
  it('formats dates and durations', () => {
    expect(slackDate('2026-06-20T10:30:00.123Z')).toBe(
      '<!date^1781951400^{date_short_pretty} {time}|2026-06-20 10:30 UTC>',
    );
    expect(formatDuration(45)).toBe('45s');
    expect(formatDuration(192)).toBe('3m 12s');
    expect(formatDuration(3720)).toBe('1h 02m');
  });
});

describe('phone card', () => {
  it('shows the number, the owner, the latest recordings and Open in Focus', () => {
    const card = phoneCard(
      {
        kind: 'phone',
        phone,
        owners: [person(1, 'Jane Smith', { jobTitle: 'Trader' })],
        recordings: page([recording(7, { name: 'Bob Jones' })], 12),
      },
      phoneRequest,
      ctx,
    );
    const text = cardToText(card);
    expect(text).toContain('+44 7897 897897');
    expect(text).toContain('Jane Smith · subscriber · Trader');
    expect(text).toContain('with Bob Jones');
    expect(text).toContain('Recordings 1–1 of 12');
    expect(text).toContain('[Open in Focus: https://uk.focus.example/people/1]');
    expect(JSON.stringify(card.blocks)).toContain('<!date^');
    expectWithinLimits(card);
  });

  it('names every owner of a shared number, each with a link', () => {
    const card = phoneCard(
      {
        kind: 'phone',
        phone,
        owners: [person(4, 'Seán Murphy'), person(5, 'Aoife Byrne', { personType: 'contact' })],
        recordings: page([]),
      },
      phoneRequest,
      ctx,
    );
    const text = cardToText(card);
    expect(text).toContain('Shared by 2 people');
    expect(text).toContain('Aoife Byrne · contact');
    expect(text).toContain('people/5');
  });

  it('escapes hostile names everywhere and stays within limits with huge data', () => {
    const long = 'Ä'.repeat(300);
    const owners = Array.from({ length: 30 }, (_, i) =>
      person(i + 1, i % 2 ? HOSTILE : long, { jobTitle: HOSTILE }),
    );
    const recordings = page(
      Array.from({ length: 100 }, (_, i) => recording(i + 1, { name: HOSTILE })),
      5000,
    );
    const card = phoneCard({ kind: 'phone', phone, owners, recordings }, phoneRequest, ctx);
    expectWithinLimits(card);
    expectNoDataTokens(card);
    expect(card.text).not.toContain('<!channel>');
  });

  it('says when a number is unknown, with recordings that mention it', () => {
    const card = unknownPhoneCard(
      { ...phone, valid: false },
      page([recording(3, { number: '12125550199' })]),
    );
    const text = cardToText(card);
    expect(text).toContain('No one in Focus has +44 7897 897897');
    expect(text).toContain('not in a range known to be assigned');
    expect(text).toContain('Recordings that mention this number');
  });
});

describe('status cards', () => {
  it('a refusal carries the lock, information its own icon', () => {
    const refusal = noticeCard('Only the person who ran this lookup can share it.');
    const info = infoCard('Several people match: A (person 1), B (person 2). Subscribe by id.');
    expect(JSON.stringify(refusal.blocks)).toContain(':lock:');
    expect(JSON.stringify(info.blocks)).toContain(':information_source:');
    expect(JSON.stringify(info.blocks)).not.toContain(':lock:');
    expect(info.text).toBe('Several people match: A (person 1), B (person 2). Subscribe by id.');
    expect(cardToText(info)).toBe('ℹ Several people match: A (person 1), B (person 2). Subscribe by id.');
  });

  it('prints a backtick in console text where the card neutralised one (no stray ˋ)', () => {
    const card = invalidCard('`previews` takes nothing, or `forget`. You typed `*x*`');
    expect(JSON.stringify(card.blocks)).toContain('ˋpreviewsˋ');
    const text = cardToText(card);
    expect(text).toContain('`previews` takes nothing, or `forget`. You typed `*x*`');
    expect(text).not.toMatch(/[ˋ∗ˍ∼]/);
  });

  it('gives a friendly failure with the reference id and no internals', () => {
    const card = failureCard('timeout', 'abcdefgh');
    expect(cardToText(card)).toContain('Focus is slow');
    expect(cardToText(card)).toContain('abcdefgh');
    expect(JSON.stringify(card)).not.toMatch(/Error|stack|at /);
  });

  it('adds a failure hint (which auth paths were tried), escaped', () => {
    const card = failureCard('auth_failed', 'ref1', 'The app tried /authWithAPIKey (401) and <!here>.');
    const text = JSON.stringify(card);
    expect(text).toContain('/authWithAPIKey (401)');
    expect(text).toContain('&lt;!here&gt;');
    expect(card.text).toContain('did not accept');
  });

  it('builds help from the grammar table, and names an unknown command safely', () => {
    const card = helpCard(COMMANDS, { unknown: '<!here>' });
    const text = JSON.stringify(card.blocks);
    for (const c of COMMANDS) expect(text).toContain(c.usage.replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(text).toContain('&lt;!here&gt;');
    expect(mrkdwnTexts(card).join('')).not.toContain('<');
  });

  it('finishCard cuts too many blocks and says so', () => {
    const blocks: Block[] = Array.from({ length: 80 }, () => ({ type: 'divider' }));
    const card = finishCard({ text: 'x'.repeat(5000), blocks });
    expect(card.blocks).toHaveLength(LIMITS.blocks);
    expect(cardToText(card)).toContain('left out');
    expect(card.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
  });
});
