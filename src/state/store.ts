/**
 * State that must outlive one request (event dedupe, unfurl memory, linked-user answers, replayed
 * signatures; later subscriptions and their cursors) sits behind this one narrow async interface.
 * Keys are namespaced by their owner (`event:`, `unfurl:`, `linked:`, `sig:`, `unanswered:`); values are
 * strings, so any key-value engine can hold them.
 *
 * Where two deliveries can race (two retries of one event, the same link pasted twice, two
 * replicas), the winner is decided by `claim`: set-if-absent with a time to live, atomic in every
 * implementation.
 */
export interface StateStore {
  /** Sets `key` for `ttlMs` unless it is set; true when this call set it (it won the race). */
  claim(key: string, ttlMs: number, value?: string): Promise<boolean>;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Forgets `key` (a claim whose work failed, so a later attempt may claim it again). */
  release(key: string): Promise<void>;
  close(): Promise<void>;
}
