/** The consent prompt and its notes: Block Kit limits, escaping, and the buttons' value round trip. */
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/domain/actions.js';
import {
  type ConsentValue,
  consentKey,
  decodeConsent,
  encodeConsent,
  MAX_CONSENT_VALUE,
} from '../../src/domain/consent.js';
import type { Button } from '../../src/render/blocks.js';
import {
  consentNoteCard,
  consentPromptCard,
  describeLink,
  previewsForgottenCard,
  previewsStatusCard,
} from '../../src/render/consent.js';
import { foreignTokens, limitProblems } from '../property/limits.js';

const HOSTILE = '<!channel> *Bob* & <@U123> <https://evil.example|click>';
const VALUE: ConsentValue = {
  ch: 'C0123ABCD',
  ts: '1700000000.000100',
  th: '1699999999.000200',
  u: 'U0PASTER1',
  l: ['https://portal.focus.test/recordings/123', 'https://portal.focus.test/people/42'],
};
const CHANNEL_MENTION = /^<#[CG][A-Z0-9]+>$/;

const buttonsOf = (card: ReturnType<typeof consentPromptCard>): Button[] =>
  card.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));

describe('consentPromptCard', () => {
  const value = encodeConsent(VALUE) as string;

  it('asks about each link by kind and id, names the channel, and offers the three answers', () => {
    const card = consentPromptCard('C0123ABCD', [{ request: { kind: 'recording', id: 123 } }], value);
    expect(card.text).toBe('Show a preview of recording 123 to <#C0123ABCD>?');
    expect(buttonsOf(card).map((b) => [b.text.text, b.action_id, b.value])).toEqual([
      ['Show', ACTIONS.consentShow, value],
      ['Not now', ACTIONS.consentNotNow, value],
      ['Always in this channel', ACTIONS.consentAlways, value],
    ]);
    expect(limitProblems(card)).toEqual([]);
  });

  it('names a person by id, and by name only when one is at hand; two links in one question', () => {
    expect(describeLink({ request: { kind: 'person', id: 42 } })).toBe('person 42');
    expect(describeLink({ request: { kind: 'person', id: 42 }, name: 'Jane Smith' })).toBe(
      'person 42 (Jane Smith)',
    );
    const card = consentPromptCard(
      'G0PRIVATE',
      [{ request: { kind: 'recording', id: 1 } }, { request: { kind: 'person', id: 42 } }],
      value,
    );
    expect(card.text).toBe('Show a preview of recording 1 and person 42 to <#G0PRIVATE>?');
  });

  it('escapes a hostile name, forms no mention but the checked channel, and stays within Block Kit limits', () => {
    const card = consentPromptCard(
      'C0123ABCD',
      [{ request: { kind: 'person', id: 2 }, name: `${HOSTILE}${'x'.repeat(5000)}` }],
      value,
    );
    expect(limitProblems(card)).toEqual([]);
    expect(foreignTokens(card, [CHANNEL_MENTION])).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('<!channel>');
    expect(JSON.stringify(card)).not.toContain('<@U123>');
  });

  it('a conversation id that is not a channel is not turned into a mention', () => {
    for (const channel of ['D0DIRECT1', '<!here>', 'C1|x>']) {
      const card = consentPromptCard(channel, [{ request: { kind: 'recording', id: 1 } }], value);
      expect(card.text).toBe('Show a preview of recording 1 to this conversation?');
      expect(foreignTokens(card)).toEqual([]);
    }
  });
});

describe('the notes and /focus previews cards', () => {
  it('escape entities and stay within limits', () => {
    const note = consentNoteCard(`No preview was shown. ${HOSTILE}`);
    expect(foreignTokens(note)).toEqual([]);
    expect(limitProblems(note)).toEqual([]);
    for (const card of [
      previewsStatusCard('C0123ABCD', true, 'ask'),
      previewsStatusCard('C0123ABCD', false, 'ask'),
      previewsStatusCard('C0123ABCD', false, 'always'),
      previewsStatusCard('C0123ABCD', false, 'never'),
      previewsForgottenCard('C0123ABCD', true),
      previewsForgottenCard('<!channel>', false),
    ]) {
      expect(limitProblems(card)).toEqual([]);
      expect(foreignTokens(card, [CHANNEL_MENTION])).toEqual([]);
    }
    expect(previewsStatusCard('C0123ABCD', true, 'ask').text).toContain('You chose Always in this channel');
    expect(previewsForgottenCard('C0123ABCD', true).text).toContain('will ask you again');
  });
});

describe('the consent value', () => {
  it('round-trips', () => {
    expect(decodeConsent(encodeConsent(VALUE) ?? '')).toEqual(VALUE);
    const { th: _th, ...noThread } = VALUE;
    expect(decodeConsent(encodeConsent(noThread) ?? '')).toEqual(noThread);
  });

  it('is not made when it would not fit in a button', () => {
    const long = { ...VALUE, l: [`https://portal.focus.test/recordings/1?${'q'.repeat(MAX_CONSENT_VALUE)}`] };
    expect(encodeConsent(long)).toBeNull();
  });

  const bad: Array<[string, unknown]> = [
    ['empty', ''],
    ['not JSON', '{"ch":'],
    ['null', null],
    ['an array', [VALUE]],
    ['a number', 42],
    ['no channel', { ...VALUE, ch: undefined }],
    ['a channel that is a mention', { ...VALUE, ch: '<!channel>' }],
    ['a channel of the wrong kind', { ...VALUE, ch: 'U0PASTER1' }],
    ['a ts that is not one', { ...VALUE, ts: '1.2.3' }],
    ['a thread that is not a ts', { ...VALUE, th: 'yesterday' }],
    ['a user of the wrong kind', { ...VALUE, u: 'C0123ABCD' }],
    ['a user as a number', { ...VALUE, u: 7 }],
    ['no links', { ...VALUE, l: [] }],
    ['three links', { ...VALUE, l: ['https://a.test/1', 'https://a.test/2', 'https://a.test/3'] }],
    ['a link that is not http', { ...VALUE, l: ['javascript:alert(1)'] }],
    ['a link that is not a string', { ...VALUE, l: [{ url: 'https://a.test/1' }] }],
    ['a link too long', { ...VALUE, l: [`https://a.test/${'x'.repeat(1000)}`] }],
    ['a value too long', { ...VALUE, pad: 'x'.repeat(MAX_CONSENT_VALUE) }],
  ];
  it.each(bad)('rejects %s', (_, value) => {
    expect(decodeConsent(typeof value === 'string' ? value : JSON.stringify(value))).toBeNull();
  });

  it('rejects undefined, and never throws on arbitrary text', () => {
    expect(decodeConsent(undefined)).toBeNull();
    for (const text of ['{', '[]', '"x"', 'true', '{"__proto__":{"ch":"C1"}}', '\u0000']) {
      expect(() => decodeConsent(text)).not.toThrow();
      expect(decodeConsent(text)).toBeNull();
    }
  });

  it('keys a kept choice by team, conversation and user', () => {
    expect(consentKey('T1', 'C1', 'U1')).toBe('consent:T1:C1:U1');
    expect(consentKey(undefined, 'C1', 'U1')).toBe('consent:-:C1:U1');
  });
});
