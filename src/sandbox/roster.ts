/**
 * Builds people and their endpoints with sequential ids, keeping the two lists consistent
 * (every endpoint record points at its owner; every person lists its endpoints).
 */
import type { Rng } from './random.js';
import type { EndpointType, PersonType, WireEndpoint, WirePerson } from './types.js';

export const FIRST_ENDPOINT_ID = 10_001;

export interface PersonSpec {
  fullName: string;
  personType: PersonType;
  email?: string;
  jobTitle?: string;
  department?: string;
}

export class Roster {
  readonly people: WirePerson[] = [];
  readonly endpoints: WireEndpoint[] = [];
  /** Phone numbers already handed out, so generated ones never collide with fixtures. */
  readonly usedNumbers = new Set<string>();
  private nextPersonId = 1;
  private nextEndpointId = FIRST_ENDPOINT_ID;
  /** The owner as every endpoint record of a person shows it: one object per person, shared. */
  private readonly owners = new Map<number, WireEndpoint['person']>();

  addPerson(spec: PersonSpec, endpoints: { endpoint: string; type: EndpointType }[]): WirePerson {
    const { fullName, personType, ...rest } = spec;
    const person: WirePerson = { id: this.nextPersonId++, fullName, personType, ...rest, endpoints: [] };
    this.people.push(person);
    for (const ep of endpoints) this.addEndpoint(person, ep.endpoint, ep.type);
    return person;
  }

  addEndpoint(person: WirePerson, value: string, type: EndpointType): WireEndpoint {
    let owner = this.owners.get(person.id);
    if (!owner) {
      owner = { id: person.id, fullName: person.fullName, personType: person.personType };
      this.owners.set(person.id, owner);
    }
    const record: WireEndpoint = {
      id: this.nextEndpointId++,
      endpoint: value,
      type,
      personId: person.id,
      person: owner,
    };
    if (type === 'phone') this.usedNumbers.add(value);
    this.endpoints.push(record);
    person.endpoints.push({ endpoint: { id: record.id, endpoint: value, type } });
    return record;
  }

  /** Moves the id counters on, so generated records start at round numbers after fixtures. */
  skipTo(personId: number, endpointId: number): void {
    this.nextPersonId = Math.max(this.nextPersonId, personId);
    this.nextEndpointId = Math.max(this.nextEndpointId, endpointId);
  }

  /** A fresh valid number of the given kind (never one already used). */
  newNumber(rng: Rng, kind: NumberKind): string {
    for (;;) {
      const n = randomNumber(rng, kind);
      if (!this.usedNumbers.has(n)) {
        this.usedNumbers.add(n);
        return n;
      }
    }
  }
}

export type NumberKind = 'ukMobile' | 'ukLandline' | 'us' | 'ieMobile';

const UK_MOBILE = ['447912', '447897', '447400', '447766', '447831', '447540', '447958'] as const;
/** Ofcom drama ranges: London, Manchester, Leeds, Bristol. */
const UK_LANDLINE = ['442079460', '441614960', '441134960', '441174960'] as const;
const US_AREAS = ['212', '646', '415', '312', '202', '617'] as const;
const IE_MOBILE = ['35383', '35385', '35386', '35387', '35389'] as const;

const digits = (rng: Rng, n: number): string => String(rng.int(0, 10 ** n - 1)).padStart(n, '0');

/** Focus-form numbers (country code, no `+`) that libphonenumber-js considers valid. */
export function randomNumber(rng: Rng, kind: NumberKind): string {
  switch (kind) {
    case 'ukMobile':
      return rng.pick(UK_MOBILE) + digits(rng, 6);
    case 'ukLandline':
      return rng.pick(UK_LANDLINE) + digits(rng, 3);
    case 'us':
      // 555-0100..0199 is the fictional range.
      return `1${rng.pick(US_AREAS)}55501${digits(rng, 2)}`;
    case 'ieMobile':
      return rng.pick(IE_MOBILE) + digits(rng, 7);
  }
}

export function randomMobileKind(rng: Rng): NumberKind {
  const u = rng.next();
  return u < 0.6 ? 'ukMobile' : u < 0.8 ? 'us' : 'ieMobile';
}
