/**
 * Everything the state store keeps for one workspace (by its installation key: the enterprise id
 * of an org-wide install, the team id otherwise), and how it goes:
 *
 * - its installation (tokens) and its Focus connection, sealed (tenant-stores.ts);
 * - key-value entries under the workspace's prefixes (`WORKSPACE_KEY_PREFIXES`): its scoped state
 *   (`ws:<key>:`: kept preview choices, linked-user answers, unfurl memory, recent lookups, as
 *   the workspace's resolver scopes them), and the kept preview choices of a workspace answered
 *   without a scope (`consent:<team>:`, `consents:<team>:`);
 * - its subscriptions (their `workspace`, or their `team` in single-workspace mode), with their
 *   cursors and delivered ids;
 * - the time it was uninstalled, while its data waits out the retention window.
 *
 * An uninstall deletes the tokens at once (lifecycle.ts) and marks the time here; after the
 * window (`retention.ts`) the rest is forgotten. A reinstall clears the mark first, so a sweep
 * racing it deletes nothing: every deletion of a sweep is guarded by the mark it read (the same
 * time still recorded), checked in the same transaction (SQLite) or script (Redis) as the delete.
 */

/** A workspace's key-value prefixes; each ends in `:`, so `T1` never matches `T10`'s keys. */
export function workspaceKeyPrefixes(key: string): string[] {
  return [`ws:${key}:`, `consent:${key}:`, `consents:${key}:`];
}

/** Installation keys are Slack ids (`T…`, `E…`): refused otherwise, so no pattern can reach past one. */
const WORKSPACE_KEY = /^[A-Za-z0-9]{2,40}$/;

export function isWorkspaceKey(key: string): boolean {
  return WORKSPACE_KEY.test(key);
}

export function checkWorkspaceKey(key: string): void {
  if (!isWorkspaceKey(key))
    throw new TypeError(`"${key.slice(0, 60)}" is not a Slack team or enterprise id (letters and digits)`);
}

/** What one `forget` deleted. */
export interface Forgotten {
  /**
   * False when the mark it was guarded by was gone or had changed (reinstalled meanwhile): it
   * stopped there, and what it had not deleted yet stays.
   */
  done: boolean;
  installation: boolean;
  connection: boolean;
  /** Key-value entries deleted. */
  keys: number;
  subscriptions: number;
}

export interface WorkspaceData {
  /** Records the uninstall of `key` at `atMs`; an earlier mark stands (the first uninstall starts the window). */
  markUninstalled(key: string, atMs: number): Promise<void>;
  /** Clears the mark (a reinstall); true when there was one. */
  cancelUninstalled(key: string): Promise<boolean>;
  /** Every mark: installation key -> ms since the epoch. */
  uninstalls(): Promise<Map<string, number>>;
  /**
   * Deletes everything kept for `key` (above), the mark last. With `ifUninstalledAt`, only while
   * that mark stands; without it (the operator's `state forget`), whatever is there.
   */
  forget(key: string, ifUninstalledAt?: number): Promise<Forgotten>;
}
