/**
 * Hand-made records with stable ids (the same for every seed), for tests and docs: people 1-9,
 * endpoints 10001-10031, recordings 500001-500014 at fixed offsets before `now`, comments 1-62.
 */
import { asEmail, asPhone, isoUtc, makeRecording, partyOf, type Roster, type TimeStyle } from './build.js';
import { COMMENT_TAGS, COMMENT_TEXTS } from './names.js';
import type { Direction, MediaType, WireComment, WireRecording } from './types.js';

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
    [asPhone(F.jane.phone), asPhone(F.jane.phone2), asEmail(F.jane.email)],
  );
  dir.addPerson({ ...contact, fullName: F.hostile.fullName, jobTitle: '*CEO* & <b>founder</b>' }, [
    asPhone(F.hostile.phone),
  ]);
  dir.addPerson(
    { ...staff, fullName: F.accented.fullName, email: F.accented.email, department: 'Compliance' },
    [asPhone(F.accented.phone), asEmail(F.accented.email)],
  );
  dir.addPerson(
    { ...staff, fullName: 'Seán Murphy', email: 'sean.murphy@example.com', department: 'Sales' },
    [asPhone(F.sharedNumber.phone), asEmail('sean.murphy@example.com')],
  );
  dir.addPerson({ ...contact, fullName: 'Aoife Byrne', email: 'aoife.byrne@client.example' }, [
    asPhone(F.sharedNumber.phone),
  ]);
  dir.addPerson({ ...contact, fullName: F.longName.fullName }, [asPhone(F.longName.phone)]);
  const many = [
    ...['447912000101', '447912000102', '447897000103', '447400000104', '447766000105', '447831000106'],
    ...['12125550101', '16465550102', '353831000107', '353891000108'],
  ].map(asPhone);
  const manyEmails = Array.from({ length: 10 }, (_, i) => asEmail(`priya.${i + 1}@example.com`));
  dir.addPerson({ ...staff, fullName: F.manyEndpoints.fullName, email: 'priya.1@example.com' }, [
    ...many,
    ...manyEmails,
  ]);
  dir.addPerson({ ...contact, fullName: F.noEndpoints.fullName }, []);
  dir.addPerson({ ...staff, fullName: F.emojiName.fullName, department: 'Trading' }, [
    asPhone(F.emojiName.phone),
  ]);
  dir.usedNumbers.add(F.unknownNumber);
  dir.skipTo(F.firstGeneratedPersonId, F.firstGeneratedEndpointId);
}

type Row = [hoursAgo: number, media: MediaType, dir: Direction, from: string, to: string, secs: number];

const J = F.jane;
const ROWS: Row[] = [
  [1, 'call', 'outbound', J.phone, F.hostile.phone, 95],
  [5, 'call', 'inbound', F.unknownNumber, J.phone, 40],
  [26, 'sms', 'outbound', J.phone2, F.sharedNumber.phone, 0],
  [30, 'teams', 'internal', J.email, F.accented.email, 1800],
  [50, 'call', 'internal', J.phone, F.accented.phone, 312],
  [75, 'call', 'inbound', F.longName.phone, J.phone2, 61],
  [100, 'call', 'outbound', J.phone, '447912000101', 128],
  [170, 'call', 'inbound', F.hostile.phone, J.phone, 22],
  [300, 'sms', 'inbound', F.unknownNumber, J.phone2, 0],
  [500, 'call', 'outbound', J.phone, F.hostile.phone, 745],
  [900, 'call', 'inbound', F.sharedNumber.phone, J.phone, 2400],
  [1500, 'teams', 'internal', J.email, 'priya.3@example.com', 3600],
  // 500013: the 60-comment recording; 500014: the emoji desk calling an unknown number.
  [10, 'call', 'inbound', F.hostile.phone, F.accented.phone, 1200],
  [200, 'call', 'outbound', F.emojiName.phone, F.unknownNumber, 300],
];

const STYLES: TimeStyle[] = ['seconds', 'millis', 'ticks'];

export function fixtureRecordings(dir: Roster, nowMs: number): WireRecording[] {
  const hour = 3_600_000;
  return ROWS.map(([hoursAgo, mediaType, direction, from, to, durationSeconds], i) =>
    makeRecording({
      id: 500_001 + i,
      startMs: Math.floor((nowMs - hoursAgo * hour) / 1000) * 1000 + (i % 3 === 1 ? 250 : 0),
      durationSeconds,
      direction,
      mediaType,
      parties: [from, to].map((v) =>
        partyOf(
          dir.endpoints.find((e) => e.endpoint === v),
          v,
        ),
      ),
      tags: i % 4 === 0 ? ['vip', 'trade'] : i === 9 ? ['complaint'] : [],
      thirdPartyId:
        mediaType === 'teams' ? `TEAMS-fixture-${i + 1}` : `CUCM-FIXTURE-${String(i + 1).padStart(4, '0')}`,
      hasTranscript: mediaType !== 'sms',
      retentionGroupId: i === 10 ? F.retentionGroups.legalHoldId : F.retentionGroups.defaultId,
      style: STYLES[i % 3] ?? 'seconds',
      ticks: '4567',
    }),
  );
}

/** Comments 1-62: two on Jane's newest recording, sixty on `FIXTURES.manyComments`. */
export function fixtureComments(nowMs: number, usernames: readonly string[]): Record<number, WireComment[]> {
  const at = (ms: number) => isoUtc(ms, 'seconds');
  const jane = F.users.jane.username;
  const first: WireComment[] = [
    {
      id: 1,
      comment: '<!channel> listen to this *now* & tell <@U999> — <https://evil.example|safe link>',
      createdDatetimeUTC: at(nowMs - 1800_000),
      username: jane,
      startOffset: 10,
      endOffset: 25,
      tags: ['flagged'],
    },
    {
      id: 2,
      comment: 'Reviewed: no issues found.',
      createdDatetimeUTC: at(nowMs - 900_000),
      username: usernames[2] ?? jane,
      startOffset: 0,
      endOffset: 95,
      tags: ['reviewed'],
    },
  ];
  const many = Array.from({ length: F.manyComments.commentCount }, (_, i) => ({
    id: 3 + i,
    comment: `${COMMENT_TEXTS[i % COMMENT_TEXTS.length]} (#${i + 1})`,
    createdDatetimeUTC: at(nowMs - 9 * 3_600_000 + i * 60_000),
    username: usernames[i % usernames.length] ?? jane,
    startOffset: i * 20,
    endOffset: i * 20 + 15,
    tags: i % 5 === 0 ? [COMMENT_TAGS[i % COMMENT_TAGS.length] ?? 'ok'] : [],
  }));
  return { 500001: first, [F.manyComments.recordingId]: many };
}
