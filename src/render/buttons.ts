/** The buttons cards carry: Open in Focus, More recordings, Share in channel, comments, picks. */
import { ACTIONS, commandText, encodeAction } from '../domain/actions.js';
import type { FocusLookupRequest } from '../domain/request.js';
import { type Button, linkButton, valueButton } from './blocks.js';
import { type CardView, interactive } from './view.js';

/** A link button; `index` keeps action ids unique within one actions block. */
export function openButton(url: string, label = 'Open in Focus', index = 0): Button {
  return linkButton(label, url, index === 0 ? ACTIONS.open : `${ACTIONS.open}_${index}`);
}

export function moreButton(request: FocusLookupRequest, page: number, label = 'More recordings'): Button {
  return valueButton(label, ACTIONS.more, encodeAction({ c: commandText(request), p: page }));
}

export function shareButton(request: FocusLookupRequest, ctx: CardView, page?: number): Button[] {
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
