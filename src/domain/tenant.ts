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
 * The Focus tenant one Slack workspace (or Enterprise Grid organisation) is connected to: entered
 * by a workspace admin in the App Home, or provisioned from FOCUS_TENANTS_FILE. Stored encrypted,
 * apart from the Slack installation, so a token refresh or a reinstall never overwrites it.
 */
export interface FocusConnection {
  baseUrl: string;
  credentials: Credentials;
  authPath?: AuthPath;
  /** 'simulator': the built-in Focus simulator, chosen by an admin to try the app. */
  kind?: 'tenant' | 'simulator';
  /** The Slack user who connected it (absent when provisioned from a file). */
  connectedBy?: string;
  /** ISO 8601. */
  connectedAt?: string;
  /**
   * Distribution mode: whether each member must be a linked Focus portal user, answered with
   * their own rights (issue 19, item 4). Absent means true: one admin-entered key answering every
   * member is sharing a third-party account, so only a workspace admin's explicit choice in the
   * App Home turns it off.
   */
  requireLinkedUsers?: boolean;
  /** Slack users the installer named who may also manage this connection (at most 20). */
  admins?: string[];
}

/** Who a request or an installation belongs to, as Bolt's context and installation queries say it. */
export interface InstallationOwner {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}

/**
 * The key an installation is stored under: the enterprise id for an org-wide install, the team id
 * otherwise (a workspace install inside an Enterprise Grid organisation is its team's), as Bolt's
 * own MemoryInstallationStore keys them. Undefined when the owner names neither.
 */
export function installationKey(owner: InstallationOwner): string | undefined {
  if (owner.isEnterpriseInstall) return owner.enterpriseId || undefined;
  return owner.teamId || undefined;
}

/**
 * The keys that seal secrets at rest (STATE_ENCRYPTION_KEY): `current` encrypts every new record,
 * `all` (current included) decrypts, so a new key can rotate in while old records still open.
 */
export interface EncryptionKeys {
  current: { id: string; key: Buffer };
  all: ReadonlyMap<string, Buffer>;
}
