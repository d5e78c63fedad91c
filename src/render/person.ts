/** The person card: who they are, their numbers and emails, their latest recordings. */
import type { Person } from '../domain/focus.js';
import type { LookupResult } from '../domain/outcome.js';
import type { FocusLookupRequest } from '../domain/request.js';
import { actions, type Block, type Card, context, fields, header, section } from './blocks.js';
import { openButton } from './buttons.js';
import { displayNumber } from './format.js';
import { lookupButtons, personDetails, recordingsBlocks, sharedByBlocks } from './kit.js';
import { finishCard } from './limits.js';
import { safe } from './mrkdwn.js';
import type { CardView } from './view.js';

const MAX_ENDPOINTS_SHOWN = 12;

/** The person's numbers or email addresses, one a line; undefined when they have none. */
function endpointList(person: Person, type: 'phone' | 'email'): string | undefined {
  const values = person.endpoints.filter((e) => e.type === type).map((e) => e.value);
  if (type === 'email' && person.email && !values.includes(person.email)) values.unshift(person.email);
  if (values.length === 0) return undefined;
  const shown = values
    .slice(0, MAX_ENDPOINTS_SHOWN)
    .map((v) => safe(type === 'phone' ? displayNumber(v) : v, 80));
  const more = values.length - shown.length;
  return shown.join('\n') + (more > 0 ? `\n…and ${more} more` : '');
}

export function personCard(
  result: Extract<LookupResult, { kind: 'person' }>,
  request: FocusLookupRequest,
  ctx: CardView,
): Card {
  const { person, recordings } = result;
  const details = personDetails(person);
  const self = {
    numbers: new Set(person.endpoints.map((e) => e.value)),
    personIds: new Set([person.id]),
  };
  const phones = endpointList(person, 'phone');
  const emails = endpointList(person, 'email');
  // Only the kinds Focus has for them: no placeholder fields.
  const known = [...(phones ? [`*Phones*\n${phones}`] : []), ...(emails ? [`*Emails*\n${emails}`] : [])];
  const blocks: Block[] = [
    header(`👤 ${person.fullName.replace(/\s+/g, ' ')}`),
    ...(details.length > 0 ? [context(details.join(' · '))] : []),
    ...(known.length > 0 ? [fields(known)] : []),
    ...recordingsBlocks('Latest recordings', recordings, self, result.recordingsWithheld),
    actions([openButton(ctx.links.personUrl(person.id)), ...lookupButtons(request, recordings, ctx)]),
    ...sharedByBlocks(ctx),
  ];
  return finishCard({ text: `${safe(person.fullName, 150)} in Focus`, blocks });
}

/** A few lines for unfurls and multi-result modals. */
export function compactPersonCard(result: Extract<LookupResult, { kind: 'person' }>, ctx: CardView): Card {
  const { person, recordings } = result;
  const details = personDetails(person, false);
  const phones = person.endpoints.filter((e) => e.type === 'phone').length;
  const text = [
    `👤 *${safe(person.fullName, 120)}*${details.length > 0 ? ` · ${details.join(' · ')}` : ''}`,
    `${phones} phone number${phones === 1 ? '' : 's'}${
      result.recordingsWithheld ? '' : ` · ${recordings.total} recording${recordings.total === 1 ? '' : 's'}`
    }`,
  ].join('\n');
  return finishCard({
    text: `${safe(person.fullName, 150)} in Focus`,
    blocks: [section(text, openButton(ctx.links.personUrl(person.id)))],
  });
}
