import { describe, expect, it } from 'vitest';
import { typedByPerson } from '../../src/slack/surfaces/mention.js';
import { messageChanged, messageChangedWithoutTs } from '../fixtures/slack-events.js';

const eventOf = (payload: { event: Record<string, unknown> }) => payload.event;

describe('typedByPerson: which thread an edit answers in', () => {
  it("the edited message's own ts, when the edit carries it", () => {
    expect(typedByPerson(eventOf(messageChanged('C1', 'a', 'b')), 'UBOT')).toMatchObject({
      thread: '1355517523.000005',
      text: 'b',
      previousText: 'a',
    });
  });

  it("previous_message's ts when message has none (bolt-python's fixture)", () => {
    expect(typedByPerson(eventOf(messageChangedWithoutTs('C1', 'a', 'b')), 'UBOT')).toMatchObject({
      user: 'U1',
      thread: '1665102338.901939',
      text: 'b',
      previousText: 'a',
    });
  });

  it("the edited reply's thread_ts when present, even without a ts", () => {
    const event = eventOf(messageChangedWithoutTs('C1', 'a', 'b'));
    (event.message as Record<string, unknown>).thread_ts = '1665100000.000100';
    expect(typedByPerson(event, 'UBOT')?.thread).toBe('1665100000.000100');
  });

  it('nothing to thread under at all: ignored', () => {
    const event = eventOf(messageChangedWithoutTs('C1', 'a', 'b'));
    delete (event.previous_message as Record<string, unknown>).ts;
    expect(typedByPerson(event, 'UBOT')).toBeUndefined();
  });
});
