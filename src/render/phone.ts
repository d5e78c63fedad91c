/** The phone card: the number, its owner(s), the latest recordings, and its buttons. */
import type { Page, Person, Recording } from '../domain/focus.js';
import type { LookupResult } from '../domain/outcome.js';
import type { FocusLookupRequest, PhoneNumber } from '../domain/request.js';
import { actions, type Block, type Card, context, header, section } from './blocks.js';
import { openButton } from './buttons.js';
import { lookupButtons, ownerLine, recordingsBlocks, sharedByBlocks } from './kit.js';
import { finishCard } from './limits.js';
import { safe } from './mrkdwn.js';
import type { CardView } from './view.js';

const MAX_OWNERS = 10;
const MAX_OWNER_BUTTONS = 3;

export function phoneCard(
  result: Extract<LookupResult, { kind: 'phone' }>,
  request: FocusLookupRequest,
  ctx: CardView,
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
    ...recordingsBlocks('Latest recordings', recordings, self, result.recordingsWithheld),
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
