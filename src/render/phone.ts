/** The phone card: the number, its owner(s), the latest recordings, Open in Focus. */

import type { Page, Person, Recording } from '../domain/focus.js';
import type { PortalLinks } from '../domain/links.js';
import type { LookupResult } from '../domain/outcome.js';
import type { PhoneNumber } from '../domain/request.js';
import { actions, type Block, type Card, context, header, linkButton, section } from './blocks.js';
import { recordingLine } from './format.js';
import { finishCard } from './limits.js';
import { safe } from './mrkdwn.js';

const MAX_OWNERS = 10;
const MAX_OWNER_BUTTONS = 3;

export function ownerLine(person: Person): string {
  const details = [person.personType, person.jobTitle, person.department]
    .filter(Boolean)
    .map((d) => safe(d as string, 60));
  return [`*${safe(person.fullName, 120)}*`, ...details].join(' · ');
}

export function recordingsBlocks(
  title: string,
  recordings: Page<Recording>,
  self: { numbers: ReadonlySet<string>; personIds: ReadonlySet<number> },
): Block[] {
  if (recordings.items.length === 0) return [context('No recordings found.')];
  const lines = recordings.items.map((r) => `• ${recordingLine(r, self)}`);
  const first = (recordings.page - 1) * recordings.pageSize + 1;
  const last = first + recordings.items.length - 1;
  return [
    section(`*${title}*\n${lines.join('\n')}`),
    context(`Recordings ${first}–${last} of ${recordings.total}`),
  ];
}

export function phoneCard(result: Extract<LookupResult, { kind: 'phone' }>, links: PortalLinks): Card {
  const { phone, owners, recordings } = result;
  const ownerText =
    owners.length === 1
      ? `Owner: ${ownerLine(owners[0] as Person)}`
      : `*Shared by ${owners.length} people:*\n${owners
          .slice(0, MAX_OWNERS)
          .map((o) => `• ${ownerLine(o)}`)
          .join('\n')}`;
  const self = { numbers: new Set([phone.focus]), personIds: new Set(owners.map((o) => o.id)) };
  const blocks: Block[] = [
    header(`📞 ${phone.display}`),
    section(ownerText),
    ...unverified(phone),
    ...recordingsBlocks('Latest recordings', recordings, self),
    actions(
      owners
        .slice(0, MAX_OWNER_BUTTONS)
        .map((o, i) =>
          linkButton(
            owners.length === 1 ? 'Open in Focus' : `Open ${o.fullName} in Focus`,
            links.personUrl(o.id),
            `open_person_${i}`,
          ),
        ),
    ),
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
