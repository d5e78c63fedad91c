/**
 * The Focus simulator: a real HTTP server (node:http, 127.0.0.1) serving the routes of
 * `focus-api.md` under `/api` from a generated dataset, with JWT auth and fault knobs.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenIssuer } from './auth.js';
import { generateDataset } from './data.js';
import { DEFAULT_FAULTS, type FaultOptions } from './faults.js';
import { FIXTURES } from './fixtures.js';
import { BASE_PATH, createHandler } from './handler.js';
import { Delays, sendText } from './http.js';
import { feedRecordings, LiveRecordings } from './live.js';
import { DEFAULT_CREDENTIALS, type FocusSimulator, type SimulatorOptions } from './options.js';
import { withProfile } from './profiles.js';
import { mulberry32 } from './random.js';
import { AUTH_PATHS, type Credentials } from './routes.js';
import { StatsLog } from './stats.js';
import { FocusStore } from './store.js';

export { DEFAULT_CREDENTIALS, type FocusSimulator, type SimulatorOptions } from './options.js';

/** Starts a simulator; `options.profile` names a tenant behaviour the other options refine. */
export async function startFocusSimulator(options: SimulatorOptions = {}): Promise<FocusSimulator> {
  const opts = withProfile(options);
  const dataset =
    opts.dataset ??
    generateDataset({
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.people !== undefined ? { people: opts.people } : {}),
    });
  const credentials: Credentials = { ...DEFAULT_CREDENTIALS, ...opts.credentials };
  const clock = opts.clock ?? Date.now;
  const tokens = new TokenIssuer(opts.jwtSecret ?? randomBytes(32).toString('hex'), credentials, clock, {
    exp: opts.tokenExp ?? true,
  });
  const log = new StatsLog();
  const delays = new Delays();
  let faults: FaultOptions = { ...DEFAULT_FAULTS, ...opts.faults };
  const setFaults = (partial: Partial<FaultOptions>): FaultOptions => {
    faults = { ...faults, ...partial };
    return faults;
  };
  const store = new FocusStore(dataset);
  const live = new LiveRecordings(store, clock);
  const stopFeed = opts.newRecordingEveryMs
    ? feedRecordings(live, opts.newRecordingEveryMs, opts.newRecordingPhone ?? FIXTURES.jane.phone)
    : () => {};
  const handle = createHandler({
    store,
    live,
    credentials,
    tokens,
    authPaths: new Set<string>(opts.authPaths ?? AUTH_PATHS),
    authBeforeRouting: opts.authBeforeRouting ?? false,
    shape: opts.endpointSearchShape ?? 'object',
    fields: opts.fields ?? {},
    rng: mulberry32(opts.faultSeed ?? dataset.seed),
    log,
    delays,
    clock,
    faults: () => faults,
    setFaults,
  });
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      sendText(res, 500, JSON.stringify({ error: 'simulator bug', detail: String(e) }));
    });
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}${BASE_PATH}`,
    port,
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
        delays.cancelAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
