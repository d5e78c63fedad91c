/**
 * The building blocks of the dataset, shared by the fixtures, the generator and live recordings:
 * a roster of people and endpoints with sequential ids, phone numbers, and the recording builder.
 */
import type { Rng } from './random.js';
import type { EndpointType, WireEndpoint, WireEndpointRef, WirePerson, WireRecording } from './types.js';

export const asPhone = (endpoint: string) => ({ endpoint, type: 'phone' as const });
export const asEmail = (endpoint: string) => ({ endpoint, type: 'email' as const });

/** A name as the local part of an email address: no accents, lower case, letters and digits only. */
export const slug = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

/**
 * People and their endpoints with sequential ids, the two lists kept consistent (every endpoint
 * record points at its owner; every person lists its endpoints).
 */
export class Roster {
  readonly people: WirePerson[] = [];
  readonly endpoints: WireEndpoint[] = [];
  /** Phone numbers already handed out, so generated ones never collide with fixtures. */
  readonly usedNumbers = new Set<string>();
  private nextPersonId = 1;
  private nextEndpointId = 10_001;

  addPerson(
    spec: Omit<WirePerson, 'id' | 'endpoints'>,
    endpoints: { endpoint: string; type: EndpointType }[],
  ): WirePerson {
    const { fullName, personType, ...rest } = spec;
    const person: WirePerson = { id: this.nextPersonId++, fullName, personType, ...rest, endpoints: [] };
    this.people.push(person);
    // The owner as every endpoint record of this person shows it: one object, shared.
    const owner = { id: person.id, fullName, personType };
    for (const { endpoint, type } of endpoints) {
      const id = this.nextEndpointId++;
      this.endpoints.push({ id, endpoint, type, personId: person.id, person: owner });
      if (type === 'phone') this.usedNumbers.add(endpoint);
      person.endpoints.push({ endpoint: { id, endpoint, type } });
    }
    return person;
  }

  /** Moves the id counters on, so generated records start at round numbers after fixtures. */
  skipTo(personId: number, endpointId: number): void {
    this.nextPersonId = Math.max(this.nextPersonId, personId);
    this.nextEndpointId = Math.max(this.nextEndpointId, endpointId);
  }

  /** A fresh valid number of the given kind (never one already used). */
  newNumber(rng: Rng, kind: NumberKind): string {
    for (;;) {
      const n = RANDOM_NUMBER[kind](rng);
      if (!this.usedNumbers.has(n)) {
        this.usedNumbers.add(n);
        return n;
      }
    }
  }
}

const UK_MOBILE = ['447912', '447897', '447400', '447766', '447831', '447540', '447958'] as const;
/** Ofcom drama ranges: London, Manchester, Leeds, Bristol. */
const UK_LANDLINE = ['442079460', '441614960', '441134960', '441174960'] as const;
const US_AREAS = ['212', '646', '415', '312', '202', '617'] as const;
const IE_MOBILE = ['35383', '35385', '35386', '35387', '35389'] as const;

const digits = (rng: Rng, n: number): string => String(rng.int(0, 10 ** n - 1)).padStart(n, '0');

/** Focus-form numbers (country code, no `+`) that libphonenumber-js considers valid, by kind. */
const RANDOM_NUMBER = {
  ukMobile: (rng: Rng) => rng.pick(UK_MOBILE) + digits(rng, 6),
  ukLandline: (rng: Rng) => rng.pick(UK_LANDLINE) + digits(rng, 3),
  // 555-0100..0199 is the fictional range.
  us: (rng: Rng) => `1${rng.pick(US_AREAS)}55501${digits(rng, 2)}`,
  ieMobile: (rng: Rng) => rng.pick(IE_MOBILE) + digits(rng, 7),
};
export type NumberKind = keyof typeof RANDOM_NUMBER;

export function randomMobileKind(rng: Rng): NumberKind {
  const u = rng.next();
  return u < 0.6 ? 'ukMobile' : u < 0.8 ? 'us' : 'ieMobile';
}

/** Timestamps come in three styles: whole seconds, milliseconds, and .NET-style 7-digit ticks. */
export type TimeStyle = 'seconds' | 'millis' | 'ticks';

export function isoUtc(ms: number, style: TimeStyle, ticks = '0000'): string {
  const s = new Date(ms).toISOString();
  if (style === 'seconds') return `${s.slice(0, 19)}Z`;
  if (style === 'millis') return s;
  return `${s.slice(0, 23)}${ticks}Z`;
}

export interface Party {
  ref: WireEndpointRef;
  person?: { id: number; fullName: string };
}

/** A known endpoint with its owner, or (`ep` undefined) a bare number or address nobody owns. */
export function partyOf(ep: WireEndpoint | undefined, value: string): Party {
  if (!ep) return { ref: { endpoint: value, type: value.includes('@') ? 'email' : 'phone' } };
  return {
    ref: { id: ep.id, endpoint: ep.endpoint, type: ep.type },
    person: { id: ep.person.id, fullName: ep.person.fullName },
  };
}

export type RecordingSpec = Pick<
  WireRecording,
  | 'durationSeconds'
  | 'direction'
  | 'mediaType'
  | 'tags'
  | 'thirdPartyId'
  | 'hasTranscript'
  | 'retentionGroupId'
> & {
  id: number;
  startMs: number;
  /** Caller first. */
  parties: Party[];
  style: TimeStyle;
  ticks?: string;
};

export function makeRecording(spec: RecordingSpec): WireRecording {
  const people: { id: number; fullName: string }[] = [];
  for (const p of spec.parties) {
    if (p.person && !people.some((x) => x.id === p.person?.id)) people.push({ ...p.person });
  }
  return {
    interactionId: spec.id,
    startDatetimeUTC: isoUtc(spec.startMs, spec.style, spec.ticks),
    endDatetimeUTC: isoUtc(spec.startMs + spec.durationSeconds * 1000, spec.style, spec.ticks),
    durationSeconds: spec.durationSeconds,
    direction: spec.direction,
    mediaType: spec.mediaType,
    endpoints: spec.parties.map((p) => ({ endpoint: { ...p.ref } })),
    people,
    thirdPartyId: spec.thirdPartyId,
    tags: [...spec.tags],
    hasTranscript: spec.hasTranscript,
    retentionGroupId: spec.retentionGroupId,
  };
}
