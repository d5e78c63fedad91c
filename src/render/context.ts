/** How a card will be shown decides its buttons. */
import { ACTIONS, commandText, encodeAction } from '../domain/actions.js';
import type { PortalLinks } from '../domain/links.js';
import type { FocusLookupRequest } from '../domain/request.js';
import { type Button, linkButton, valueButton } from './blocks.js';

/**
 * `ephemeral`: only the asker sees it (paging, share, comments buttons);
 * `shared`: posted in a channel by its asker; `thread`: a reply to a mention;
 * `modal` and `unfurl`: links only.
 */
export type CardMode = 'ephemeral' | 'shared' | 'thread' | 'modal' | 'unfurl';

export interface RenderContext {
  links: PortalLinks;
  mode?: CardMode;
  /** The Slack user who asked (for Share in channel). */
  askerId?: string;
  /** The Slack user who shared the card into the channel. */
  sharedBy?: string;
}

export const interactive = (ctx: RenderContext): boolean => (ctx.mode ?? 'ephemeral') === 'ephemeral';

/** A link button; `index` keeps action ids unique within one actions block. */
export function openButton(url: string, label = 'Open in Focus', index = 0): Button {
  return linkButton(label, url, index === 0 ? ACTIONS.open : `${ACTIONS.open}_${index}`);
}

export function moreButton(request: FocusLookupRequest, page: number, label = 'More recordings'): Button {
  return valueButton(label, ACTIONS.more, encodeAction({ c: commandText(request), p: page }));
}

export function shareButton(request: FocusLookupRequest, ctx: RenderContext, page?: number): Button[] {
  if (!interactive(ctx) || !ctx.askerId) return [];
  return [
    valueButton(
      'Share in channel',
      ACTIONS.share,
      encodeAction({ c: commandText(request), u: ctx.askerId, ...(page && page > 1 && { p: page }) }),
      'primary',
    ),
  ];
}

export function commentsButton(recordingId: number, page = 1): Button {
  return valueButton(
    page > 1 ? 'More comments' : 'Show comments',
    ACTIONS.comments,
    encodeAction({ c: `comments ${recordingId} ${page}` }),
  );
}

export function pickButton(label: string, request: FocusLookupRequest, index: number): Button {
  return {
    ...valueButton(label, ACTIONS.pick, encodeAction({ c: commandText(request) })),
    action_id: `${ACTIONS.pick}_${index}`,
  };
}
