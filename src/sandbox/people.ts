/** Generated staff (subscribers), contacts and user-type people, after the fixtures. */

import { COMPANIES, CONTACT_DOMAINS, DEPARTMENTS, FIRST_NAMES, JOB_TITLES, LAST_NAMES } from './names.js';
import type { Rng } from './random.js';
import { type Roster, randomMobileKind } from './roster.js';
import type { EndpointType } from './types.js';
import { pickRetentionGroup } from './users.js';

export const GENERATED_SUBSCRIBERS = 160;
export const GENERATED_CONTACTS = 120;
export const GENERATED_USERS = 10;

const slug = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

/** Adds generated people; returns the retention group of each generated subscriber. */
export function addGeneratedPeople(dir: Roster, rng: Rng): Map<number, number> {
  const retention = new Map<number, number>();
  const emails = new Set<string>();
  const uniqueEmail = (local: string, domain: string): string => {
    let email = `${local}@${domain}`;
    for (let n = 2; emails.has(email); n++) email = `${local}${n}@${domain}`;
    emails.add(email);
    return email;
  };
  for (let i = 0; i < GENERATED_SUBSCRIBERS; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const email = uniqueEmail(`${slug(first)}.${slug(last)}`, 'example.com');
    const eps: { endpoint: string; type: EndpointType }[] = [
      { endpoint: dir.newNumber(rng, randomMobileKind(rng)), type: 'phone' },
    ];
    if (rng.chance(0.4)) eps.push({ endpoint: dir.newNumber(rng, 'ukLandline'), type: 'phone' });
    eps.push({ endpoint: email, type: 'email' as const });
    const person = dir.addPerson(
      {
        fullName: `${first} ${last}`,
        personType: 'subscriber',
        email,
        jobTitle: rng.pick(JOB_TITLES),
        department: rng.pick(DEPARTMENTS),
      },
      eps,
    );
    retention.set(person.id, pickRetentionGroup(rng));
  }
  for (let i = 0; i < GENERATED_CONTACTS; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const company = rng.pick(COMPANIES);
    const fullName = rng.chance(0.2) ? `${first} ${last} (${company})` : `${first} ${last}`;
    const eps: { endpoint: string; type: EndpointType }[] = [
      { endpoint: dir.newNumber(rng, randomMobileKind(rng)), type: 'phone' },
    ];
    if (rng.chance(0.2)) eps.push({ endpoint: dir.newNumber(rng, 'ukLandline'), type: 'phone' });
    let email: string | undefined;
    if (rng.chance(0.5)) {
      email = uniqueEmail(`${slug(first)}.${slug(last)}`, rng.pick(CONTACT_DOMAINS));
      eps.push({ endpoint: email, type: 'email' });
    }
    dir.addPerson(
      {
        fullName,
        personType: 'contact',
        ...(email ? { email } : {}),
        ...(rng.chance(0.3) ? { jobTitle: `${rng.pick(JOB_TITLES)}, ${company}` } : {}),
      },
      eps,
    );
  }
  for (let i = 0; i < GENERATED_USERS; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const email = uniqueEmail(`${slug(first)}.${slug(last)}`, 'example.com');
    const eps = rng.chance(0.7) ? [{ endpoint: email, type: 'email' as const }] : [];
    dir.addPerson({ fullName: `${first} ${last}`, personType: 'user', email }, eps);
  }
  return retention;
}
