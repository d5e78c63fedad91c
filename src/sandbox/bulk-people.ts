/**
 * Bulk people for a large tenant (`people: 100_000`): added after everything else, from their
 * own random stream, so the regular dataset (fixtures, generated people, recordings, comments)
 * stays exactly what it is for the seed. Each bulk person has two phone numbers and an email
 * address and no recordings. Numbers come from ranges nothing else uses (447451…, 447452…),
 * numbered by person, so generation is linear and never retries.
 */

import { FIRST_NAMES, LAST_NAMES } from './names.js';
import type { Rng } from './random.js';
import type { Roster } from './roster.js';

/** Most people a dataset holds: the bulk number ranges have a million numbers each. */
export const MAX_PEOPLE = 1_000_000;
export const BULK_EMAIL_DOMAIN = 'bulk.example';
const PHONE_PREFIXES = ['447451', '447452'] as const;

const slug = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

/** Adds people until the directory holds `total` of them (none when it already does). */
export function addBulkPeople(dir: Roster, rng: Rng, total: number): void {
  if (!Number.isInteger(total) || total < 0 || total > MAX_PEOPLE) {
    throw new RangeError(`people must be a whole number from 0 to ${MAX_PEOPLE}, got ${total}`);
  }
  for (let n = dir.people.length; n < total; n++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    // One in five has a middle name, so names repeat less (as in a real tenant of this size).
    const middle = rng.chance(0.2) ? ` ${rng.pick(FIRST_NAMES)}` : '';
    const email = `${slug(first)}.${slug(last)}.${n}@${BULK_EMAIL_DOMAIN}`;
    const digits = String(n).padStart(6, '0');
    const phones = PHONE_PREFIXES.map((prefix) => `${prefix}${digits}`).filter(
      (number) => !dir.usedNumbers.has(number),
    );
    dir.addPerson(
      {
        fullName: `${first}${middle} ${last}`,
        personType: rng.chance(0.7) ? 'subscriber' : 'contact',
        email,
      },
      [
        ...phones.map((endpoint) => ({ endpoint, type: 'phone' as const })),
        { endpoint: email, type: 'email' as const },
      ],
    );
  }
}
