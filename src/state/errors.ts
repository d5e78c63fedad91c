import { AppError } from '../domain/errors.js';

/**
 * Why the state file cannot be used. Each stops the process at start (exit 2): the app never
 * falls back to memory, which would post every subscription's recordings again after a restart.
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
  | 'state_failed';

/** A state file that cannot be opened; the message names the path and what to do, and no secret. */
export class StateError extends AppError {
  declare readonly code: StateErrorCode;
  readonly path: string;

  constructor(code: StateErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'StateError';
    this.path = path;
  }
}
