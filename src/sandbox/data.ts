/**
 * `generateDataset`: deterministic Focus data for a seed and an instant. Fixtures (stable ids,
 * see `FIXTURES`) come first; generated people, portal users, recordings over the 90 days before
 * `now` and their comments follow; bulk people (a large tenant) come last.
 */
import {
  asEmail,
  asPhone,
  isoUtc,
  makeRecording,
  type Party,
  partyOf,
  Roster,
  randomMobileKind,
  slug,
  type TimeStyle,
} from './build.js';
import { addFixturePeople, FIXTURES as F, fixtureComments, fixtureRecordings } from './fixtures.js';
import * as words from './names.js';
import { createRng, type Rng } from './random.js';
import type {
  Dataset,
  Direction,
  MediaType,
  WireComment,
  WireEndpoint,
  WirePortalUser,
  WireRecording,
} from './types.js';

export interface DatasetOptions {
  seed?: number;
  now?: Date;
  /**
   * People in all (default: the regular ~300). More are added as bulk people after the
   * regular dataset (two numbers and an email address each, no recordings): a large tenant.
   */
  people?: number;
}

const randomName = (rng: Rng) => [rng.pick(words.FIRST_NAMES), rng.pick(words.LAST_NAMES)] as const;

/** The bulk people's random stream, apart from the regular one so the rest never shifts. */
const BULK_SEED_OFFSET = 0x5eed;
const DAY = 86_400_000;
const WINDOW_DAYS = 90;

export function generateDataset(opts: DatasetOptions = {}): Dataset {
  const seed = opts.seed ?? F.seed;
  const nowMs = (opts.now ?? new Date(F.now)).getTime();
  const rng = createRng(seed);
  const users = generateUsers(rng);
  const dir = new Roster();
  addFixturePeople(dir);
  const retention = addGeneratedPeople(dir, rng);
  const generated = generateRecordings(dir, rng, nowMs, retention);
  const fixtures = fixtureRecordings(dir, nowMs);
  if (opts.people !== undefined) addBulkPeople(dir, createRng(seed + BULK_SEED_OFFSET), opts.people);
  const usernames = users.filter((u) => u.enabled).map((u) => u.username);
  const comments = {
    ...fixtureComments(nowMs, usernames),
    ...generateComments(rng, generated, usernames, nowMs),
  };
  const recordings = [...generated, ...fixtures]
    .map((r) => ({ r, t: Date.parse(r.startDatetimeUTC) }))
    .sort((a, b) => b.t - a.t || b.r.interactionId - a.r.interactionId)
    .map((x) => x.r);
  return {
    seed,
    now: new Date(nowMs).toISOString(),
    people: dir.people,
    endpoints: dir.endpoints,
    recordings,
    comments,
    users,
    retentionGroups: [
      { id: 1, name: 'Default', default: true, retentionDays: { call: 2555, sms: 2555, teams: 2555 } },
      { id: 2, name: 'MiFID II Trading', retentionDays: { call: 1825, sms: 1825, teams: 1825 } },
      { id: 3, name: 'Support – short retention', retentionDays: { call: 90, sms: 30, teams: 30 } },
      {
        id: F.retentionGroups.legalHoldId,
        name: 'Legal hold: Case 2026-014',
        legalHold: true,
        retentionDays: { call: 3650, sms: 3650, teams: 3650 },
      },
      { id: 5, name: 'Board & Executives <VIP> *', retentionDays: { call: 3650, sms: 365, teams: 730 } },
    ],
  };
}

/** Portal users: 1-20 (five fixed, the rest generated), and the viewer without `Recording.View`. */
function generateUsers(rng: Rng): WirePortalUser[] {
  const user = (id: number, username: string, fullName: string, enabled: boolean, role: string) => ({
    id,
    username,
    fullName,
    email: username,
    enabled,
    rolesAndRights: [role, ...(words.RIGHTS_BY_ROLE[role] ?? [])],
  });
  const users: WirePortalUser[] = [
    user(F.users.jane.id, F.users.jane.username, 'Jane Smith', true, 'Admin'),
    user(F.users.disabled.id, F.users.disabled.username, 'Former Employee', false, 'Supervisor'),
    user(3, F.accented.email, F.accented.fullName, true, 'Compliance Officer'),
    user(4, 'external.auditor@audit.example', 'External Auditor', true, 'Auditor'),
    user(5, 'mallory@example.com', 'Mallory <!here> *Admin*', true, 'Supervisor'),
  ];
  const taken = new Set(users.map((u) => u.username));
  while (users.length < 20) {
    const [first, last] = randomName(rng);
    const username = `${slug(first)}.${slug(last)}@example.com`;
    if (taken.has(username)) continue;
    taken.add(username);
    const role = rng.pick(words.ROLES);
    users.push(user(users.length + 1, username, `${first} ${last}`, !rng.chance(0.1), role));
  }
  users.push(user(F.users.viewer.id, F.users.viewer.username, 'Desk Viewer', true, 'Viewer'));
  return users;
}

/**
 * Adds 160 staff (subscribers), 120 contacts and 10 user-type people; returns the retention
 * group of each subscriber (mostly the default).
 */
function addGeneratedPeople(dir: Roster, rng: Rng): Map<number, number> {
  const retention = new Map<number, number>();
  const emails = new Set<string>();
  const uniqueEmail = (first: string, last: string, domain: string): string => {
    const local = `${slug(first)}.${slug(last)}`;
    let email = `${local}@${domain}`;
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@${domain}`;
    emails.add(email);
    return email;
  };
  /** A mobile number, and a landline with probability `landline`. */
  const phones = (landline: number) => {
    const numbers = [dir.newNumber(rng, randomMobileKind(rng))];
    if (rng.chance(landline)) numbers.push(dir.newNumber(rng, 'ukLandline'));
    return numbers.map(asPhone);
  };
  for (let i = 0; i < 160; i++) {
    const [first, last] = randomName(rng);
    const email = uniqueEmail(first, last, 'example.com');
    const eps = [...phones(0.4), asEmail(email)];
    const person = dir.addPerson(
      {
        fullName: `${first} ${last}`,
        personType: 'subscriber',
        email,
        jobTitle: rng.pick(words.JOB_TITLES),
        department: rng.pick(words.DEPARTMENTS),
      },
      eps,
    );
    const u = rng.next();
    retention.set(person.id, u < 0.75 ? 1 : u < 0.9 ? 2 : u < 0.97 ? 3 : u < 0.99 ? 5 : 4);
  }
  for (let i = 0; i < 120; i++) {
    const [first, last] = randomName(rng);
    const company = rng.pick(words.COMPANIES);
    const fullName = rng.chance(0.2) ? `${first} ${last} (${company})` : `${first} ${last}`;
    const eps: { endpoint: string; type: 'phone' | 'email' }[] = phones(0.2);
    const email = rng.chance(0.5) ? uniqueEmail(first, last, rng.pick(words.CONTACT_DOMAINS)) : undefined;
    if (email) eps.push(asEmail(email));
    const jobTitle = rng.chance(0.3) ? `${rng.pick(words.JOB_TITLES)}, ${company}` : undefined;
    dir.addPerson(
      { fullName, personType: 'contact', ...(email && { email }), ...(jobTitle && { jobTitle }) },
      eps,
    );
  }
  for (let i = 0; i < 10; i++) {
    const [first, last] = randomName(rng);
    const email = uniqueEmail(first, last, 'example.com');
    const eps = rng.chance(0.7) ? [asEmail(email)] : [];
    dir.addPerson({ fullName: `${first} ${last}`, personType: 'user', email }, eps);
  }
  return retention;
}

/** Most people a dataset holds: the bulk number ranges have a million numbers each. */
export const MAX_PEOPLE = 1_000_000;

/**
 * Adds bulk people until the directory holds `total` (none when it already does), from their own
 * random stream so the regular dataset stays exactly what it is for the seed. Numbers come from
 * ranges nothing else uses (447451…, 447452…), numbered by person: linear, never retrying.
 */
function addBulkPeople(dir: Roster, rng: Rng, total: number): void {
  if (!Number.isInteger(total) || total < 0 || total > MAX_PEOPLE) {
    throw new RangeError(`people must be a whole number from 0 to ${MAX_PEOPLE}, got ${total}`);
  }
  for (let n = dir.people.length; n < total; n++) {
    const [first, last] = randomName(rng);
    // One in five has a middle name, so names repeat less (as in a real tenant of this size).
    const middle = rng.chance(0.2) ? ` ${rng.pick(words.FIRST_NAMES)}` : '';
    const email = `${slug(first)}.${slug(last)}.${n}@bulk.example`;
    const digits = String(n).padStart(6, '0');
    const phones = ['447451', '447452'].map((prefix) => `${prefix}${digits}`);
    dir.addPerson(
      {
        fullName: `${first}${middle} ${last}`,
        personType: rng.chance(0.7) ? 'subscriber' : 'contact',
        email,
      },
      [...phones.filter((p) => !dir.usedNumbers.has(p)).map(asPhone), asEmail(email)],
    );
  }
}

/** 5400 calls, SMS and Teams meetings between generated people (fixture counts stay exact). */
function generateRecordings(
  dir: Roster,
  rng: Rng,
  nowMs: number,
  retention: Map<number, number>,
): WireRecording[] {
  const gen = dir.endpoints.filter((e) => e.person.id >= F.firstGeneratedPersonId);
  const pool = (type: string, personType: string) =>
    gen.filter((e) => e.type === type && e.person.personType === personType);
  const [staffPhones, staffEmails] = [pool('phone', 'subscriber'), pool('email', 'subscriber')];
  const [contactPhones, contactEmails] = [pool('phone', 'contact'), pool('email', 'contact')];
  const unknownNumbers: string[] = [F.unknownNumber];
  for (let i = 0; i < 40; i++)
    unknownNumbers.push(dir.newNumber(rng, rng.pick(['ukMobile', 'us', 'ieMobile'])));
  const party = (ep: WireEndpoint) => partyOf(ep, ep.endpoint);
  const specs = [];
  const thirdPartyIds = new Set<string>();
  for (let i = 0; i < 5400; i++) {
    const u = rng.next();
    const mediaType: MediaType = u < 0.75 ? 'call' : u < 0.9 ? 'sms' : 'teams';
    const teams = mediaType === 'teams';
    const staff = rng.pick(teams ? staffEmails : staffPhones);
    const r = rng.next();
    let other: Party;
    let direction: Direction;
    if (r < 0.15 || (teams && r < 0.7)) {
      let peer = rng.pick(teams ? staffEmails : staffPhones);
      if (peer.id === staff.id) peer = rng.pick(teams ? staffEmails : staffPhones);
      other = party(peer);
      direction = 'internal';
    } else {
      direction = rng.chance(0.5) ? 'inbound' : 'outbound';
      other =
        r < 0.85 || teams
          ? party(rng.pick(teams ? contactEmails : contactPhones))
          : partyOf(undefined, rng.pick(unknownNumbers));
    }
    const parties = direction === 'inbound' ? [other, party(staff)] : [party(staff), other];
    const s = rng.next();
    const style: TimeStyle = s < 0.7 ? 'seconds' : s < 0.95 ? 'millis' : 'ticks';
    let tpid = thirdPartyId(rng, mediaType);
    while (thirdPartyIds.has(tpid)) tpid = thirdPartyId(rng, mediaType);
    thirdPartyIds.add(tpid);
    const tags = rng.chance(0.3) ? rng.shuffle(words.RECORDING_TAGS).slice(0, rng.int(1, 2)) : [];
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

function thirdPartyId(rng: Rng, media: MediaType): string {
  if (media === 'call') return `CUCM-${rng.hex(8).toUpperCase()}-${rng.int(1, 9)}`;
  if (media === 'sms') return `SMS-${rng.hex(12)}`;
  return `TEAMS-${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`;
}

/** Comments from id 1001: most recordings have none, some up to three. */
function generateComments(
  rng: Rng,
  recordings: readonly WireRecording[],
  usernames: readonly string[],
  nowMs: number,
): Record<number, WireComment[]> {
  const out: Record<number, WireComment[]> = {};
  let nextId = 1001;
  for (const rec of recordings) {
    const u = rng.next();
    const count = u < 0.6 ? 0 : u < 0.8 ? 1 : u < 0.92 ? 2 : 3;
    if (count === 0) continue;
    const list: WireComment[] = [];
    let createdMs = Date.parse(rec.endDatetimeUTC);
    for (let i = 0; i < count; i++) {
      createdMs = Math.min(nowMs - 1000, createdMs + rng.int(60_000, 3 * DAY));
      const startOffset = rec.durationSeconds > 0 ? rng.int(0, rec.durationSeconds) : 0;
      const endOffset = Math.min(rec.durationSeconds, startOffset + rng.int(0, 60));
      list.push({
        id: nextId++,
        comment: rng.pick(words.COMMENT_TEXTS),
        createdDatetimeUTC: isoUtc(createdMs, 'seconds'),
        username: rng.pick(usernames),
        startOffset,
        endOffset,
        tags: rng.chance(0.4) ? [rng.pick(words.COMMENT_TAGS)] : [],
      });
    }
    out[rec.interactionId] = list;
  }
  return out;
}
