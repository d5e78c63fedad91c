/** Portal users (21: ids 1-20, and the viewer without `Recording.View`) and retention groups (fixed). */
import { FIXTURES as F } from './fixtures.js';
import { FIRST_NAMES, LAST_NAMES, RIGHTS_BY_ROLE, ROLES } from './names.js';
import type { Rng } from './random.js';
import type { WirePortalUser, WireRetentionGroup } from './types.js';

type Role = (typeof ROLES)[number];

const rolesAndRights = (role: Role | 'Viewer'): string[] => [
  role,
  ...(role === 'Viewer' ? ['People.View'] : RIGHTS_BY_ROLE[role]),
];

const slug = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');

export const USER_COUNT = 20;

export function generateUsers(rng: Rng): WirePortalUser[] {
  const users: WirePortalUser[] = [
    user(F.users.jane.id, F.users.jane.username, 'Jane Smith', true, 'Admin'),
    user(F.users.disabled.id, F.users.disabled.username, 'Former Employee', false, 'Supervisor'),
    user(3, F.accented.email, F.accented.fullName, true, 'Compliance Officer'),
    user(4, 'external.auditor@audit.example', 'External Auditor', true, 'Auditor'),
    user(5, 'mallory@example.com', 'Mallory <!here> *Admin*', true, 'Supervisor'),
  ];
  const taken = new Set(users.map((u) => u.username));
  while (users.length < USER_COUNT) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const username = `${slug(first)}.${slug(last)}@example.com`;
    if (taken.has(username)) continue;
    taken.add(username);
    const role = rng.pick(ROLES);
    users.push(user(users.length + 1, username, `${first} ${last}`, !rng.chance(0.1), role));
  }
  users.push(user(F.users.viewer.id, F.users.viewer.username, 'Desk Viewer', true, 'Viewer'));
  return users;
}

function user(
  id: number,
  username: string,
  fullName: string,
  enabled: boolean,
  role: Role | 'Viewer',
): WirePortalUser {
  return { id, username, fullName, email: username, enabled, rolesAndRights: rolesAndRights(role) };
}

export const RETENTION_GROUPS: readonly WireRetentionGroup[] = [
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
];

/** Retention group for a generated subscriber: mostly the default. */
export function pickRetentionGroup(rng: Rng): number {
  const u = rng.next();
  return u < 0.75 ? 1 : u < 0.9 ? 2 : u < 0.97 ? 3 : u < 0.99 ? 5 : 4;
}
