/**
 * The consent prompt of a link preview: "Show a preview of recording 123 to #channel?", seen only
 * by the person who pasted the link, with Show, Not now and Always in this channel; and the short
 * notes that replace it once answered. Pure; everything not ours is escaped.
 */
import { ACTIONS } from '../domain/actions.js';
import type { ConsentMode } from '../domain/consent.js';
import type { LookupRequest } from '../domain/request.js';
import { actions, type Card, context, section, valueButton } from './blocks.js';
import { finishCard } from './limits.js';
import { escapeEntities, safe } from './mrkdwn.js';

/** One pasted link as the prompt names it: its kind and id, and a name when one is at hand. */
export interface PromptedLink {
  request: LookupRequest;
  name?: string | undefined;
}

/** `recording 123`, `person 42 (Jane Smith)`; a lookup a link cannot make reads "this link". */
export function describeLink({ request, name }: PromptedLink): string {
  const label = name ? ` (${safe(name, 80)})` : '';
  if (request.kind === 'recording') return `recording ${request.id}`;
  if (request.kind === 'person' && 'id' in request) return `person ${request.id}${label}`;
  return 'this link';
}

/** `<#C123>` for a channel id (checked: the one mention this card may form), else "this conversation". */
export function conversationMention(channel: string): string {
  return /^[CG][A-Z0-9]{1,30}$/.test(channel) ? `<#${channel}>` : 'this conversation';
}

/** The prompt; `value` is the encoded `ConsentValue` each button carries. */
export function consentPromptCard(channel: string, links: readonly PromptedLink[], value: string): Card {
  const what = links.map(describeLink).join(' and ');
  const where = conversationMention(channel);
  const question = `Show a preview of ${what} to ${where}?`;
  return finishCard({
    text: question,
    blocks: [
      section(`:eyes: ${question}`),
      context(
        'Only you can see this. A preview shows what Focus holds on it to everyone who can see your message.',
      ),
      actions([
        valueButton('Show', ACTIONS.consentShow, value, 'primary'),
        valueButton('Not now', ACTIONS.consentNotNow, value),
        valueButton('Always in this channel', ACTIONS.consentAlways, value),
      ]),
    ],
  });
}

/** What replaces the prompt once answered (our own text: entities escaped, formatting kept). */
export function consentNoteCard(message: string): Card {
  const text = escapeEntities(message);
  return finishCard({ text, blocks: [context(text)] });
}

/** `/focus previews`: whether the asker's "always" holds in this conversation, and under which setting. */
export function previewsStatusCard(channel: string, kept: boolean, mode: ConsentMode): Card {
  const where = conversationMention(channel);
  let text: string;
  if (mode === 'never') text = 'Link previews are turned off for this workspace (UNFURL_CONSENT=never).';
  else if (mode === 'always')
    text = `Links to Focus pasted in ${where} are previewed at once, for everyone (UNFURL_CONSENT=always).`;
  else if (kept)
    text = `You chose *Always in this channel*: links to Focus you paste in ${where} are previewed at once. \`/focus previews forget\` makes it ask you again.`;
  else text = `Focus for Slack asks you before it previews a link to Focus you paste in ${where}.`;
  return finishCard({ text: text.replace(/[*`]/g, ''), blocks: [section(`:eyes: ${text}`)] });
}

/** `/focus previews forget`: what was forgotten. */
export function previewsForgottenCard(channel: string, forgotten: boolean): Card {
  const where = conversationMention(channel);
  const text = forgotten
    ? `Forgotten: Focus for Slack will ask you again before it previews a link you paste in ${where}.`
    : `There was nothing to forget: you had not chosen *Always in this channel* in ${where}.`;
  return finishCard({ text: text.replace(/\*/g, ''), blocks: [section(`:eyes: ${text}`)] });
}
