/** The Block Kit subset the cards use, and small builders for it. No Bolt import. */

export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
}
export type TextObject = PlainText | Mrkdwn;

export interface Button {
  type: 'button';
  text: PlainText;
  action_id: string;
  value?: string;
  url?: string;
  style?: 'primary' | 'danger';
  /** Slack asks "are you sure?" with this before the press is sent. */
  confirm?: ConfirmDialog;
}

/** Block Kit's confirmation dialog object (title 100, text 300, buttons 30 characters). */
export interface ConfirmDialog {
  title: PlainText;
  text: Mrkdwn;
  confirm: PlainText;
  deny: PlainText;
  style?: 'primary' | 'danger';
}

export type Block =
  | { type: 'header'; text: PlainText; block_id?: string }
  | { type: 'section'; text?: Mrkdwn; fields?: Mrkdwn[]; accessory?: Button; block_id?: string }
  | { type: 'context'; elements: TextObject[]; block_id?: string }
  | { type: 'actions'; elements: Button[]; block_id?: string }
  | { type: 'divider'; block_id?: string };

/** A rendered answer: blocks plus the notification/fallback text. */
export interface Card {
  text: string;
  blocks: Block[];
}

export const plain = (text: string): PlainText => ({ type: 'plain_text', text, emoji: true });
export const mrkdwn = (text: string): Mrkdwn => ({ type: 'mrkdwn', text });
export const header = (text: string): Block => ({ type: 'header', text: plain(text) });
export const section = (text: string, accessory?: Button): Block =>
  accessory ? { type: 'section', text: mrkdwn(text), accessory } : { type: 'section', text: mrkdwn(text) };
export const fields = (items: string[]): Block => ({ type: 'section', fields: items.map(mrkdwn) });
export const context = (...texts: string[]): Block => ({ type: 'context', elements: texts.map(mrkdwn) });
export const divider = (): Block => ({ type: 'divider' });
export const actions = (buttons: Button[]): Block => ({ type: 'actions', elements: buttons });

export function linkButton(text: string, url: string, actionId: string): Button {
  return { type: 'button', text: plain(text), url, action_id: actionId };
}

export function valueButton(text: string, actionId: string, value: string, style?: 'primary'): Button {
  return { type: 'button', text: plain(text), action_id: actionId, value, ...(style && { style }) };
}
