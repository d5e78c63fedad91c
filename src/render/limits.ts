/**
 * Block Kit limits, enforced in the one place every card passes through. Anything too long
 * is shortened with an ellipsis; anything too many is cut with a note, never rejected by Slack.
 */
import { type Block, type Button, type Card, context, type TextObject } from './blocks.js';
import { truncate } from './mrkdwn.js';

export const LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  contextText: 2000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  actionId: 255,
  fallbackText: 3000,
} as const;

function clampText<T extends TextObject>(text: T, max: number): T {
  return text.text.length > max ? { ...text, text: cutMrkdwn(text.text, max) } : text;
}

/** Cuts mrkdwn without leaving half a `<...>` token or `&amp;` entity at the end. */
export function cutMrkdwn(text: string, max: number): string {
  let cut = truncate(text, max);
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = `${cut.slice(0, open)}…`;
  const amp = cut.lastIndexOf('&');
  if (amp > cut.lastIndexOf(';')) cut = `${cut.slice(0, amp)}…`;
  return cut;
}

function clampButton(button: Button): Button {
  return {
    ...button,
    text: clampText(button.text, LIMITS.buttonText),
    action_id: button.action_id.slice(0, LIMITS.actionId),
    ...(button.value !== undefined && { value: button.value.slice(0, LIMITS.buttonValue) }),
    ...(button.url !== undefined && button.url.length > LIMITS.buttonUrl && { url: undefined }),
  };
}

function clampBlock(block: Block): Block {
  switch (block.type) {
    case 'header':
      return { ...block, text: clampText(block.text, LIMITS.headerText) };
    case 'section':
      return {
        ...block,
        ...(block.text && { text: clampText(block.text, LIMITS.sectionText) }),
        ...(block.fields && {
          fields: block.fields.slice(0, LIMITS.fields).map((f) => clampText(f, LIMITS.fieldText)),
        }),
        ...(block.accessory && { accessory: clampButton(block.accessory) }),
      };
    case 'context':
      return {
        ...block,
        elements: block.elements
          .slice(0, LIMITS.contextElements)
          .map((e) => clampText(e, LIMITS.contextText)),
      };
    case 'actions':
      return { ...block, elements: block.elements.slice(0, LIMITS.actionsElements).map(clampButton) };
    default:
      return block;
  }
}

/** The card as Slack will accept it. */
export function finishCard(card: Card): Card {
  let blocks = card.blocks.map(clampBlock);
  if (blocks.length > LIMITS.blocks) {
    blocks = [
      ...blocks.slice(0, LIMITS.blocks - 1),
      context('_Some of this answer was left out to fit Slack._'),
    ];
  }
  return { text: cutMrkdwn(card.text, LIMITS.fallbackText), blocks };
}
