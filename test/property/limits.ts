/**
 * Structural checks of a rendered card for the property tests: Block Kit limits, and that no
 * `<...>` token in any mrkdwn text came from data. Returns the problems found (empty = fine),
 * so a failing property names every broken rule at once.
 */
import type { Block, Card } from '../../src/render/blocks.js';
import { LIMITS } from '../../src/render/limits.js';

/** Length as Slack counts it: UTF-16 units (`.length`), as `truncate` in src/render/mrkdwn.ts does. */
export const chars = (text: string): number => text.length;

/**
 * The only `<...>` tokens a card may carry: Slack's date token, which the renderer builds from a
 * timestamp. Add a pattern here when a renderer starts emitting another kind on purpose.
 */
export const ALLOWED_TOKENS: RegExp[] = [/^<!date\^\d+\^[^|<>]+\|[^<>]*>$/];

/** Every mrkdwn text of a card: the top-level `text`, section text and fields, mrkdwn context elements. */
export function mrkdwnTexts(card: Card): string[] {
  const texts = [card.text];
  for (const block of card.blocks as Block[]) {
    if (block.type === 'section')
      texts.push(block.text?.text ?? '', ...(block.fields ?? []).map((f) => f.text));
    if (block.type === 'context') {
      for (const e of block.elements) if (e.type === 'mrkdwn') texts.push(e.text);
    }
  }
  return texts;
}

/** `<...>` tokens (or an unclosed `<...`) in the card's mrkdwn that match none of `allowed`. */
export function foreignTokens(card: Card, allowed: readonly RegExp[] = ALLOWED_TOKENS): string[] {
  const tokens = mrkdwnTexts(card).flatMap((t) => t.match(/<[^>]*>?/g) ?? []);
  return tokens.filter((token) => !allowed.some((re) => re.test(token)));
}

/** Every Block Kit limit broken by the card (a view: `maxBlocks` 100), as readable lines. */
export function limitProblems(card: Card, maxBlocks: number = LIMITS.blocks): string[] {
  const problems: string[] = [];
  const over = (what: string, n: number, max: number) => {
    if (n > max) problems.push(`${what}: ${n} > ${max}`);
  };
  over('blocks', card.blocks.length, maxBlocks);
  over('fallback text', chars(card.text), LIMITS.fallbackText);
  card.blocks.forEach((block: Block, i) => {
    switch (block.type) {
      case 'header':
        over(`block ${i} header text`, chars(block.text.text), LIMITS.headerText);
        break;
      case 'section':
        over(`block ${i} section text`, chars(block.text?.text ?? ''), LIMITS.sectionText);
        over(`block ${i} fields`, block.fields?.length ?? 0, LIMITS.fields);
        for (const f of block.fields ?? []) over(`block ${i} field text`, chars(f.text), LIMITS.fieldText);
        if (block.accessory) {
          over(`block ${i} button text`, chars(block.accessory.text.text), LIMITS.buttonText);
          over(`block ${i} button value`, chars(block.accessory.value ?? ''), LIMITS.buttonValue);
        }
        break;
      case 'context':
        over(`block ${i} context elements`, block.elements.length, LIMITS.contextElements);
        for (const e of block.elements) over(`block ${i} context text`, chars(e.text), LIMITS.contextText);
        break;
      case 'actions':
        over(`block ${i} actions elements`, block.elements.length, LIMITS.actionsElements);
        for (const b of block.elements) {
          over(`block ${i} button text`, chars(b.text.text), LIMITS.buttonText);
          over(`block ${i} button value`, chars(b.value ?? ''), LIMITS.buttonValue);
        }
        if (new Set(block.elements.map((b) => b.action_id)).size < block.elements.length)
          problems.push(`block ${i}: two buttons share an action_id`);
        break;
      default:
        break;
    }
  });
  return problems;
}
