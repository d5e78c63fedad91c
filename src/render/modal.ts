/** Modal views for the message shortcut: loading, results, nothing found. */
import type { Block, Card } from './blocks.js';
import { context, divider, plain, section } from './blocks.js';
import { finishCard } from './limits.js';

/** Slack's limits for a modal: 100 blocks, a 24-character title. */
const MODAL_BLOCKS = 100;

export interface ModalView {
  type: 'modal';
  callback_id: string;
  title: { type: 'plain_text'; text: string };
  close: { type: 'plain_text'; text: string };
  blocks: Block[];
}

export function modalView(cards: Card[], title = 'Focus'): ModalView {
  const blocks: Block[] = [];
  cards.forEach((card, i) => {
    if (i > 0) blocks.push(divider());
    blocks.push(...card.blocks);
  });
  const fitted =
    blocks.length > MODAL_BLOCKS
      ? [...blocks.slice(0, MODAL_BLOCKS - 1), context('_Some results were left out to fit Slack._')]
      : blocks;
  return {
    type: 'modal',
    callback_id: 'focus_results',
    title: plain(title.slice(0, 24)),
    close: plain('Close'),
    blocks: fitted,
  };
}

export function loadingCard(): Card {
  return finishCard({
    text: 'Looking up in Focus…',
    blocks: [section(':hourglass_flowing_sand: Looking up in Focus…')],
  });
}

export function nothingToLookUpCard(): Card {
  return finishCard({
    text: 'Nothing to look up',
    blocks: [
      section(
        ':mag: Nothing to look up in this message: no phone number, recording id (`#123`), Focus link or email address.',
      ),
    ],
  });
}
