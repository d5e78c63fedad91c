/** fast-check arbitraries of Focus domain values with hostile strings, and of lookup outcomes. */
import fc from 'fast-check';
import type {
  EndpointRef,
  Page,
  Person,
  PersonRef,
  PortalUser,
  Recording,
  RecordingComment,
  RetentionGroup,
} from '../../src/domain/focus.js';
import { makePortalLinks } from '../../src/domain/links.js';
import type { Choice, FailureCode, LookupOutcome, LookupResult } from '../../src/domain/outcome.js';
import type { FocusLookupRequest, PhoneNumber } from '../../src/domain/request.js';
import type { Direction, Subscription } from '../../src/domain/subscription.js';
import type { CardView } from '../../src/render/view.js';

export const links = makePortalLinks({
  portal: 'https://uk.focus.example',
  recordingTemplate: '{portal}/recordings/{id}',
  personTemplate: '{portal}/people/{id}',
});

/** Pieces that would do harm in mrkdwn if they reached a card unescaped, and awkward text. */
export const HOSTILE = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U1>',
  '<@U123|bob>',
  '<#C1|general>',
  '<http://x|y>',
  '<https://evil.example|click here>',
  '<mailto:a@b.example|mail>',
  '<tel:+447700900123|call>',
  '<!date^1^{date}|x>',
  '<!subteam^S1>',
  '&',
  '&amp;',
  '&lt;',
  '&#60;',
  '<',
  '>',
  '*',
  '_',
  '~',
  '`',
  '```',
  '>>>',
  '|',
  '\n',
  '\t',
  ' ',
  '\u00a0',
  '\u200b',
  '\u202e',
  '👩‍👩‍👧‍👦',
  '🇬🇧',
  '😀',
  'é',
  'Ä',
  ':warning:',
  '@channel',
] as const;

/** Mixtures of hostile pieces and random text; sometimes thousands of characters. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom(...HOSTILE),
          fc.string({ maxLength: 12 }),
          fc.string({ unit: 'grapheme', maxLength: 6 }),
        ),
        { maxLength: 24 },
      )
      .map((parts) => parts.join('')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 120 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...HOSTILE, 'Ä', 'x'), fc.integer({ min: 100, max: 6_000 }))
      .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)).slice(0, n)),
  },
);

export const id = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const smallId = fc.integer({ min: 1, max: 10_000_000 });
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
export const digits = fc.integer({ min: 100_000, max: 999_999_999_999_999 }).map(String);

/** Instants from 1971 to 2100 as ISO strings, or any hostile text (some of which `Date.parse` reads). */
export const isoOrJunk: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .integer({ min: 31_536_000_000, max: 4_102_444_800_000 })
      .map((ms) => new Date(ms).toISOString()),
  },
  { weight: 1, arbitrary: hostileText },
);

const endpointRef: fc.Arbitrary<EndpointRef> = fc.record({
  id: opt(smallId),
  value: fc.oneof(digits, hostileText),
  type: fc.oneof(fc.constantFrom('phone', 'email'), hostileText),
});
const personRef: fc.Arbitrary<PersonRef> = fc.record({ id: smallId, fullName: hostileText });

export const person: fc.Arbitrary<Person> = fc.record({
  id: smallId,
  fullName: hostileText,
  personType: opt(fc.oneof(fc.constantFrom('subscriber', 'contact', 'user'), hostileText)),
  email: opt(hostileText),
  jobTitle: opt(hostileText),
  department: opt(hostileText),
  endpoints: fc.array(endpointRef, { maxLength: 20 }),
});

export const recording: fc.Arbitrary<Recording> = fc.record({
  id,
  start: isoOrJunk,
  end: opt(isoOrJunk),
  durationSeconds: opt(fc.oneof(fc.nat(200_000), fc.double())),
  direction: opt(fc.oneof(fc.constantFrom('inbound', 'outbound', 'internal'), hostileText)),
  mediaType: opt(fc.oneof(fc.constantFrom('call', 'sms', 'teams'), hostileText)),
  endpoints: fc.array(endpointRef, { maxLength: 6 }),
  people: fc.array(personRef, { maxLength: 6 }),
  thirdPartyId: opt(hostileText),
  tags: fc.array(hostileText, { maxLength: 8 }),
  hasTranscript: opt(fc.boolean()),
  retentionGroupId: opt(smallId),
});

export const comment: fc.Arbitrary<RecordingComment> = fc.record({
  id: smallId,
  text: hostileText,
  createdAt: opt(isoOrJunk),
  username: opt(hostileText),
  startOffset: opt(fc.oneof(fc.nat(100_000), fc.double())),
  endOffset: opt(fc.oneof(fc.nat(100_000), fc.double())),
  tags: fc.array(hostileText, { maxLength: 5 }),
});

export const portalUser: fc.Arbitrary<PortalUser> = fc.record({
  id: smallId,
  username: hostileText,
  rolesAndRights: fc.array(hostileText, { maxLength: 12 }),
  fullName: opt(hostileText),
  email: opt(hostileText),
  enabled: opt(fc.boolean()),
});

const propertyValue = fc.oneof(
  hostileText,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.dictionary(hostileText, fc.oneof(fc.integer(), hostileText), { maxKeys: 8 }),
  fc.array(fc.integer(), { maxLength: 3 }),
);
export const retentionGroup: fc.Arbitrary<RetentionGroup> = fc.record({
  id: smallId,
  name: hostileText,
  properties: fc.dictionary(hostileText, propertyValue, { maxKeys: 10 }),
});

export function page<T>(item: fc.Arbitrary<T>, maxItems: number): fc.Arbitrary<Page<T>> {
  return fc.record({
    items: fc.array(item, { maxLength: maxItems }),
    total: fc.nat(1_000_000),
    page: fc.integer({ min: 1, max: 10_000 }),
    pageSize: fc.integer({ min: 1, max: 100 }),
  });
}

/** Phone numbers as the parser makes them: the display form is libphonenumber's, never data. */
export const phoneNumber: fc.Arbitrary<PhoneNumber> = fc
  .tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1_000_000, max: 999_999_999_999 }), fc.boolean())
  .map(([cc, rest, valid]) => ({
    focus: `${cc}${rest}`,
    e164: `+${cc}${rest}`,
    display: `+${cc} ${String(rest).replace(/(\d{4})(?=\d)/g, '$1 ')}`,
    valid,
  }));

export const request: fc.Arbitrary<FocusLookupRequest> = fc.oneof(
  fc.record({
    kind: fc.constant('phone' as const),
    phone: phoneNumber,
    page: opt(fc.integer({ min: 1, max: 1_000 })),
  }),
  fc.record({ kind: fc.constant('person' as const), id: smallId }),
  fc.record({ kind: fc.constant('person' as const), query: hostileText }),
  fc.record({ kind: fc.constant('recording' as const), id }),
  fc.record({ kind: fc.constant('user' as const), query: hostileText }),
  fc.record({
    kind: fc.constant('comments' as const),
    recordingId: id,
    page: fc.integer({ min: 1, max: 1_000 }),
  }),
  fc.record({ kind: fc.constant('retention' as const) }),
);

export const FAILURE_CODES: FailureCode[] = [
  'auth_failed',
  'forbidden',
  'not_found',
  'rate_limited',
  'unavailable',
  'timeout',
  'bad_response',
  'restarting',
  'internal',
];

export const phoneResult = fc.record({
  kind: fc.constant('phone' as const),
  phone: phoneNumber,
  owners: fc.array(person, { maxLength: 30 }),
  recordings: page(recording, 60),
});

export const result: fc.Arbitrary<LookupResult> = fc.oneof(
  phoneResult,
  fc.record({ kind: fc.constant('person' as const), person, recordings: page(recording, 60) }),
  fc.record({
    kind: fc.constant('recording' as const),
    recording,
    comments: fc.array(comment, { maxLength: 30 }),
    names: fc.dictionary(fc.oneof(digits, hostileText), hostileText, { maxKeys: 8 }),
  }),
  fc.record({
    kind: fc.constant('user' as const),
    query: hostileText,
    users: fc.array(portalUser, { maxLength: 30 }),
  }),
  fc.record({ kind: fc.constant('comments' as const), recordingId: id, comments: page(comment, 60) }),
  fc.record({ kind: fc.constant('retention' as const), groups: fc.array(retentionGroup, { maxLength: 60 }) }),
);

export const choice: fc.Arbitrary<Choice> = fc.record({ label: hostileText, request });

export const outcome: fc.Arbitrary<LookupOutcome> = fc.oneof(
  fc.record({ status: fc.constant('found' as const), request, result }),
  fc.record({ status: fc.constant('not_found' as const), request, recordings: opt(page(recording, 60)) }),
  fc.record({
    status: fc.constant('ambiguous' as const),
    request,
    choices: fc.array(choice, { maxLength: 30 }),
  }),
  fc.record({
    status: fc.constant('failed' as const),
    request,
    code: fc.constantFrom(...FAILURE_CODES),
    referenceId: hostileText,
  }),
);

const slackUserId = fc.stringMatching(/^U[A-Z0-9]{2,10}$/);
export const renderContext: fc.Arbitrary<CardView> = fc.record({
  links: fc.constant(links),
  mode: opt(
    fc.constantFrom(
      'ephemeral' as const,
      'shared' as const,
      'thread' as const,
      'modal' as const,
      'unfurl' as const,
    ),
  ),
  askerId: opt(slackUserId),
  sharedBy: opt(slackUserId),
});

/** A stored subscription as the cards get it: hostile names, any filters and format. */
export const subscription: fc.Arbitrary<Subscription> = fc.record({
  id: smallId,
  team: fc.constant('T1'),
  channel: fc.constant('C1'),
  target: fc.oneof(
    fc.record({ kind: fc.constant('phone' as const), phone: digits, display: hostileText }),
    fc.record({ kind: fc.constant('person' as const), personId: id, name: hostileText }),
  ),
  createdBy: fc.constant('U1'),
  createdAt: isoOrJunk,
  paused: opt(fc.record({ reason: fc.oneof(fc.constantFrom('is_archived'), hostileText), at: isoOrJunk })),
  filters: opt(
    fc.record(
      {
        directions: fc.subarray(['inbound', 'outbound', 'internal'] as Direction[]),
        longerThanSeconds: fc.integer({ min: 1, max: 86_400 }),
      },
      { requiredKeys: [] },
    ),
  ),
  format: opt(fc.constantFrom('full' as const, 'compact' as const)),
});
