import { AppError } from '../domain/errors.js';

/**
 * Why the state store cannot be used. At start each stops the process (exit 2): the app never
 * falls back to memory for subscriptions, which would post every recording again after a
 * restart. While running, a Redis store's calls fail with `state_unreachable` when Redis is
 * down or too slow, so callers can fall back or pause.
 */
export type StateErrorCode =
  /** Not a SQLite database, or a damaged one. */
  | 'state_corrupt'
  /** The file or its directory cannot be created or written. */
  | 'state_unwritable'
  /** Written by a newer version of the app (a schema this code does not know). */
  | 'state_too_new'
  /** Held by another process for longer than the busy timeout. */
  | 'state_locked'
  /** Redis: not reachable (refused, unknown host, no answer in time), or a call timed out. */
  | 'state_unreachable'
  /** Redis: the password (or user) in `REDIS_URL` was refused, or Redis wants one. */
  | 'state_auth'
  /** Redis: `REDIS_URL` is not a `redis://` or `rediss://` URL. */
  | 'state_invalid_url'
  | 'state_failed';

/**
 * A state store that cannot be used; the message names where it is (the file's path, or Redis's
 * host without its password) and what to do, and never a secret.
 */
export class StateError extends AppError {
  declare readonly code: StateErrorCode;
  /** The file's path, or the Redis URL without credentials (`redis://host:6379/0`). */
  readonly path: string;

  constructor(code: StateErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'StateError';
    this.path = path;
  }
}
