/**
 * Every card stays within Block Kit limits and carries no `<...>` token made from data, whatever
 * Focus sends. To cover a new card builder, add a `cardCase` to CASES.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS, parseCommand } from '../../src/parse/index.js';
import type { Card } from '../../src/render/blocks.js';
import { choicesCard, commentsCard, retentionCard, userCard } from '../../src/render/lists.js';
import { loadingCard, nothingToLookUpCard } from '../../src/render/modal.js';
import { slackDate } from '../../src/render/mrkdwn.js';
import { renderOutcome } from '../../src/render/outcome.js';
import { compactPersonCard, personCard } from '../../src/render/person.js';
import { phoneCard, unknownPhoneCard } from '../../src/render/phone.js';
import { compactRecordingCard, recordingCard } from '../../src/render/recording.js';
import { failureCard, helpCard, invalidCard } from '../../src/render/status.js';
import { moreRecordingsCard, newRecordingCard, subscriptionsCard } from '../../src/render/subscription.js';
import type { CardView } from '../../src/render/view.js';
import {
  choice,
  comment,
  FAILURE_CODES,
  hostileText,
  id,
  links,
  outcome,
  page,
  person,
  phoneNumber,
  phoneResult,
  portalUser,
  recording,
  renderContext,
  request,
  retentionGroup,
  subscription,
} from './arbitraries.js';
import { ALLOWED_TOKENS, foreignTokens, limitProblems } from './limits.js';
import { slackText } from './slack-text.js';

const NUM_RUNS = Number(process.env.FC_RUNS ?? 0) || 200;

/** The tokens a card rendered for `ctx` may carry: date tokens, and the sharer's own mention. */
function allowedFor(ctx?: CardView): RegExp[] {
  return ctx?.mode === 'shared' && ctx.sharedBy
    ? [...ALLOWED_TOKENS, new RegExp(`^<@${ctx.sharedBy}>$`)]
    : ALLOWED_TOKENS;
}

interface Rendered {
  card: Card;
  ctx?: CardView;
}
interface CardCase {
  name: string;
  check(): void;
}

function cardCase<T>(name: string, inputs: fc.Arbitrary<T>, render: (input: T) => Rendered): CardCase {
  return {
    name,
    check: () =>
      fc.assert(
        fc.property(inputs, (input) => {
          const { card, ctx } = render(input);
          const problems = [
            ...limitProblems(card),
            ...foreignTokens(card, allowedFor(ctx)).map((t) => `token from data: ${t.slice(0, 80)}`),
          ];
          expect(problems).toEqual([]);
        }),
        { numRuns: NUM_RUNS },
      ),
  };
}

const foundOf = <K extends string>(kind: K) => request.filter((r) => r.kind === kind);

const CASES: CardCase[] = [
  cardCase('phoneCard', fc.tuple(phoneResult, foundOf('phone'), renderContext), ([r, q, ctx]) => ({
    card: phoneCard(r, q, ctx),
    ctx,
  })),
  cardCase(
    'unknownPhoneCard',
    fc.tuple(phoneNumber, fc.option(page(recording, 60), { nil: undefined })),
    ([p, r]) => ({
      card: unknownPhoneCard(p, r),
    }),
  ),
  cardCase('failureCard', fc.tuple(fc.constantFrom(...FAILURE_CODES), hostileText), ([code, ref]) => ({
    card: failureCard(code, ref),
  })),
  cardCase('helpCard', fc.option(hostileText, { nil: undefined }), (unknown) => ({
    card: helpCard(COMMANDS, unknown === undefined ? {} : { unknown }),
  })),
  cardCase(
    'personCard / compactPersonCard',
    fc.tuple(person, page(recording, 60), foundOf('person'), renderContext, fc.boolean()),
    ([p, recordings, q, ctx, compact]) => {
      const result = { kind: 'person' as const, person: p, recordings };
      return { card: compact ? compactPersonCard(result, ctx) : personCard(result, q, ctx), ctx };
    },
  ),
  cardCase(
    'recordingCard / compactRecordingCard',
    fc.tuple(
      recording,
      fc.array(comment, { maxLength: 30 }),
      fc.dictionary(hostileText, hostileText, { maxKeys: 8 }),
      foundOf('recording'),
      renderContext,
      fc.boolean(),
    ),
    ([r, comments, names, q, ctx, compact]) => {
      const result = { kind: 'recording' as const, recording: r, comments, names };
      return { card: compact ? compactRecordingCard(result, ctx) : recordingCard(result, q, ctx), ctx };
    },
  ),
  cardCase(
    'userCard',
    fc.tuple(hostileText, fc.array(portalUser, { maxLength: 30 }), foundOf('user'), renderContext),
    ([query, users, q, ctx]) => ({ card: userCard({ kind: 'user', query, users }, q, ctx), ctx }),
  ),
  cardCase(
    'commentsCard',
    fc.tuple(id, page(comment, 60), foundOf('comments'), renderContext),
    ([recordingId, comments, q, ctx]) => ({
      card: commentsCard({ kind: 'comments', recordingId, comments }, q, ctx),
      ctx,
    }),
  ),
  cardCase(
    'retentionCard',
    fc.tuple(fc.array(retentionGroup, { maxLength: 60 }), foundOf('retention'), renderContext),
    ([groups, q, ctx]) => ({ card: retentionCard({ kind: 'retention', groups }, q, ctx), ctx }),
  ),
  cardCase('choicesCard', fc.tuple(fc.array(choice, { maxLength: 30 }), renderContext), ([choices, ctx]) => ({
    card: choicesCard(choices, ctx),
    ctx,
  })),
  // One post for up to a channel's 50 subscriptions, each format, and its summary.
  cardCase(
    'newRecordingCard / moreRecordingsCard',
    fc.tuple(
      recording,
      fc.array(subscription, { minLength: 1, maxLength: 50 }),
      fc.nat(1_000_000),
      fc.boolean(),
    ),
    ([r, subs, more, summary]) => ({
      card: summary
        ? moreRecordingsCard(subs, more)
        : newRecordingCard(subs, r, new Set([r.endpoints[0]?.value ?? '']), links),
    }),
  ),
  cardCase(
    'subscriptionsCard (a channel holds 50 at most)',
    fc.array(subscription, { maxLength: 50 }),
    (subs) => ({
      card: subscriptionsCard(subs),
      ctx: { mode: 'shared', sharedBy: 'U1' } as CardView,
    }),
  ),
  cardCase('loadingCard, nothingToLookUpCard', fc.boolean(), (loading) => ({
    card: loading ? loadingCard() : nothingToLookUpCard(),
  })),
  cardCase(
    'renderOutcome (any outcome)',
    fc.tuple(outcome, renderContext, fc.boolean()),
    ([o, ctx, compact]) => ({
      card: renderOutcome(o, ctx, compact),
      ctx,
    }),
  ),
  // What a user types comes back in the help and "invalid" cards: the answer to any command text.
  // The top-level text is left out for now: invalidCard puts the message there unescaped (known issue).
  cardCase('help / invalid card for any command text', slackText, (text) => {
    const parsed = parseCommand(text, { defaultRegion: 'GB', links });
    if (parsed.kind === 'help') {
      return {
        card: helpCard(COMMANDS, parsed.reason === 'unknown' ? { unknown: parsed.unknown ?? '' } : {}),
      };
    }
    return { card: invalidCard(parsed.kind === 'invalid' ? parsed.message : 'not a card case') };
  }),
];

describe('every card, for any data', () => {
  for (const c of CASES) it(`${c.name}: within Block Kit limits, no token from data`, c.check);
});

// Found by the properties above; kept as regression tests.
describe('fixed issues', () => {
  it('invalidCard keeps user text out of the top-level text as a token', () => {
    const parsed = parseCommand('phone &lt;!channel&gt;', { defaultRegion: 'GB', links });
    const card = invalidCard(parsed.kind === 'invalid' ? parsed.message : '');
    expect(foreignTokens(card)).toEqual([]);
  });

  it('slackDate makes no date token from a start that is not ISO-8601', () => {
    expect(slackDate('60')).not.toMatch(/^<!date/);
    expect(slackDate('Tue 12')).not.toMatch(/^<!date/);
    expect(slackDate('2025-06-20T10:30:00.123Z')).toMatch(/^<!date\^1750415400\^/);
  });
});
