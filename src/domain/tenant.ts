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

/**
 * One Slack installation's Focus tenant: where it is and the service user's credentials, stored
 * per installation key (a team id, or an enterprise id for an org-wide install).
 */
export interface FocusConnection {
  baseUrl: string;
  credentials: Credentials;
  authPath?: AuthPath;
  /** 'simulator': the built-in Focus simulator, chosen by an admin to try the app */
  kind?: 'tenant' | 'simulator';
  connectedBy?: string;
  connectedAt?: string;
}

/** An installation's key: its organisation for an org-wide install, its workspace otherwise. */
export function installationKey(ids: {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}): string | undefined {
  return ids.isEnterpriseInstall && ids.enterpriseId ? ids.enterpriseId : (ids.teamId ?? ids.enterpriseId);
}
