import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/parse/index.js';
import { parsePreviewsCommand } from '../../src/parse/previews.js';
import { GB, invalid } from './fixtures.js';

describe('parsePreviewsCommand', () => {
  it.each([
    ['previews', { kind: 'previews', action: 'status' }],
    ['  Previews  ', { kind: 'previews', action: 'status' }],
    ['PREVIEWS\tforget', { kind: 'previews', action: 'forget' }],
    ['previews  FORGET ', { kind: 'previews', action: 'forget' }],
    ['<@U123ABC> previews forget', { kind: 'previews', action: 'forget' }],
  ])('%j', (text, expected) => {
    expect(parsePreviewsCommand(text)).toEqual(expected);
  });

  it.each([
    ['previews always'],
    ['previews forget everything'],
    ['previews <!channel> now'],
    [`previews ${'x'.repeat(20_000)}`],
  ])('%j is refused with the usage, echoing nothing', (text) => {
    const parsed = parsePreviewsCommand(text);
    expect(parsed).toEqual({
      kind: 'invalid',
      message: expect.stringContaining('Usage: /focus previews [forget]'),
    });
    expect(JSON.stringify(parsed)).not.toContain('channel');
    expect(JSON.stringify(parsed).length).toBeLessThan(200);
  });

  it.each([['preview'], ['previewsforget'], ['recording 123'], [''], ['subscriptions']])(
    '%j is not a previews command',
    (text) => {
      expect(parsePreviewsCommand(text)).toBeNull();
    },
  );

  it('elsewhere than a slash command (a mention), says where it works', () => {
    expect(parseCommand('previews forget', GB)).toEqual(invalid(/slash command in that channel/));
  });
});
