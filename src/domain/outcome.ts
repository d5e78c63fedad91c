/**
 * What a lookup produced. Rendering sees only these values, never an exception.
 */
import { AppError } from './errors.js';
import type { Page, Person, PortalUser, Recording, RecordingComment, RetentionGroup } from './focus.js';
import type { FocusLookupRequest, PhoneNumber } from './request.js';

/** How a Focus call failed (the code of a `FocusError`). */
export type FocusErrorCode =
  | 'auth_failed'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'unavailable'
  | 'timeout'
  | 'bad_response';

/** Why a lookup failed: Focus's codes, `restarting` (cut short by a shutdown), `internal` (a bug of ours). */
export type FailureCode = FocusErrorCode | 'restarting' | 'internal';

const KNOWN_FAILURES: Record<Exclude<FailureCode, 'internal'>, true> = {
  auth_failed: true,
  forbidden: true,
  not_found: true,
  rate_limited: true,
  unavailable: true,
  timeout: true,
  bad_response: true,
  restarting: true,
};

/** The code an error carries (a Focus failure, a deadline, a shutdown); anything else is `internal`: a bug. */
export function failureCodeOf(error: unknown): FailureCode {
  return error instanceof AppError && Object.hasOwn(KNOWN_FAILURES, error.code)
    ? (error.code as FailureCode)
    : 'internal';
}

export type LookupResult =
  | {
      kind: 'phone';
      phone: PhoneNumber;
      /** Owners of the number (one number may belong to several people). */
      owners: Person[];
      /** Latest recordings on the number, newest first. */
      recordings: Page<Recording>;
      /** The Focus right the asker lacks to see recordings (none were searched). */
      recordingsWithheld?: string;
    }
  | { kind: 'person'; person: Person; recordings: Page<Recording>; recordingsWithheld?: string }
  | {
      kind: 'recording';
      recording: Recording;
      comments: RecordingComment[];
      /** Owner names of the participants' numbers, by Focus-form number, where known. */
      names: Record<string, string>;
    }
  | { kind: 'user'; query: string; users: PortalUser[] }
  | { kind: 'comments'; recordingId: number; comments: Page<RecordingComment> }
  | { kind: 'retention'; groups: RetentionGroup[] };

/** An ambiguous lookup offers at most this many choices (a pick list). */
export const MAX_CHOICES = 10;

export interface Choice {
  label: string;
  request: FocusLookupRequest;
}

export type LookupOutcome =
  | { status: 'found'; request: FocusLookupRequest; result: LookupResult }
  | {
      status: 'not_found';
      request: FocusLookupRequest;
      /** For an unknown number: recordings that mention it anyway (free-text search). */
      recordings?: Page<Recording>;
      /** A name search while the people directory is still loading: no one matched yet. */
      directoryLoading?: boolean;
    }
  | {
      status: 'ambiguous';
      request: FocusLookupRequest;
      choices: Choice[];
      /** The matches so far: the people directory is still loading, so more may match. */
      directoryLoading?: boolean;
    }
  /** The asker's linked Focus portal user lacks `right` for this kind of lookup (nothing was asked of Focus). */
  | { status: 'withheld'; request: FocusLookupRequest; right: string }
  | {
      status: 'failed';
      request: FocusLookupRequest;
      code: FailureCode;
      referenceId: string;
      /** A sentence for the user beside the failure, when there is a useful one. */
      hint?: string;
    };
