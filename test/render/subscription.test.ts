import { describe, expect, it } from 'vitest';
import type { Recording } from '../../src/domain/focus.js';
import { makePortalLinks } from '../../src/domain/links.js';
import type { Subscription } from '../../src/domain/subscription.js';
import { LIMITS } from '../../src/render/limits.js';
import {
  deliveryStoppedCard,
  moreRecordingsCard,
  newRecordingCard,
  subscribedCard,
  subscriptionsCard,
  tunedCard,
  unsubscribedCard,
} from '../../src/render/subscription.js';
import { cardToText } from '../../src/render/text.js';
import { foreignTokens, limitProblems } from '../property/limits.js';

const links = makePortalLinks({
  portal: 'https://p.test',
  recordingTemplate: '{portal}/recordings/{id}',
  personTemplate: '{portal}/people/{id}',
});
const hostile = '<!channel> *Bob* & <@U123>';
const bySub = (target: Subscription['target']): Subscription => ({
  id: 7,
  team: 'T1',
  channel: 'C1',
  target,
  createdBy: 'U9',
  createdAt: '2026-11-28T10:00:00.000Z',
  paused: undefined,
});
const phoneSub = bySub({ kind: 'phone', phone: '447700900123', display: '+44 7700 900123' });
const personSub = bySub({ kind: 'person', personId: 3, name: hostile });
const recording: Recording = {
  id: 500123,
  start: '2026-11-28T10:05:00Z',
  durationSeconds: 95,
  direction: 'inbound',
  endpoints: [
    { value: '447700900123', type: 'phone' },
    { value: '12125550199', type: 'phone' },
  ],
  people: [
    { id: 3, fullName: hostile },
    { id: 4, fullName: 'Zoë Ó Súilleabháin' },
  ],
  tags: [],
};
/** Every mrkdwn and fallback text of a card. */
const texts = (card: { text: string; blocks: unknown[] }) => JSON.stringify(card);

describe('subscription cards', () => {
  it('a new recording: the id in the fallback text, when, which way, the other party, Open in Focus', () => {
    const card = newRecordingCard([phoneSub], recording, new Set(['447700900123']), links);
    expect(card.text).toBe('New recording 500123 of +44 7700 900123');
    const text = cardToText(card);
    expect(text).toContain('↙ in');
    expect(text).toContain('1m 35s');
    expect(text).toContain('with +1 212 555 0199');
    expect(text).toContain('https://p.test/recordings/500123');
  });

  it('a person’s recording names the others, and a hostile name forms no mention anywhere', () => {
    const card = newRecordingCard([personSub], recording, new Set(['447700900123']), links);
    expect(cardToText(card)).toContain('with Zoë Ó Súilleabháin');
    for (const c of [
      card,
      subscribedCard(personSub, true, 1),
      subscriptionsCard([personSub]),
      unsubscribedCard([personSub], 'U9'),
      moreRecordingsCard([personSub], 4),
      deliveryStoppedCard(personSub, 'is_archived'),
    ]) {
      expect(texts(c)).not.toContain('<!channel>');
      expect(texts(c)).not.toContain('<@U123>');
    }
  });

  it('the command replies say who, what and how to stop', () => {
    expect(cardToText(subscribedCard(phoneSub, true, 2))).toContain('`/focus unsubscribe 2`');
    expect(cardToText(subscribedCard(phoneSub, false, 2))).toContain('already follows +44 7700 900123');
    expect(cardToText(subscriptionsCard([]))).toContain('follows nothing yet');
    expect(cardToText(unsubscribedCard([], 'U9'))).toContain('nothing to unsubscribe');
    expect(moreRecordingsCard([phoneSub], 1).text).toBe('and 1 more new recordings of +44 7700 900123');
  });
});

describe('filters, format, who and since when', () => {
  const tuned: Subscription = {
    ...phoneSub,
    filters: { directions: ['inbound', 'internal'], longerThanSeconds: 90 },
    format: 'compact',
  };

  it('the list: who made each and since when, its filters and format, how to change them', () => {
    const text = cardToText(subscriptionsCard([tuned, { ...personSub, id: 8 }]));
    expect(text).toContain(
      '1. +44 7700 900123 · by <@U9> since 2026-11-28 10:00 UTC · inbound or internal · longer than 1m30s · compact',
    );
    expect(text).toMatch(/2\. .*\(person 3\) · by <@U9> since 2026-11-28 10:00 UTC\n/);
    expect(text).toContain('Subscribe again with other filters');
  });

  it('subscribing says the filters and format; a change says who changed what, and to what', () => {
    expect(cardToText(subscribedCard(tuned, true, 2))).toContain(
      'subscribed this channel to +44 7700 900123 (inbound or internal · longer than 1m30s · compact): each new recording',
    );
    const changed = tunedCard(tuned, 2, 'U2');
    expect(changed.text).toBe('Subscription changed: +44 7700 900123');
    expect(cardToText(changed)).toContain(
      '<@U2> changed what this channel gets of +44 7700 900123 (subscription 2, by <@U9> since 2026-11-28 10:00 UTC): now inbound or internal · longer than 1m30s · compact.',
    );
    expect(cardToText(tunedCard(phoneSub, 2, 'U2'))).toContain('now every recording, as a card.');
  });

  it('at the worst case (50 subscriptions, longest names and filters, all paused) the list is whole and within limits', () => {
    const longName = `${'Maximiliana Wolfeschlegelsteinhausenbergerdorff '.repeat(6)}${hostile}`;
    const subs = Array.from(
      { length: 50 },
      (_, i): Subscription => ({
        ...tuned,
        id: i + 1,
        createdBy: `W${'Z'.repeat(30)}`,
        target:
          i % 2 === 0
            ? { kind: 'person', personId: 1_000_000_000_000 - i, name: longName }
            : { kind: 'phone', phone: '447700900123', display: `+44 7700 900123 ${'9'.repeat(80)}` },
        filters: { directions: ['inbound', 'outbound', 'internal'], longerThanSeconds: 86_399 },
        paused: { reason: 'subscriber_lacks_right', at: '2026-11-29T10:00:00.000Z' },
      }),
    );
    const card = subscriptionsCard(subs);
    expect(limitProblems(card)).toEqual([]);
    expect(card.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    expect(foreignTokens(card, [/^<!date\^\d+\^[^|<>]+\|[^<>]*>$/, /^<@W[A-Z0-9]+>$/])).toEqual([]);
    // Nothing was cut: every line is there, whole.
    const text = cardToText(card);
    for (let n = 1; n <= 50; n++)
      expect(text).toMatch(
        new RegExp(
          `(^|\\n)${n}\\. .* · compact · paused: the subscriber no longer holds the Focus right to see recordings(\\n|$)`,
        ),
      );
    expect(JSON.stringify(card)).not.toContain('left out to fit');
  });
});

describe('a new recording: one post for every subscription of the channel it is news for', () => {
  const compact = (sub: Subscription): Subscription => ({ ...sub, format: 'compact' });

  it('compact: one line (when, which way, how long, the other party, the id) and Open', () => {
    const card = newRecordingCard([compact(phoneSub)], recording, new Set(['447700900123']), links);
    expect(card.text).toBe('Recording 500123 of +44 7700 900123');
    expect(card.blocks).toHaveLength(1);
    const text = cardToText(card);
    expect(text).not.toContain('New recording');
    expect(text.split('\n')[0]).toMatch(/ · ↙ in · 1m 35s · with \+1 212 555 0199 {2}\(#500123\)/);
    expect(text).toContain('https://p.test/recordings/500123');
    expect(limitProblems(card)).toEqual([]);
  });

  it('two subscriptions: named both (matches: …); the full card unless both are compact', () => {
    const both = newRecordingCard([phoneSub, personSub], recording, new Set(['447700900123']), links);
    expect(both.text).toBe(
      'New recording 500123 of +44 7700 900123, &lt;!channel&gt; *Bob* &amp; &lt;@U123&gt;',
    );
    const text = cardToText(both);
    expect(text).toContain('New recording · matches: +44 7700 900123, ');
    expect(text).toContain('(person 3)');
    // With a person among them, the other party is whoever is not that person.
    expect(text).toContain('with Zoë Ó Súilleabháin');
    expect(texts(both)).not.toContain('<@U123>');
    const mixed = newRecordingCard([compact(phoneSub), personSub], recording, new Set(), links);
    expect(mixed.text).toMatch(/^New recording 500123/);
    const compactBoth = newRecordingCard(
      [compact(phoneSub), compact(personSub)],
      recording,
      new Set(),
      links,
    );
    expect(compactBoth.text).toMatch(/^Recording 500123/);
    expect(cardToText(compactBoth)).toContain(' · matches: +44 7700 900123, ');
    expect(cardToText(moreRecordingsCard([phoneSub, personSub], 3))).toContain(
      '…and 3 more new recordings of +44 7700 900123, ',
    );
  });

  it('a length from the end when Focus gives no duration; a direction in any case', () => {
    const { durationSeconds: _, ...rest } = recording;
    const card = newRecordingCard(
      [phoneSub],
      { ...rest, direction: 'Outbound', end: '2026-11-28T10:07:31Z' },
      new Set(['447700900123']),
      links,
    );
    expect(cardToText(card)).toContain('↗ out · 2m 31s');
  });
});
