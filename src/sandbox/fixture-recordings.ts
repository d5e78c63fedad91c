/** Fixture recordings (ids 500001-500014) and their comments, at fixed offsets before `now`. */
import { makeComment, makeRecording, type Party, type TimeStyle } from './build.js';
import { FIXTURES as F } from './fixtures.js';
import { COMMENT_TAGS, COMMENT_TEXTS } from './names.js';
import type { Roster } from './roster.js';
import type { Direction, MediaType, WireComment, WireRecording } from './types.js';

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

function party(dir: Roster, value: string): Party {
  const ep = dir.endpoints.find((e) => e.endpoint === value);
  if (!ep) return { ref: { endpoint: value, type: value.includes('@') ? 'email' : 'phone' } };
  return {
    ref: { id: ep.id, endpoint: ep.endpoint, type: ep.type },
    person: { id: ep.person.id, fullName: ep.person.fullName },
  };
}

export function fixtureRecordings(dir: Roster, nowMs: number): WireRecording[] {
  const hour = 3_600_000;
  return ROWS.map(([hoursAgo, mediaType, direction, from, to, durationSeconds], i) =>
    makeRecording({
      id: 500_001 + i,
      startMs: Math.floor((nowMs - hoursAgo * hour) / 1000) * 1000 + (i % 3 === 1 ? 250 : 0),
      durationSeconds,
      direction,
      mediaType,
      parties: [party(dir, from), party(dir, to)],
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
  const first = [
    makeComment({
      id: 1,
      text: '<!channel> listen to this *now* & tell <@U999> — <https://evil.example|safe link>',
      createdMs: nowMs - 1800_000,
      username: F.users.jane.username,
      startOffset: 10,
      endOffset: 25,
      tags: ['flagged'],
    }),
    makeComment({
      id: 2,
      text: 'Reviewed: no issues found.',
      createdMs: nowMs - 900_000,
      username: usernames[2] ?? F.users.jane.username,
      startOffset: 0,
      endOffset: 95,
      tags: ['reviewed'],
    }),
  ];
  const many: WireComment[] = [];
  for (let i = 0; i < F.manyComments.commentCount; i++) {
    many.push(
      makeComment({
        id: 3 + i,
        text: `${COMMENT_TEXTS[i % COMMENT_TEXTS.length]} (#${i + 1})`,
        createdMs: nowMs - 9 * 3_600_000 + i * 60_000,
        username: usernames[i % usernames.length] ?? F.users.jane.username,
        startOffset: i * 20,
        endOffset: i * 20 + 15,
        tags: i % 5 === 0 ? [COMMENT_TAGS[i % COMMENT_TAGS.length] ?? 'ok'] : [],
      }),
    );
  }
  return { 500001: first, [F.manyComments.recordingId]: many };
}
