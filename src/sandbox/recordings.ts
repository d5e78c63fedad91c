/** Generated recordings: calls, SMS and Teams meetings over the 90 days before `now`. */
import { makeRecording, type Party, type TimeStyle } from './build.js';
import { FIXTURES as F } from './fixtures.js';
import { RECORDING_TAGS } from './names.js';
import type { Rng } from './random.js';
import type { Roster } from './roster.js';
import type { Direction, MediaType, WireEndpoint, WireRecording } from './types.js';

export const GENERATED_RECORDINGS = 5400;
export const WINDOW_DAYS = 90;
const DAY = 86_400_000;

interface Pools {
  staffPhones: WireEndpoint[];
  staffEmails: WireEndpoint[];
  contactPhones: WireEndpoint[];
  contactEmails: WireEndpoint[];
  unknownNumbers: string[];
}

/** Endpoints of generated people only, so fixture recording counts stay exact. */
function pools(dir: Roster, rng: Rng): Pools {
  const gen = dir.endpoints.filter((e) => e.person.id >= F.firstGeneratedPersonId);
  const of = (type: string, personType: string) =>
    gen.filter((e) => e.type === type && e.person.personType === personType);
  const unknownNumbers: string[] = [F.unknownNumber];
  for (let i = 0; i < 40; i++)
    unknownNumbers.push(dir.newNumber(rng, rng.pick(['ukMobile', 'us', 'ieMobile'])));
  return {
    staffPhones: of('phone', 'subscriber'),
    staffEmails: of('email', 'subscriber'),
    contactPhones: of('phone', 'contact'),
    contactEmails: of('email', 'contact'),
    unknownNumbers,
  };
}

const party = (ep: WireEndpoint): Party => ({
  ref: { id: ep.id, endpoint: ep.endpoint, type: ep.type },
  person: { id: ep.person.id, fullName: ep.person.fullName },
});

/** A start time in the window, mostly weekday business hours (UTC). */
function startTime(rng: Rng, nowMs: number): number {
  const dayZero = Math.floor(nowMs / DAY) * DAY;
  for (;;) {
    const day = dayZero - rng.int(0, WINDOW_DAYS) * DAY;
    const weekday = new Date(day).getUTCDay();
    if ((weekday === 0 || weekday === 6) && !rng.chance(0.15)) continue;
    const hour = rng.chance(0.9) ? rng.int(7, 18) : rng.int(0, 23);
    const t = day + hour * 3_600_000 + rng.int(0, 3_599_999);
    if (t < nowMs && t > nowMs - WINDOW_DAYS * DAY) return t;
  }
}

function duration(rng: Rng, media: MediaType): number {
  if (media === 'sms') return 0;
  const skew = -Math.log(1 - rng.next());
  if (media === 'teams') return Math.min(5400, 300 + Math.floor(skew * 1200));
  return Math.min(2400, 20 + Math.floor(skew * 150));
}

export function generateRecordings(
  dir: Roster,
  rng: Rng,
  nowMs: number,
  retention: Map<number, number>,
): WireRecording[] {
  const p = pools(dir, rng);
  const specs = [];
  const thirdPartyIds = new Set<string>();
  for (let i = 0; i < GENERATED_RECORDINGS; i++) {
    const u = rng.next();
    const mediaType: MediaType = u < 0.75 ? 'call' : u < 0.9 ? 'sms' : 'teams';
    const teams = mediaType === 'teams';
    const staff = rng.pick(teams ? p.staffEmails : p.staffPhones);
    const r = rng.next();
    let other: Party;
    let direction: Direction;
    if (r < 0.15 || (teams && r < 0.7)) {
      let peer = rng.pick(teams ? p.staffEmails : p.staffPhones);
      if (peer.id === staff.id) peer = rng.pick(teams ? p.staffEmails : p.staffPhones);
      other = party(peer);
      direction = 'internal';
    } else {
      direction = rng.chance(0.5) ? 'inbound' : 'outbound';
      other =
        r < 0.85 || teams
          ? party(rng.pick(teams ? p.contactEmails : p.contactPhones))
          : { ref: { endpoint: rng.pick(p.unknownNumbers), type: 'phone' } };
    }
    const parties = direction === 'inbound' ? [other, party(staff)] : [party(staff), other];
    const s = rng.next();
    const style: TimeStyle = s < 0.7 ? 'seconds' : s < 0.95 ? 'millis' : 'ticks';
    let tpid = thirdPartyId(rng, mediaType);
    while (thirdPartyIds.has(tpid)) tpid = thirdPartyId(rng, mediaType);
    thirdPartyIds.add(tpid);
    const tags = rng.chance(0.3) ? rng.shuffle(RECORDING_TAGS).slice(0, rng.int(1, 2)) : [];
    specs.push({
      startMs: startTime(rng, nowMs),
      durationSeconds: duration(rng, mediaType),
      direction,
      mediaType,
      parties,
      tags,
      thirdPartyId: tpid,
      hasTranscript: mediaType === 'sms' ? true : rng.chance(0.6),
      retentionGroupId: retention.get(staff.person.id) ?? 1,
      style,
      ticks: String(rng.int(0, 9999)).padStart(4, '0'),
    });
  }
  specs.sort((a, b) => a.startMs - b.startMs);
  return specs.map((spec, i) =>
    makeRecording({
      ...spec,
      id: F.firstGeneratedRecordingId + i,
      startMs: spec.style === 'seconds' ? Math.floor(spec.startMs / 1000) * 1000 : spec.startMs,
    }),
  );
}

function thirdPartyId(rng: Rng, media: MediaType): string {
  if (media === 'call') return `CUCM-${rng.hex(8).toUpperCase()}-${rng.int(1, 9)}`;
  if (media === 'sms') return `SMS-${rng.hex(12)}`;
  return `TEAMS-${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
}
