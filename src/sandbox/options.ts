/** Options and handle of the Focus simulator. */
import type { FaultOptions } from './faults.js';
import type { AuthPath, Credentials, EndpointSearchShape } from './routes.js';
import type { SimulatorStats } from './stats.js';
import type { Dataset } from './types.js';

export interface SimulatorOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Data seed (default 42) and instant (default `FIXTURES.now`); ignored when `dataset` is given. */
  seed?: number;
  now?: Date;
  /** A ready dataset (saves regenerating it for every simulator in a test file). */
  dataset?: Dataset;
  credentials?: Partial<Credentials>;
  /** Auth spellings that exist (default both); the others 404. */
  authPaths?: AuthPath[];
  /** Endpoint search answers `{ endpoints, total, page, pageSize }` (default) or a bare array. */
  endpointSearchShape?: EndpointSearchShape;
  faults?: Partial<FaultOptions>;
  /** Seed of the fault decisions (default: the data seed). */
  faultSeed?: number;
  /** HS256 secret (default: random per simulator). */
  jwtSecret?: string;
  /** Milliseconds since the epoch, for token issue and expiry (default `Date.now`). */
  clock?: () => number;
}

export interface FocusSimulator {
  /** Base URL including `/api`, e.g. `http://127.0.0.1:4010/api`. */
  readonly url: string;
  readonly port: number;
  readonly credentials: Credentials;
  readonly dataset: Dataset;
  /** The current fault knobs. */
  readonly faults: FaultOptions;
  /** Merges knobs into the current ones (a key set to undefined clears an optional knob). */
  setFaults(partial: Partial<FaultOptions>): FaultOptions;
  stats(): SimulatorStats;
  resetStats(): void;
  /** Mints an access token; `issuedAtMs` in the past gives an expired one. */
  signToken(opts?: { lifetimeSeconds?: number; issuedAtMs?: number }): string;
  /** Stops listening, drops every connection (keep-alive and pending) and cancels delays. */
  close(): Promise<void>;
}

export const DEFAULT_CREDENTIALS: Credentials = {
  clientId: 1234567,
  apiKey: 'sandbox-api-key',
  username: 'focus-slack-sandbox',
};
