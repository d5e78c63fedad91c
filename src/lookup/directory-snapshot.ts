/**
 * One build of the people directory: who owns which endpoints, their names (indexed for
 * search) and their email addresses. Filled as Focus answers (so a build under way can be
 * searched for what it has so far) and never changed once complete. Only what a lookup needs
 * is kept per person, not the whole Person.
 */
import type { EndpointRef } from '../domain/focus.js';
import { type Named, NameIndex } from './name-index.js';
import { nameKey } from './normalise.js';

export interface DirectoryEntry extends Named {
  personType?: string;
  /** people.get's `email`, kept so a refresh that reuses the name keeps it searchable. */
  email?: string;
  /** Every endpoint the endpoint search lists for them, with its id (shared with the snapshot). */
  endpoints: EndpointRef[];
}

export interface PersonFacts {
  id: number;
  fullName: string;
  personType?: string;
  email?: string;
}

export class DirectorySnapshot {
  private readonly names = new NameIndex<DirectoryEntry>();
  private readonly people = new Map<number, DirectoryEntry>();
  private readonly endpointsByOwner = new Map<number, EndpointRef[]>();
  /** Email address (lower case) -> its owner, or owners when several share it. */
  private readonly ownersByEmail = new Map<string, number | number[]>();
  private endpoints = 0;

  /** People with a name. */
  get size(): number {
    return this.people.size;
  }

  get endpointCount(): number {
    return this.endpoints;
  }

  has(personId: number): boolean {
    return this.people.has(personId);
  }

  get(personId: number): DirectoryEntry | undefined {
    return this.people.get(personId);
  }

  endpointsOf(personId: number): EndpointRef[] {
    return this.endpointsByOwner.get(personId) ?? [];
  }

  addEndpoint(ownerId: number, endpoint: EndpointRef): void {
    const ref: EndpointRef = { id: endpoint.id, value: endpoint.value, type: endpoint.type };
    const list = this.endpointsByOwner.get(ownerId);
    if (list) list.push(ref);
    else this.endpointsByOwner.set(ownerId, [ref]);
    this.endpoints++;
    if (ref.type === 'email') this.addEmail(ref.value, ownerId);
  }

  /** Adds a person once (a second time changes nothing). */
  addPerson(facts: PersonFacts): void {
    if (this.people.has(facts.id)) return;
    let endpoints = this.endpointsByOwner.get(facts.id);
    if (!endpoints) {
      endpoints = [];
      this.endpointsByOwner.set(facts.id, endpoints);
    }
    const entry: DirectoryEntry = {
      id: facts.id,
      fullName: facts.fullName,
      key: nameKey(facts.fullName),
      endpoints,
      ...(facts.personType !== undefined && { personType: facts.personType }),
      ...(facts.email && { email: facts.email }),
    };
    this.people.set(entry.id, entry);
    this.names.add(entry);
    if (facts.email) this.addEmail(facts.email, facts.id);
  }

  /**
   * Once the snapshot is complete: readies the name index (sorting), so no search pays for it,
   * and trims each endpoint list to its length (a list grown by pushes keeps spare room).
   */
  prepare(): void {
    this.names.prepare();
    for (const [owner, list] of this.endpointsByOwner) {
      const exact = list.slice();
      this.endpointsByOwner.set(owner, exact);
      const entry = this.people.get(owner);
      if (entry) entry.endpoints = exact;
    }
  }

  /**
   * Best matches first, at most `limit`: an email address matches exactly (case ignored);
   * anything else is a name (see `NameIndex`).
   */
  search(query: string, limit: number): DirectoryEntry[] {
    const text = query.trim();
    if (!text.includes('@')) return this.names.search(nameKey(text), limit);
    const found = this.ownersByEmail.get(text.toLowerCase()) ?? [];
    const owners = typeof found === 'number' ? [found] : found;
    return owners
      .flatMap((id) => this.people.get(id) ?? [])
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id - b.id))
      .slice(0, limit);
  }

  private addEmail(address: string, ownerId: number): void {
    const key = address.toLowerCase();
    const owners = this.ownersByEmail.get(key);
    if (owners === undefined) this.ownersByEmail.set(key, ownerId);
    else if (typeof owners === 'number') {
      if (owners !== ownerId) this.ownersByEmail.set(key, [owners, ownerId]);
    } else if (!owners.includes(ownerId)) owners.push(ownerId);
  }
}
