/**
 * Cards for records that carry only the documented fields (what the `bare` tenant profile
 * sends): a field Focus did not send is left off the card, never shown as a placeholder.
 */
import { describe, expect, it } from 'vitest';
import type { Person, Recording } from '../../src/domain/focus.js';
import { makePortalLinks } from '../../src/domain/links.js';
import type { Card } from '../../src/render/blocks.js';
import { retentionCard } from '../../src/render/lists.js';
import { personCard } from '../../src/render/person.js';
import { recordingCard } from '../../src/render/recording.js';
import { cardToText } from '../../src/render/text.js';

const links = makePortalLinks({
  portal: 'https://uk.focus.example',
  recordingTemplate: '{portal}/recordings/{id}',
  personTemplate: '{portal}/people/{id}',
});
const ctx = { links, askerId: 'U1' };

/** The labels of a card's field sections (`*Start*\n...` -> `Start`). */
const fieldLabels = (card: Card): string[] =>
  card.blocks.flatMap((b) =>
    b.type === 'section' ? (b.fields ?? []).map((f) => /^\*([^*]+)\*/.exec(f.text)?.[1] ?? '') : [],
  );

const bareRecording: Recording = {
  id: 123,
  start: '2025-06-20T10:30:00Z',
  endpoints: [{ value: '447896423595', type: 'phone' }],
  people: [],
  thirdPartyId: 'CUCM-1',
  tags: [],
};

describe('recording card', () => {
  const card = (recording: Recording) =>
    recordingCard(
      { kind: 'recording', recording, comments: [], names: { '447896423595': 'Jane Smith' } },
      { kind: 'recording', id: recording.id },
      ctx,
    );

  it('leaves off duration, media and direction when Focus did not send them', () => {
    const c = card(bareRecording);
    expect(fieldLabels(c)).toEqual(['Start', 'Participants', 'Third-party id']);
    const text = cardToText(c);
    expect(text).not.toContain('—');
    expect(text).not.toContain('unknown');
    expect(text).toContain('+44 7896 423595 (Jane Smith)');
  });

  it('shows each of them when it is there', () => {
    const full = card({ ...bareRecording, durationSeconds: 192, mediaType: 'sms', direction: 'inbound' });
    expect(fieldLabels(full)).toEqual([
      'Start',
      'Duration',
      'Media',
      'Direction',
      'Participants',
      'Third-party id',
    ]);
    expect(fieldLabels(card({ ...bareRecording, direction: 'outbound' }))).toContain('Direction');
    expect(fieldLabels(card({ ...bareRecording, durationSeconds: 0 }))).toContain('Duration');
  });
});

describe('person card', () => {
  const card = (person: Person) =>
    personCard(
      { kind: 'person', person, recordings: { items: [], total: 0, page: 1, pageSize: 5 } },
      { kind: 'person', id: person.id },
      ctx,
    );

  it('with neither numbers nor emails: no Phones or Emails fields', () => {
    const c = card({ id: 8, fullName: 'Ghost Contact', endpoints: [] });
    expect(fieldLabels(c)).toEqual([]);
    expect(cardToText(c)).not.toContain('—');
  });

  it('shows only the kinds it has', () => {
    const phones = card({
      id: 1,
      fullName: 'Jane Smith',
      endpoints: [{ value: '447897897897', type: 'phone' }],
    });
    expect(fieldLabels(phones)).toEqual(['Phones']);
    const emails = card({ id: 1, fullName: 'Jane Smith', email: 'jane@example.com', endpoints: [] });
    expect(fieldLabels(emails)).toEqual(['Emails']);
    expect(cardToText(emails)).toContain('jane@example.com');
  });
});

describe('retention card', () => {
  it('a group with only id and name is one line, with no empty line under it', () => {
    const c = retentionCard(
      { kind: 'retention', groups: [{ id: 1, name: 'Default', properties: {} }] },
      { kind: 'retention' },
      ctx,
    );
    const section = c.blocks.find((b) => b.type === 'section');
    expect(section?.type === 'section' && section.text?.text).toBe('*Default* (id 1)');
  });

  it('still lists the properties it has', () => {
    const c = retentionCard(
      {
        kind: 'retention',
        groups: [{ id: 2, name: 'MiFID', properties: { default: false, retentionDays: { call: 2555 } } }],
      },
      { kind: 'retention' },
      ctx,
    );
    expect(cardToText(c)).toContain('default: false · retentionDays: call 2555');
  });
});
