/**
 * Hand-made records with stable ids (the same for every seed), for tests and docs.
 * Ids: people 1-9, endpoints 10001-10031, recordings 500001-500014, comments 1-62.
 */
import type { Roster } from './roster.js';
import type { EndpointType } from './types.js';

const HOSTILE_NAME = '<!channel> *Bob* & <@U123> <https://evil.example|click>';
const LONG_NAME = 'Hubert Blaine Wolfeschlegelsteinhausenbergerdorff Sr. '.repeat(6).slice(0, 300);

export const FIXTURES = {
  /** Default data instant and seed (the CLI uses the current time instead). */
  now: '2026-11-01T12:00:00.000Z',
  seed: 42,
  jane: {
    personId: 1,
    fullName: 'Jane Smith',
    email: 'jane.smith@example.com',
    /** Ofcom drama number: libphonenumber-js reports it invalid. */
    phone: '447700900123',
    phone2: '447897897897',
    phoneEndpointId: 10001,
    phone2EndpointId: 10002,
    emailEndpointId: 10003,
    recordingCount: 12,
    /** Newest first. */
    recordingIds: [
      500001, 500002, 500003, 500004, 500005, 500006, 500007, 500008, 500009, 500010, 500011, 500012,
    ],
  },
  hostile: { personId: 2, fullName: HOSTILE_NAME, phone: '442079460958', endpointId: 10004 },
  accented: {
    personId: 3,
    fullName: 'Zoë Ó Súilleabháin',
    phone: '353861234567',
    email: 'zoe.osuilleabhain@example.com',
  },
  /** One number, two owners (a subscriber and a contact). */
  sharedNumber: { phone: '353871234567', personIds: [4, 5], endpointIds: [10007, 10009] },
  longName: { personId: 6, fullName: LONG_NAME, phone: '441614960123' },
  manyEndpoints: { personId: 7, fullName: 'Priya Patel-Nakamura 📞', endpointCount: 20 },
  noEndpoints: { personId: 8, fullName: 'Ghost Contact' },
  emojiName: { personId: 9, fullName: '🎧 Trading Desk 🚀', phone: '442079460100' },
  /** Owned by nobody, yet on recordings (Jane's and generated ones). */
  unknownNumber: '12125550199',
  manyComments: { recordingId: 500013, commentCount: 60 },
  firstGeneratedPersonId: 100,
  firstGeneratedEndpointId: 10_101,
  firstGeneratedRecordingId: 1_000_001,
  users: {
    jane: { id: 1, username: 'jane.smith@example.com' },
    disabled: { id: 2, username: 'former.employee@example.com' },
    /** A desk head who may see people and numbers but no recordings (no `Recording.View`). */
    viewer: { id: 21, username: 'desk.viewer@example.com' },
  },
  retentionGroups: { defaultId: 1, legalHoldId: 4 },
} as const;

const F = FIXTURES;

/** Adds fixture people 1-9 (and their endpoints) to an empty directory. */
export function addFixturePeople(dir: Roster): void {
  const phone = (endpoint: string) => ({ endpoint, type: 'phone' as const });
  const email = (endpoint: string) => ({ endpoint, type: 'email' as const });
  const staff = { personType: 'subscriber' as const };
  const contact = { personType: 'contact' as const };
  dir.addPerson(
    {
      ...staff,
      fullName: F.jane.fullName,
      email: F.jane.email,
      jobTitle: 'Senior Trader',
      department: 'Trading',
    },
    [phone(F.jane.phone), phone(F.jane.phone2), email(F.jane.email)],
  );
  dir.addPerson({ ...contact, fullName: F.hostile.fullName, jobTitle: '*CEO* & <b>founder</b>' }, [
    phone(F.hostile.phone),
  ]);
  dir.addPerson(
    { ...staff, fullName: F.accented.fullName, email: F.accented.email, department: 'Compliance' },
    [phone(F.accented.phone), email(F.accented.email)],
  );
  dir.addPerson(
    { ...staff, fullName: 'Seán Murphy', email: 'sean.murphy@example.com', department: 'Sales' },
    [phone(F.sharedNumber.phone), email('sean.murphy@example.com')],
  );
  dir.addPerson({ ...contact, fullName: 'Aoife Byrne', email: 'aoife.byrne@client.example' }, [
    phone(F.sharedNumber.phone),
  ]);
  dir.addPerson({ ...contact, fullName: F.longName.fullName }, [phone(F.longName.phone)]);
  const many: { endpoint: string; type: EndpointType }[] = [
    ...['447912000101', '447912000102', '447897000103', '447400000104', '447766000105', '447831000106'],
    ...['12125550101', '16465550102', '353831000107', '353891000108'],
  ].map(phone);
  for (let i = 1; i <= 10; i++) many.push(email(`priya.${i}@example.com`));
  dir.addPerson({ ...staff, fullName: F.manyEndpoints.fullName, email: 'priya.1@example.com' }, many);
  dir.addPerson({ ...contact, fullName: F.noEndpoints.fullName }, []);
  dir.addPerson({ ...staff, fullName: F.emojiName.fullName, department: 'Trading' }, [
    phone(F.emojiName.phone),
  ]);
  dir.usedNumbers.add(F.unknownNumber);
  dir.skipTo(F.firstGeneratedPersonId, F.firstGeneratedEndpointId);
}
