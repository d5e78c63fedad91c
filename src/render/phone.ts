/** The phone card: the number, its owner(s), the latest recordings, and its buttons. */
import type { Page, Person, Recording } from '../domain/focus.js';
import type { LookupResult } from '../domain/outcome.js';
import type { FocusLookupRequest, PhoneNumber } from '../domain/request.js';
import { actions, type Block, type Button, type Card, context, header, section } from './blocks.js';
import { interactive, moreButton, openButton, type RenderContext, shareButton } from './context.js';
import { recordingLine } from './format.js';
import { finishCard } from './limits.js';
import { safe } from './mrkdwn.js';

const MAX_OWNERS = 10;
const MAX_OWNER_BUTTONS = 3;

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

export function recordingsBlocks(title: string, recordings: Page<Recording>, self: Perspective): Block[] {
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
export function lookupButtons(
  request: FocusLookupRequest,
  page: Page<unknown>,
  ctx: RenderContext,
): Button[] {
  if (!interactive(ctx)) return [];
  return [
    ...(hasMore(page) ? [moreButton(request, page.page + 1)] : []),
    ...shareButton(request, ctx, page.page),
  ];
}

export function sharedByBlocks(ctx: RenderContext): Block[] {
  // A Slack user id (checked), never data: the one mention a card may form.
  return ctx.mode === 'shared' && ctx.sharedBy && /^[UW][A-Z0-9]+$/.test(ctx.sharedBy)
    ? [context(`Shared by <@${ctx.sharedBy}>`)]
    : [];
}

export function phoneCard(
  result: Extract<LookupResult, { kind: 'phone' }>,
  request: FocusLookupRequest,
  ctx: RenderContext,
): Card {
  const { phone, owners, recordings } = result;
  const ownerText =
    owners.length === 1
      ? `Owner: ${ownerLine(owners[0] as Person)}`
      : `*Shared by ${owners.length} people:*\n${owners
          .slice(0, MAX_OWNERS)
          .map((o) => `• ${ownerLine(o)}`)
          .join('\n')}`;
  const self = { numbers: new Set([phone.focus]), personIds: new Set(owners.map((o) => o.id)) };
  const open = owners
    .slice(0, MAX_OWNER_BUTTONS)
    .map((o, i) =>
      openButton(
        ctx.links.personUrl(o.id),
        owners.length === 1 ? 'Open in Focus' : `Open ${o.fullName} in Focus`,
        i,
      ),
    );
  const blocks: Block[] = [
    header(`📞 ${phone.display}`),
    section(ownerText),
    ...unverified(phone),
    ...recordingsBlocks('Latest recordings', recordings, self),
    actions([...open, ...lookupButtons(request, recordings, ctx)]),
    ...sharedByBlocks(ctx),
  ];
  const names = owners.map((o) => o.fullName).join(', ');
  return finishCard({ text: `${phone.display}: ${safe(names, 300)}`, blocks });
}

export function unknownPhoneCard(phone: PhoneNumber, recordings: Page<Recording> | undefined): Card {
  const self = { numbers: new Set([phone.focus]), personIds: new Set<number>() };
  const blocks: Block[] = [
    header(`📞 ${phone.display}`),
    section(`No one in Focus has *${phone.display}* as a phone number.`),
    ...unverified(phone),
    ...(recordings && recordings.items.length > 0
      ? recordingsBlocks('Recordings that mention this number', recordings, self)
      : []),
  ];
  return finishCard({ text: `${phone.display} is not in Focus`, blocks });
}

function unverified(phone: PhoneNumber): Block[] {
  return phone.valid
    ? []
    : [context('_This number is not in a range known to be assigned; looked up as written._')];
}
