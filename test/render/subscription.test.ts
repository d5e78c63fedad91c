import { describe, expect, it } from 'vitest';
import type { Recording } from '../../src/domain/focus.js';
import { makePortalLinks } from '../../src/domain/links.js';
import type { Subscription } from '../../src/domain/subscription.js';
import {
  deliveryStoppedCard,
  moreRecordingsCard,
  newRecordingCard,
  subscribedCard,
  subscriptionsCard,
  unsubscribedCard,
} from '../../src/render/subscription.js';
import { cardToText } from '../../src/render/text.js';

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
    const card = newRecordingCard(phoneSub, recording, new Set(['447700900123']), links);
    expect(card.text).toBe('New recording 500123 of +44 7700 900123');
    const text = cardToText(card);
    expect(text).toContain('↙ in');
    expect(text).toContain('1m 35s');
    expect(text).toContain('with +1 212 555 0199');
    expect(text).toContain('https://p.test/recordings/500123');
  });

  it('a person’s recording names the others, and a hostile name forms no mention anywhere', () => {
    const card = newRecordingCard(personSub, recording, new Set(['447700900123']), links);
    expect(cardToText(card)).toContain('with Zoë Ó Súilleabháin');
    for (const c of [
      card,
      subscribedCard(personSub, true, 1),
      subscriptionsCard([personSub]),
      unsubscribedCard([personSub], 'U9'),
      moreRecordingsCard(personSub, 4),
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
    expect(moreRecordingsCard(phoneSub, 1).text).toBe('and 1 more new recordings of +44 7700 900123');
  });
});
