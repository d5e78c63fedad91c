/**
 * How the app reaches a Focus tenant: the service user's credentials, the two spellings of the
 * auth path, and how hard it presses unless configured. `config.ts` reads them from the
 * environment and `focus/` uses them, so they live here, below both.
 */

/**
 * The two documented spellings of the auth path. The vendor's integration page spells it
 * `/authWithAPIKey` and the newer reference `/authWithApiKey`; the first is the default
 * because a strict tenant that follows the integration page has been seen, and whichever
 * spelling is configured, the other is tried when the first is refused.
 */
export const AUTH_PATHS = ['/authWithAPIKey', '/authWithApiKey'] as const;
export type AuthPath = (typeof AUTH_PATHS)[number];
export const DEFAULT_AUTH_PATH: AuthPath = AUTH_PATHS[0];

export interface Credentials {
  clientId: number;
  apiKey: string;
  username: string;
}

/** Requests in flight to one tenant, and a call's deadline, unless configured (FOCUS_MAX_CONCURRENCY, FOCUS_TIMEOUT_MS). */
export const TRANSPORT_DEFAULTS = { maxConcurrency: 8, deadlineMs: 8_000 } as const;
