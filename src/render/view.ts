/** How a card will be shown, and for whom: its mode decides its buttons. */
import type { PortalLinks } from '../domain/links.js';

/**
 * `ephemeral`: only the asker sees it (paging, share, comments buttons);
 * `shared`: posted in a channel by its asker; `thread`: a reply to a mention;
 * `modal` and `unfurl`: links only.
 */
export type CardMode = 'ephemeral' | 'shared' | 'thread' | 'modal' | 'unfurl';

export interface CardView {
  links: PortalLinks;
  mode?: CardMode;
  /** The Slack user who asked (for Share in channel). */
  askerId?: string;
  /** The Slack user who shared the card into the channel. */
  sharedBy?: string;
}

export const interactive = (ctx: CardView): boolean => (ctx.mode ?? 'ephemeral') === 'ephemeral';
