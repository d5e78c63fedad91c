/** Cards that list things: portal users, comments, retention groups, a pick list. */
import { type Choice, type LookupResult, MAX_CHOICES } from '../domain/outcome.js';
import type { FocusLookupRequest } from '../domain/request.js';
import { actions, type Block, type Card, context, header, section } from './blocks.js';
import { commentsButton, openButton, pickButton, shareButton } from './buttons.js';
import { hasMore, sharedByBlocks } from './kit.js';
import { finishCard } from './limits.js';
import { safe } from './mrkdwn.js';
import { commentLine } from './recording.js';
import { type CardView, interactive } from './view.js';

const MAX_USERS_SHOWN = 10;

export function userCard(
  result: Extract<LookupResult, { kind: 'user' }>,
  request: FocusLookupRequest,
  ctx: CardView,
): Card {
  const users = result.users.slice(0, MAX_USERS_SHOWN);
  const blocks: Block[] = [header(`🔑 Focus portal users: ${result.query}`)];
  for (const u of users) {
    const status = u.enabled === false ? ' · _disabled_' : '';
    const name = u.fullName ? `${safe(u.fullName, 100)} · ` : '';
    const rights =
      u.rolesAndRights.length > 0
        ? u.rolesAndRights.map((r) => safe(r, 60)).join(', ')
        : 'no roles or rights';
    blocks.push(section(`*${name}${safe(u.username, 120)}*${status}\n${rights}`));
  }
  if (result.users.length > users.length) {
    blocks.push(context(`${users.length} of ${result.users.length} users; narrow the search to see others.`));
  }
  const share = shareButton(request, ctx);
  if (share.length > 0) blocks.push(actions(share));
  blocks.push(...sharedByBlocks(ctx));
  return finishCard({ text: `Focus portal users matching ${safe(result.query, 100)}`, blocks });
}

export function commentsCard(
  result: Extract<LookupResult, { kind: 'comments' }>,
  request: FocusLookupRequest,
  ctx: CardView,
): Card {
  const { comments, recordingId } = result;
  const first = (comments.page - 1) * comments.pageSize + 1;
  const blocks: Block[] = [header(`💬 Comments on recording ${recordingId}`)];
  if (comments.items.length === 0)
    blocks.push(section(comments.total === 0 ? 'No comments.' : 'No more comments.'));
  else {
    blocks.push(section(comments.items.map(commentLine).join('\n')));
    blocks.push(context(`Comments ${first}–${first + comments.items.length - 1} of ${comments.total}`));
  }
  const buttons = [
    openButton(ctx.links.recordingUrl(recordingId), 'Open recording in Focus'),
    ...(interactive(ctx) && hasMore(comments) ? [commentsButton(recordingId, comments.page + 1)] : []),
    ...shareButton(request, ctx),
  ];
  blocks.push(actions(buttons), ...sharedByBlocks(ctx));
  return finishCard({ text: `Comments on recording ${recordingId}`, blocks });
}

export function retentionCard(
  result: Extract<LookupResult, { kind: 'retention' }>,
  request: FocusLookupRequest,
  ctx: CardView,
): Card {
  const blocks: Block[] = [header('🗄️ Retention groups')];
  for (const g of result.groups.slice(0, 40)) {
    const props = Object.entries(g.properties)
      .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
      .slice(0, 6)
      .map(([k, v]) => `${safe(k, 40)}: ${safe(String(v), 60)}`);
    const periods = Object.entries(g.properties).find(
      ([, v]) => v !== null && typeof v === 'object' && !Array.isArray(v),
    );
    const periodText = periods
      ? `${props.length > 0 ? ' · ' : ''}${safe(periods[0], 30)}: ${Object.entries(
          periods[1] as Record<string, unknown>,
        )
          .slice(0, 6)
          .map(([k, v]) => `${safe(k, 20)} ${safe(String(v), 20)}`)
          .join(', ')}`
      : '';
    const detail = `${props.join(' · ')}${periodText}`;
    blocks.push(section(`*${safe(g.name, 120)}* (id ${g.id})${detail ? `\n${detail}` : ''}`));
  }
  const share = shareButton(request, ctx);
  if (share.length > 0) blocks.push(actions(share));
  blocks.push(...sharedByBlocks(ctx));
  return finishCard({ text: `${result.groups.length} retention groups`, blocks });
}

/** Said under the choices found while the people directory is still loading. */
export const DIRECTORY_LOADING_NOTE =
  'The people directory is still loading, so more people may match. Try again in a minute for the full list.';

/** `directoryLoading`: the choices are the matches so far. */
export function choicesCard(choices: Choice[], ctx: CardView, directoryLoading = false): Card {
  const count = `${choices.length} ${choices.length === 1 ? 'person matches' : 'people match'}${directoryLoading ? ' so far' : ''}`;
  const blocks: Block[] = [section(`:busts_in_silhouette: ${count}. Which one?`)];
  if (interactive(ctx)) {
    blocks.push(actions(choices.slice(0, MAX_CHOICES).map((c, i) => pickButton(c.label, c.request, i))));
  } else {
    blocks.push(
      section(
        choices
          .slice(0, 10)
          .map(
            (c) =>
              `• ${safe(c.label, 120)}${c.request.kind === 'person' && 'id' in c.request ? ` (person ${c.request.id})` : ''}`,
          )
          .join('\n'),
      ),
    );
  }
  if (directoryLoading) blocks.push(context(`:hourglass_flowing_sand: ${DIRECTORY_LOADING_NOTE}`));
  return finishCard({ text: count, blocks });
}

/** A name search that found no one while the people directory is still loading. */
export function directoryLoadingCard(): Card {
  const text =
    'The people directory is still loading, so no one matches that name yet. Try again in a minute, or look the person up by id, email or phone number.';
  return finishCard({ text, blocks: [section(`:hourglass_flowing_sand: ${text}`)] });
}
