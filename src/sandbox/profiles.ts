/**
 * Tenant profiles: named ways a Focus tenant may behave, each a partial set of simulator
 * options. A tenant quirk met in the field becomes one more entry here, and the test matrix
 * (client contract and end-to-end smoke) runs against it automatically.
 */
import type { SimulatorOptions } from './server.js';
import { DOCUMENTED_FIELDS } from './types.js';

export interface Profile {
  /** One line: what this tenant does differently. */
  summary: string;
  options: Omit<SimulatorOptions, 'profile'>;
}

export const PROFILES = {
  current: {
    summary: 'the default simulator: both auth spellings, object-shaped endpoint search, 900 s tokens',
    options: {},
  },
  documented: {
    summary:
      'the vendor page to the letter: only /authWithAPIKey, authenticates before routing (any unauthenticated request is 401), 15 s tokens',
    options: {
      authPaths: ['authWithAPIKey'],
      authBeforeRouting: true,
      faults: { tokenLifetimeSeconds: 15 },
    },
  },
  bare: {
    summary:
      'only the documented fields: endpoint search is a bare array; people, recordings, users, comments and retention groups carry nothing else',
    options: { endpointSearchShape: 'array', fields: DOCUMENTED_FIELDS },
  },
  'no-exp': {
    summary: 'access tokens without an exp claim; they still expire server side after 15 minutes',
    options: { tokenExp: false, faults: { tokenLifetimeSeconds: 900 } },
  },
  slow: {
    summary: '300 ms latency on every request; 1% of requests answer 503 with Retry-After',
    options: { faults: { latencyMs: 300, rate503: 0.01, retryAfter: 1 } },
  },
  'rate-limited': {
    summary: '1 request in 10 answers 429 with Retry-After: 1 (auth is not throttled)',
    options: { faults: { rate429: 0.1, retryAfter: 1 } },
  },
} satisfies Record<string, Profile>;

export type ProfileName = keyof typeof PROFILES;

/** Every profile, in table order (for test matrices and the CLI). */
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

export const DEFAULT_PROFILE: ProfileName = 'current';

export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(PROFILES, name);
}

/**
 * `options` on top of its profile's options: explicit options win (keys left undefined do
 * not count), `faults` and `fields` are merged key by key. Throws on an unknown profile.
 */
export function withProfile(options: SimulatorOptions): SimulatorOptions & { profile: ProfileName } {
  const name = options.profile ?? DEFAULT_PROFILE;
  if (!isProfileName(name)) {
    throw new Error(`unknown simulator profile "${name}"; valid: ${PROFILE_NAMES.join(', ')}`);
  }
  const base: Omit<SimulatorOptions, 'profile'> = PROFILES[name].options;
  const explicit = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as SimulatorOptions;
  const merged: SimulatorOptions & { profile: ProfileName } = { ...base, ...explicit, profile: name };
  if (base.faults || explicit.faults) merged.faults = { ...base.faults, ...explicit.faults };
  // A kind's mask is replaced, not merged.
  if (base.fields || explicit.fields) merged.fields = { ...base.fields, ...explicit.fields };
  return merged;
}
