/** The pieces every card is built from: who someone is, a page of recordings, paging and sharing. */
import type { Page, Person, Recording } from '../domain/focus.js';
import type { FocusLookupRequest } from '../domain/request.js';
import { type Block, type Button, context, section } from './blocks.js';
import { moreButton, shareButton } from './buttons.js';
import { recordingLine } from './format.js';
import { escapeEntities, safe } from './mrkdwn.js';
import { type CardView, interactive } from './view.js';

export interface Perspective {
  numbers: ReadonlySet<string>;
  personIds: ReadonlySet<number>;
}

/** Person type, job title and department, as far as Focus has them, escaped. */
export function personDetails(person: Person, withDepartment = true): string[] {
  const values = [person.personType, person.jobTitle, withDepartment ? person.department : undefined];
  return values.filter((d): d is string => Boolean(d)).map((d) => safe(d, 60));
}

export function ownerLine(person: Person): string {
  return [`*${safe(person.fullName, 120)}*`, ...personDetails(person)].join(' · ');
}

export function recordingsBlocks(
  title: string,
  recordings: Page<Recording>,
  self: Perspective,
  withheld?: string,
): Block[] {
  if (withheld) return [context(`:lock: ${withheldText('see recordings', withheld)}`)];
  if (recordings.items.length === 0) return [context('No recordings found.')];
  const lines = recordings.items.map((r) => `• ${recordingLine(r, self)}`);
  const first = (recordings.page - 1) * recordings.pageSize + 1;
  const last = first + recordings.items.length - 1;
  return [
    section(`*${title}*\n${lines.join('\n')}`),
    context(`Recordings ${first}–${last} of ${recordings.total}`),
  ];
}

export function hasMore(page: Page<unknown>): boolean {
  return page.page * page.pageSize < page.total;
}

/** Paging and sharing buttons of an interactive card. */
export function lookupButtons(request: FocusLookupRequest, page: Page<unknown>, ctx: CardView): Button[] {
  if (!interactive(ctx)) return [];
  return [
    ...(hasMore(page) ? [moreButton(request, page.page + 1)] : []),
    ...shareButton(request, ctx, page.page),
  ];
}

export function sharedByBlocks(ctx: CardView): Block[] {
  // A Slack user id (checked), never data: the one mention a card may form.
  return ctx.mode === 'shared' && ctx.sharedBy && /^[UW][A-Z0-9]+$/.test(ctx.sharedBy)
    ? [context(`Shared by <@${ctx.sharedBy}>`)]
    : [];
}

/** Why part of an answer is missing: the right, and who can grant it. */
export function withheldText(what: string, right: string): string {
  return `To ${what} you need the Focus right *${escapeEntities(right)}*. A Focus administrator can grant it to your Focus portal user.`;
}
