/** A card as readable plain text, for the local console and logs of what was sent. */
import type { Block, Button, Card, TextObject } from './blocks.js';
import { restoreFormatting } from './mrkdwn.js';

/**
 * mrkdwn to plain text: date tokens to their fallback, entities decoded, emphasis dropped, and
 * the lookalikes that kept quoted text from restyling a card (`ˋ` for a backtick) back to the
 * characters typed: plain text has no formatting to protect.
 */
export function mrkdwnToPlain(text: string): string {
  const plain = text
    .replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<#([A-Za-z0-9]+)>/g, '#$1')
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;!?]|$)/g, '$1$2')
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?]|$)/g, '$1$2')
    .replace(/:telephone_receiver:/g, '☎')
    .replace(/:speech_balloon:/g, '💬')
    .replace(/:busts_in_silhouette:/g, '👥')
    .replace(/:warning:/g, '⚠')
    .replace(/:grey_question:/g, '?')
    .replace(/:mag:/g, '🔍')
    .replace(/:information_source:/g, 'ℹ')
    .replace(/:radio:/g, '•')
    .replace(/:bell:/g, '🔔')
    .replace(/:no_bell:/g, '🔕')
    .replace(/:white_check_mark:/g, '✅')
    .replace(/:lock:/g, '🔒')
    .replace(/:link:/g, '🔗')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  // Last, so text typed as `*Bob*` reads as typed, not as emphasis.
  return restoreFormatting(plain);
}

const textOf = (t: TextObject): string => (t.type === 'mrkdwn' ? mrkdwnToPlain(t.text) : t.text);
const buttonText = (b: Button): string => `[${b.text.text}${b.url ? `: ${b.url}` : ''}]`;

function blockToText(block: Block): string {
  switch (block.type) {
    case 'header':
      return `== ${block.text.text} ==`;
    case 'section':
      return [
        block.text ? textOf(block.text) : '',
        ...(block.fields ?? []).map(textOf),
        block.accessory ? buttonText(block.accessory) : '',
      ]
        .filter(Boolean)
        .join('\n');
    case 'context':
      return block.elements.map(textOf).join('  ');
    case 'actions':
      return block.elements.map(buttonText).join(' ');
    case 'divider':
      return '----';
  }
}

export function cardToText(card: Card): string {
  return card.blocks.map(blockToText).join('\n');
}
