/**
 * Block Kit limits, enforced in the one place every card passes through. Anything too long
 * is shortened with an ellipsis; anything too many is cut with a note, never rejected by Slack.
 */
import { type Block, type Button, type Card, context, type TextObject } from './blocks.js';
import { truncate } from './mrkdwn.js';

export const LIMITS = {
  blocks: 50,
  /** A view (the Home tab, a modal) takes twice a message's blocks. */
  viewBlocks: 100,
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
  const text = clampText(button.text, LIMITS.buttonText);
  const within =
    button.action_id.length <= LIMITS.actionId &&
    (button.value === undefined || button.value.length <= LIMITS.buttonValue) &&
    (button.url === undefined || button.url.length <= LIMITS.buttonUrl);
  if (within && text === button.text) return button;
  return {
    ...button,
    text,
    action_id: button.action_id.slice(0, LIMITS.actionId),
    ...(button.value !== undefined && { value: button.value.slice(0, LIMITS.buttonValue) }),
    ...(button.url !== undefined && button.url.length > LIMITS.buttonUrl && { url: undefined }),
  };
}

/**
 * The first `max` items, each through `clamp`: the same array when nothing had to change, so a
 * card within the limits (nearly every card) passes through without a copy.
 */
function clampList<T>(items: T[], max: number, clamp: (item: T) => T): T[] {
  let changed: T[] | undefined;
  const n = Math.min(items.length, max);
  for (let i = 0; i < n; i++) {
    const item = items[i] as T;
    const next = clamp(item);
    if (next !== item && !changed) changed = items.slice(0, i);
    changed?.push(next);
  }
  return changed ?? (items.length > max ? items.slice(0, max) : items);
}

function clampBlock(block: Block): Block {
  switch (block.type) {
    case 'header': {
      const text = clampText(block.text, LIMITS.headerText);
      return text === block.text ? block : { ...block, text };
    }
    case 'section': {
      const text = block.text && clampText(block.text, LIMITS.sectionText);
      const fields =
        block.fields && clampList(block.fields, LIMITS.fields, (f) => clampText(f, LIMITS.fieldText));
      const accessory = block.accessory && clampButton(block.accessory);
      if (text === block.text && fields === block.fields && accessory === block.accessory) return block;
      return { ...block, ...(text && { text }), ...(fields && { fields }), ...(accessory && { accessory }) };
    }
    case 'context': {
      const elements = clampList(block.elements, LIMITS.contextElements, (e) =>
        clampText(e, LIMITS.contextText),
      );
      return elements === block.elements ? block : { ...block, elements };
    }
    case 'actions': {
      const elements = clampList(block.elements, LIMITS.actionsElements, clampButton);
      return elements === block.elements ? block : { ...block, elements };
    }
    default:
      return block;
  }
}

/** The card as Slack will accept it: a message's blocks, or a view's (`maxBlocks`). */
export function finishCard(card: Card, maxBlocks: number = LIMITS.blocks): Card {
  let blocks = clampList(card.blocks, card.blocks.length, clampBlock);
  if (blocks.length > maxBlocks) {
    blocks = [...blocks.slice(0, maxBlocks - 1), context('_Some of this answer was left out to fit Slack._')];
  }
  return { text: cutMrkdwn(card.text, LIMITS.fallbackText), blocks };
}
