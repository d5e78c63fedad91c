/**
 * The Focus simulator: a real HTTP server (node:http, 127.0.0.1) serving the routes of
 * `focus-api.md` under `/api` from a generated dataset, with JWT auth, fault knobs, a tenant
 * profile, and a control API under `/api/__sim/`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FocusEndpoint } from '../domain/focus.js';
import { TokenIssuer } from './auth.js';
import { generateDataset } from './data.js';
import { DEFAULT_FAULTS, decideFaults, type FaultOptions, retryAfterValue, truncateJson } from './faults.js';
import { FIXTURES } from './fixtures.js';
import { feedRecordings, LiveRecordings, type NewRecording, parseNewRecording } from './live.js';
import { type ProfileName, withProfile } from './profiles.js';
import { mulberry32 } from './random.js';
import {
  AUTH_PATHS,
  type AuthPath,
  type Credentials,
  checkCredentials,
  type EndpointSearchShape,
  HttpError,
  objectBody,
  ROUTES,
} from './routes.js';
import { type RequestRecord, type SimulatorStats, StatsLog } from './stats.js';
import { FocusStore } from './store.js';
import { type Dataset, type FieldMasks, shapeBody, type WireRecording } from './types.js';

export interface SimulatorOptions {
  /**
   * A named tenant behaviour (see `PROFILES`; default `current`). Its options sit under the
   * explicit ones: what is set here wins, `faults` and `fields` key by key.
   */
  profile?: ProfileName;
  /** On 127.0.0.1; default 0 (any free port). */
  port?: number;
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
  /** Milliseconds since the epoch, for token issue and expiry (default `Date.now`). */
  clock?: () => number;
  /**
   * Adds a recording of Jane Smith's number (`FIXTURES.jane.phone`) every this many ms while
   * running (default: none), so channel subscriptions have news.
   */
  newRecordingEveryMs?: number;
}

export interface FocusSimulator {
  /** Base URL including `/api`, e.g. `http://127.0.0.1:4010/api`. */
  readonly url: string;
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

const DEFAULT_CREDENTIALS: Credentials = {
  clientId: 1234567,
  apiKey: 'sandbox-api-key',
  username: 'focus-slack-sandbox',
};

const BASE_PATH = '/api';

/** Starts a simulator; `options.profile` names a tenant behaviour the other options refine. */
export async function startFocusSimulator(options: SimulatorOptions = {}): Promise<FocusSimulator> {
  const opts = withProfile(options);
  const dataset = opts.dataset ?? generateDataset({ seed: opts.seed, now: opts.now, people: opts.people });
  const credentials: Credentials = { ...DEFAULT_CREDENTIALS, ...opts.credentials };
  const clock = opts.clock ?? Date.now;
  const tokens = new TokenIssuer(randomBytes(32).toString('hex'), credentials, clock, opts.tokenExp ?? true);
  const log = new StatsLog();
  let faults: FaultOptions = { ...DEFAULT_FAULTS, ...opts.faults };
  const setFaults = (partial: Partial<FaultOptions>): FaultOptions => {
    faults = { ...faults, ...partial };
    return faults;
  };
  const store = new FocusStore(dataset);
  const live = new LiveRecordings(store, clock);
  const stopFeed = opts.newRecordingEveryMs
    ? feedRecordings(live, opts.newRecordingEveryMs, FIXTURES.jane.phone)
    : () => {};
  const authPaths = new Set<string>(opts.authPaths ?? AUTH_PATHS);
  const rng = mulberry32(opts.faultSeed ?? dataset.seed);
  /** Injected delays under way: closing cancels them, so it never waits on one. */
  const timers = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  /**
   * The Focus API: (auth first, for a tenant that does), route, delay and faults, auth, rights,
   * body, handler, shaping.
   */
  async function serveFocus(req: IncomingMessage, res: ServerResponse, url: URL, path: string) {
    const receivedAt = log.enter();
    res.once('close', () => log.leave());
    const method = req.method ?? 'GET';
    const isAuth = authPaths.has(path.slice(1));
    const route = ROUTES.find((r) => r.path === path);
    const endpoint: FocusEndpoint | undefined = route?.endpoint ?? (isAuth ? 'auth' : undefined);
    const send = (status: number, body: unknown, headers?: Record<string, string>, malformed = false) => {
      const text = JSON.stringify(body);
      log.record(endpoint, status, receivedAt);
      sendText(res, status, malformed && status === 200 ? truncateJson(text) : text, headers);
    };
    const fail = (status: number, error: string, headers?: Record<string, string>) =>
      send(status, { error }, headers);
    if (opts.authBeforeRouting && !isAuth) {
      const denied = tokens.check(req.headers.authorization, faults.tokenLifetimeSeconds);
      if (denied) return fail(401, denied);
    }
    if (!endpoint) return fail(404, `no route ${url.pathname}`);
    if (method !== (route?.method ?? 'POST')) return fail(405, `${method} not allowed`);
    const json = await readJson(req);
    if (json === 'body too large') return fail(413, json);
    const f = faults;
    const decision = decideFaults(f, endpoint, rng);
    await sleep(decision.delayMs);
    if (decision.status) {
      const retry = decision.status === 429 || decision.status === 503;
      const headers = retry ? { 'retry-after': retryAfterValue(f, clock()) } : undefined;
      return fail(decision.status, `simulated ${decision.status}`, headers);
    }
    if (!route) {
      if (f.authFails) return fail(401, 'invalid credentials');
      if (typeof json === 'string') return fail(400, json);
      const check = checkCredentials(json.value, credentials);
      if (check === 'bad-request') return fail(400, 'apiKey, username and clientId are required');
      if (check === 'wrong') return fail(401, 'invalid credentials');
      return send(200, tokens.issue(f.tokenLifetimeSeconds), undefined, decision.malformed);
    }
    const denied = tokens.check(req.headers.authorization, f.tokenLifetimeSeconds);
    if (denied) return fail(401, denied);
    if (f.withheldRights.includes(route.right)) return fail(403, `missing right ${route.right}`);
    if (typeof json === 'string') return fail(400, json);
    let body: unknown;
    try {
      body = route.handle(store, json.value, url.searchParams, opts.endpointSearchShape ?? 'object');
    } catch (e) {
      if (e instanceof HttpError) return fail(e.status, e.message);
      throw e;
    }
    send(200, shapeBody(body, opts.fields?.[route.entity], route.envelope), undefined, decision.malformed);
  }

  /** What each control path does, by method, with the JSON body; a throw answers 400. */
  const control: Record<string, Record<string, (body: unknown) => [status: number, body: unknown]>> = {
    '/__sim/stats': {
      GET: () => [200, log.snapshot()],
      DELETE: () => {
        log.reset();
        return [200, log.snapshot()];
      },
    },
    '/__sim/faults': {
      GET: () => [200, faults],
      POST: (body) => [
        200,
        setFaults(objectBody(body, 'body must be a JSON object of fault knobs') as Partial<FaultOptions>),
      ],
    },
    '/__sim/recordings': { POST: (body) => [201, live.add(parseNewRecording(body))] },
  };

  /** `/api/__sim/…`: no auth, not counted. */
  async function serveControl(req: IncomingMessage, res: ServerResponse, path: string) {
    const method = req.method ?? 'GET';
    const reply = (status: number, body: unknown) => sendText(res, status, JSON.stringify(body));
    const action = control[path]?.[method];
    if (!action) {
      return control[path]
        ? reply(405, { error: `${method} not allowed` })
        : reply(404, { error: `no route ${path}` });
    }
    const json = await readJson(req);
    try {
      if (typeof json === 'string') throw new Error(json);
      reply(...action(json.value));
    } catch (e) {
      reply(400, { error: e instanceof Error ? e.message : String(e) });
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.startsWith(`${BASE_PATH}/`) ? url.pathname.slice(BASE_PATH.length) : '';
    return path.startsWith('/__sim/') ? serveControl(req, res, path) : serveFocus(req, res, url, path);
  }

  const server = createServer((req, res) => {
    serve(req, res).catch((e: unknown) => {
      sendText(res, 500, JSON.stringify({ error: 'simulator bug', detail: String(e) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${BASE_PATH}`,
    credentials,
    profile: opts.profile,
    dataset,
    get faults() {
      return faults;
    },
    setFaults,
    stats: () => log.snapshot(),
    requests: () => log.requests(),
    addRecording: (spec) => live.add(spec),
    resetStats: () => log.reset(),
    signToken: (o = {}) =>
      tokens.sign(o.lifetimeSeconds ?? faults.tokenLifetimeSeconds, 'access', o.issuedAtMs),
    close: () =>
      new Promise<void>((resolve) => {
        stopFeed();
        for (const t of timers) clearTimeout(t);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The parsed body (undefined when empty), or why not: more than 1 MB, or not JSON. */
async function readJson(
  req: IncomingMessage,
): Promise<{ value: unknown } | 'body too large' | 'invalid JSON body'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1_000_000) return 'body too large';
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return { value: text.trim() === '' ? undefined : JSON.parse(text) };
  } catch {
    return 'invalid JSON body';
  }
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}
