/** Options and handle of the Focus simulator. */
import type { FaultOptions } from './faults.js';
import type { NewRecording } from './live.js';
import type { ProfileName } from './profiles.js';
import type { AuthPath, Credentials, EndpointSearchShape } from './routes.js';
import type { FieldMasks } from './shape.js';
import type { RequestRecord, SimulatorStats } from './stats.js';
import type { Dataset, WireRecording } from './types.js';

export interface SimulatorOptions {
  /**
   * A named tenant behaviour (see `PROFILES`; default `current`). Its options sit under the
   * explicit ones: what is set here wins, `faults` and `fields` key by key.
   */
  profile?: ProfileName;
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Data seed (default 42) and instant (default `FIXTURES.now`); ignored when `dataset` is given. */
  seed?: number;
  now?: Date;
  /**
   * People in all (default: the regular ~300); more makes a large tenant of bulk people (two
   * numbers and an email each, no recordings). Ignored when `dataset` is given.
   */
  people?: number;
  /** A ready dataset (saves regenerating it for every simulator in a test file). */
  dataset?: Dataset;
  credentials?: Partial<Credentials>;
  /** Auth spellings that exist (default both); the other is an unknown path. */
  authPaths?: AuthPath[];
  /**
   * Authenticate before routing, as a gateway in front of the API does: a request without a
   * valid access token answers 401 whatever its path (an unknown path, the other auth
   * spelling, a wrong method), and only authenticated requests are routed (an unknown path
   * then 404s). Default false: unknown paths answer 404 to anyone.
   */
  authBeforeRouting?: boolean;
  /** Endpoint search answers `{ endpoints, total, page, pageSize }` (default) or a bare array. */
  endpointSearchShape?: EndpointSearchShape;
  /** Fields each kind of record keeps on the wire (default: all); see `DOCUMENTED_FIELDS`. */
  fields?: FieldMasks;
  /**
   * Access tokens carry an `exp` claim (default true). Without it they still expire, server
   * side, `faults.tokenLifetimeSeconds` after their `iat`.
   */
  tokenExp?: boolean;
  faults?: Partial<FaultOptions>;
  /** Seed of the fault decisions (default: the data seed). */
  faultSeed?: number;
  /** HS256 secret (default: random per simulator). */
  jwtSecret?: string;
  /** Milliseconds since the epoch, for token issue and expiry (default `Date.now`). */
  clock?: () => number;
  /**
   * Adds a recording of `newRecordingPhone` every this many ms while running (default: none),
   * so channel subscriptions have news.
   */
  newRecordingEveryMs?: number;
  /** Default Jane Smith's `FIXTURES.jane.phone` (447700900123). */
  newRecordingPhone?: string;
}

export interface FocusSimulator {
  /** Base URL including `/api`, e.g. `http://127.0.0.1:4010/api`. */
  readonly url: string;
  readonly port: number;
  readonly credentials: Credentials;
  /** The profile it runs (`current` unless one was given). */
  readonly profile: ProfileName;
  /** As generated (or given): recordings added while running are not in it. */
  readonly dataset: Dataset;
  /** The current fault knobs. */
  readonly faults: FaultOptions;
  /** Merges knobs into the current ones (a key set to undefined clears an optional knob). */
  setFaults(partial: Partial<FaultOptions>): FaultOptions;
  stats(): SimulatorStats;
  /** The latest requests, oldest first, with when each arrived and was answered (reset with the stats). */
  requests(): RequestRecord[];
  /**
   * Adds a recording while running and returns it as the wire has it; with the default start
   * (now) it is the newest, first in every search that matches it. Throws on an unknown
   * endpoint id, a malformed number or date, or no party at all.
   */
  addRecording(spec: NewRecording): WireRecording;
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
