import { AppError } from '../domain/errors.js';
import type { FocusEndpoint } from '../domain/focus.js';
import type { FocusErrorCode } from '../domain/outcome.js';

export type { FocusErrorCode };

/** Every failure of a Focus call, typed by `code`, naming the endpoint and the HTTP status. */
export class FocusError extends AppError {
  declare readonly code: FocusErrorCode;
  readonly endpoint: FocusEndpoint;
  readonly status: number | undefined;
  /** A sentence safe to show the user beside the failure (no secrets), e.g. which paths were tried. */
  readonly hint: string | undefined;

  constructor(
    code: FocusErrorCode,
    endpoint: FocusEndpoint,
    message: string,
    options: { status?: number; cause?: unknown; hint?: string } = {},
  ) {
    super(code, `${endpoint}: ${message}`, { cause: options.cause });
    this.name = 'FocusError';
    this.endpoint = endpoint;
    this.status = options.status;
    this.hint = options.hint;
  }
}

/** The error code for a final (not retried, or out of retries) HTTP status. */
export function codeForStatus(status: number): FocusErrorCode {
  if (status === 401) return 'auth_failed';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'unavailable';
  return 'bad_response';
}
