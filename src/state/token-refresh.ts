/**
 * Token rotation without two refreshes at once. Bolt's InstallProvider.authorize refreshes an
 * installation's token (`oauth.v2.access` with `grant_type=refresh_token`) whenever the
 * installation its store's `fetchInstallation` returns carries a refresh token and an expiry within
 * `BOLT_REFRESH_WINDOW_S`, then stores the installation. Slack revokes a refresh token once it is
 * used, so two replicas refreshing one installation at once leave one of them with dead tokens.
 *
 * So the installation store (tenant-stores.ts) decides, and Bolt follows:
 * - an installation is handed out with its refresh tokens only while this caller holds the
 *   installation's refresh lock (and, re-read under the lock, it is still due): Bolt refreshes;
 * - in every other case it is handed out without them (`withoutRefresh`): Bolt uses the token as
 *   it is and cannot refresh.
 * The lock is released when Bolt stores the refreshed tokens; a refresh that fails stores nothing,
 * and its lock runs out after `REFRESH_LOCK_TTL_MS`.
 */
import type { Installation } from '@slack/bolt';

/**
 * Bolt refreshes a token that has expired or expires within this many seconds: `EXPIRY_WINDOW` in
 * `detectExpiredOrExpiringTokens` (@slack/oauth install-provider.js). Time only moves forward, so
 * an installation due by this window when handed out is due by Bolt's check a moment later.
 */
export const BOLT_REFRESH_WINDOW_S = 7200;

/**
 * How long a refresh lock lasts. The refresh call is bounded by the installer's Slack client
 * (slack/app.ts: 10 s timeout, no retries, a rate-limited call rejected at once) and the write
 * after it by the state store's command deadline: three times that, so a lock never runs out
 * under a refresh still under way, and one whose refresh failed frees the installation soon.
 */
export const REFRESH_LOCK_TTL_MS = 30_000;

/**
 * How long a request waits for another's refresh before going on with the token as it is (still
 * valid: tokens are refreshed two hours before they expire). Short: Slack wants its answer (the
 * ack) within 3 s, and a refresh takes well under a second.
 */
export const REFRESH_WAIT_MS = 2_000;

/** Between two looks at the lock while waiting. */
export const REFRESH_POLL_MS = 50;

/** "Only one refresh of an installation at a time", shared by every process that refreshes. */
export interface RefreshLock {
  /** A token when taken (until `release` or `ttlMs`), undefined when someone else holds it. */
  acquire(key: string, ttlMs: number): Promise<string | undefined>;
  /** Frees the lock if `token` still holds it (one that ran out and went to another: untouched). */
  release(key: string, token: string): Promise<void>;
}

/** One process's lock (SQLite: one process per state file, sqlite-owner.ts). */
export class LocalRefreshLock implements RefreshLock {
  private readonly held = new Map<string, { token: string; until: number }>();
  private counter = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(key: string, ttlMs: number): Promise<string | undefined> {
    const now = this.now();
    const current = this.held.get(key);
    if (current && current.until > now) return undefined;
    const token = String(++this.counter);
    this.held.set(key, { token, until: now + ttlMs });
    return token;
  }

  async release(key: string, token: string): Promise<void> {
    if (this.held.get(key)?.token === token) this.held.delete(key);
  }
}

type Holder = { token?: string | undefined; refreshToken?: string; expiresAt?: number };

/** Bolt's own test (`detectExpiredOrExpiringTokens`), for the bot and the user token. */
export function refreshDue(installation: Installation, nowSec: number): boolean {
  return [installation.bot, installation.user].some((holder: Holder | undefined) =>
    holderDue(holder, nowSec),
  );
}

function holderDue(holder: Holder | undefined, nowSec: number): boolean {
  if (!holder?.refreshToken || holder.expiresAt === undefined || holder.expiresAt === null) return false;
  return holder.expiresAt - nowSec <= BOLT_REFRESH_WINDOW_S;
}

/** The installation as Bolt may use it but not refresh: no refresh token, no expiry. */
export function withoutRefresh(installation: Installation): Installation {
  const strip = <T extends Holder>(holder: T): T => {
    const { refreshToken: _r, expiresAt: _e, ...rest } = holder;
    return rest as T;
  };
  return {
    ...installation,
    ...(installation.bot && { bot: strip(installation.bot) }),
    user: strip(installation.user),
  };
}

/**
 * Whether Bolt's `storeInstallation` call is the refresh of `handedOut`: Bolt stores a shallow copy
 * of the installation `fetchInstallation` returned, its `bot`/`user` objects updated in place. An
 * install (a reinstall) stores an installation built from Slack's answer instead.
 */
export function isRefreshOf(stored: Installation, handedOut: Installation): boolean {
  if (stored === handedOut) return false;
  return (stored.bot !== undefined && stored.bot === handedOut.bot) || stored.user === handedOut.user;
}

/**
 * `record` (the installation as it was read under the lock) with only the tokens of `refreshed`:
 * access token, refresh token and expiry, of the bot and of the user.
 */
export function withRefreshedTokens(record: Installation, refreshed: Installation): Installation {
  const take = <T extends Holder>(into: T, from: Holder | undefined): T =>
    from?.refreshToken === undefined
      ? into
      : { ...into, token: from.token, refreshToken: from.refreshToken, expiresAt: from.expiresAt };
  return {
    ...record,
    ...(record.bot && { bot: take(record.bot, refreshed.bot) }),
    user: take(record.user, refreshed.user),
  };
}
