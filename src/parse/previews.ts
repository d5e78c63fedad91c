/**
 * `/focus previews` (does "Always in this channel" hold for me here?) and `/focus previews
 * forget` (ask me again). Pure; reads at most the first MAX_INPUT characters, in one pass.
 */
import { limitInput } from './args.js';
import { normaliseSlackText } from './slack-text.js';

export type PreviewsCommand =
  | { kind: 'previews'; action: 'status' | 'forget' }
  | { kind: 'invalid'; message: string };

export const PREVIEWS_USAGE = '/focus previews [forget]';

/** The previews command, or null when the text is not one (it is then a lookup). */
export function parsePreviewsCommand(text: string): PreviewsCommand | null {
  const plain = normaliseSlackText(limitInput(text)).trim();
  const space = plain.search(/\s/);
  const word = (space < 0 ? plain : plain.slice(0, space)).toLowerCase();
  if (word !== 'previews') return null;
  const rest =
    space < 0
      ? ''
      : plain
          .slice(space + 1)
          .trim()
          .toLowerCase();
  if (rest === '') return { kind: 'previews', action: 'status' };
  if (rest === 'forget') return { kind: 'previews', action: 'forget' };
  return {
    kind: 'invalid',
    message: `\`previews\` takes nothing, or \`forget\`. Usage: ${PREVIEWS_USAGE}`,
  };
}
