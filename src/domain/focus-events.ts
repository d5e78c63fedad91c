/**
 * What `focus/` reports as it works: each HTTP attempt to Focus and each cache lookup. The
 * callbacks are handed in by the composition root; `metrics.ts` counts them.
 */
import type { FocusEndpoint } from './focus.js';

export interface CallEvent {
  endpoint: FocusEndpoint;
  /** HTTP status, or `error` for a failure with no response. */
  status: number | 'error';
  durationMs: number;
  attempt: number;
}

export type CacheKind = 'endpoint' | 'person' | 'recording' | 'comment' | 'user' | 'retention';
export type CacheEvent = (kind: CacheKind, result: 'hit' | 'miss') => void;
