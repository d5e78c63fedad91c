import { describe, expect, it } from 'vitest';
import { parseSubscriptionCommand } from '../../src/parse/subscribe.js';
import { GB } from './fixtures.js';

describe('parseSubscriptionCommand', () => {
  it.each([
    [
      'subscribe +44 20 7946 0958',
      { kind: 'subscribe', target: { kind: 'phone', phone: '442079460958', display: '+44 20 7946 0958' } },
    ],
    [
      'Subscribe 07700 900461',
      { kind: 'subscribe', target: { kind: 'phone', phone: '447700900461', display: '+44 7700 900461' } },
    ],
    [
      'subscribe <tel:+442079460958|020 7946 0958>',
      { kind: 'subscribe', target: { kind: 'phone', phone: '442079460958', display: '+44 20 7946 0958' } },
    ],
    ['subscribe person 42', { kind: 'subscribe', target: { kind: 'person', id: 42 } }],
    ['subscribe person “Jane Smith”', { kind: 'subscribe', target: { kind: 'person', query: 'Jane Smith' } }],
    [
      'subscribe jane.smith@example.com',
      { kind: 'subscribe', target: { kind: 'person', query: 'jane.smith@example.com' } },
    ],
    ['subscriptions', { kind: 'subscriptions' }],
    ['unsubscribe all', { kind: 'unsubscribe', which: 'all' }],
    ['unsubscribe 2', { kind: 'unsubscribe', which: [2] }],
    ['unsubscribe 3, #1 3', { kind: 'unsubscribe', which: [3, 1] }],
  ])('%j', (text, expected) => {
    expect(parseSubscriptionCommand(text, GB)).toEqual(expected);
  });

  it.each([
    ['subscribe', /Tell me what to follow/],
    ['subscribe retention', /phone number or a person/],
    ['subscribe recording 123', /phone number or a person/],
    ['subscribe 12ab', /phone number or a person, not “12ab”/],
    ['subscribe 0770 090', /doesn’t look like a phone number/],
    ['unsubscribe', /Say which subscription/],
    ['unsubscribe two', /Say which subscription/],
    ['unsubscribe 0', /Say which subscription/],
    [`unsubscribe ${'1 '.repeat(60)}`, /Say which subscription/],
  ])('%j is refused with a reason', (text, message) => {
    expect(parseSubscriptionCommand(text, GB)).toEqual({
      kind: 'invalid',
      message: expect.stringMatching(message),
    });
  });

  it('leaves every other command to the lookup grammar', () => {
    for (const text of ['+44 7700 900123', 'person 1', 'help', 'subscriber 1', ''])
      expect(parseSubscriptionCommand(text, GB)).toBeNull();
  });
});
