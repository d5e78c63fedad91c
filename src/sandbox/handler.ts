/**
 * The request pipeline: (auth, for a tenant that authenticates first), route, delay and
 * faults, auth, rights, body, handler, response shaping, stats.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FocusEndpoint } from '../domain/focus.js';
import type { TokenIssuer } from './auth.js';
import { decideFaults, type FaultOptions, retryAfterValue, truncateJson } from './faults.js';
import { type Delays, parseJson, readBody, sendText } from './http.js';
import { type LiveRecordings, parseNewRecording } from './live.js';
import {
  type Credentials,
  checkCredentials,
  type EndpointSearchShape,
  type Reply,
  ROUTES,
} from './routes.js';
import { type FieldMasks, shapeBody } from './shape.js';
import type { StatsLog } from './stats.js';
import type { FocusStore } from './store.js';

export const BASE_PATH = '/api';

export interface SimState {
  store: FocusStore;
  live: LiveRecordings;
  credentials: Credentials;
  tokens: TokenIssuer;
  authPaths: ReadonlySet<string>;
  authBeforeRouting: boolean;
  shape: EndpointSearchShape;
  fields: FieldMasks;
  rng: () => number;
  log: StatsLog;
  delays: Delays;
  clock: () => number;
  faults(): FaultOptions;
  setFaults(partial: Partial<FaultOptions>): FaultOptions;
}

const err = (status: number, message: string, headers?: Record<string, string>): Reply => ({
  status,
  body: { error: message },
  ...(headers ? { headers } : {}),
});

export function createHandler(s: SimState): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  /** When each request under way arrived, for the request log. */
  const received = new WeakMap<ServerResponse, number>();
  const send = (
    res: ServerResponse,
    endpoint: FocusEndpoint | undefined,
    reply: Reply,
    malformed = false,
  ) => {
    let text = JSON.stringify(reply.body);
    if (malformed && reply.status === 200) text = truncateJson(text);
    s.log.record(endpoint, reply.status, received.get(res));
    sendText(res, reply.status, text, reply.headers);
  };

  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    const path = url.pathname.startsWith(`${BASE_PATH}/`) ? url.pathname.slice(BASE_PATH.length) : '';
    if (path.startsWith('/__sim/')) return simControl(s, req, res, path, method);
    received.set(res, s.log.enter());
    res.once('close', () => s.log.leave());
    const isAuth = s.authPaths.has(path.slice(1));
    const route = ROUTES.find((r) => r.path === path);
    if (s.authBeforeRouting && !isAuth) {
      const denied = s.tokens.check(req.headers.authorization, s.faults().tokenLifetimeSeconds);
      if (denied) return send(res, route?.endpoint, err(401, denied));
    }
    if (!isAuth && !route) return send(res, undefined, err(404, `no route ${url.pathname}`));
    const endpoint: FocusEndpoint = route ? route.endpoint : 'auth';
    if (method !== (route?.method ?? 'POST')) return send(res, endpoint, err(405, `${method} not allowed`));
    const raw = await readBody(req);
    if (raw === null) return send(res, endpoint, err(413, 'body too large'));
    const faults = s.faults();
    const decision = decideFaults(faults, endpoint, s.rng);
    await s.delays.wait(decision.delayMs);
    if (decision.status) {
      const retry = decision.status === 429 || decision.status === 503;
      const headers = retry ? { 'retry-after': retryAfterValue(faults, s.clock()) } : undefined;
      return send(res, endpoint, err(decision.status, `simulated ${decision.status}`, headers));
    }
    const json = parseJson(raw);
    if (!route) {
      if (faults.authFails) return send(res, endpoint, err(401, 'invalid credentials'));
      if (!json.ok) return send(res, endpoint, err(400, 'invalid JSON body'));
      const check = checkCredentials(json.value, s.credentials);
      if (check === 'bad-request')
        return send(res, endpoint, err(400, 'apiKey, username and clientId are required'));
      if (check === 'wrong') return send(res, endpoint, err(401, 'invalid credentials'));
      const body = s.tokens.issue(faults.tokenLifetimeSeconds);
      return send(res, endpoint, { status: 200, body }, decision.malformed);
    }
    const denied = s.tokens.check(req.headers.authorization, faults.tokenLifetimeSeconds);
    if (denied) return send(res, endpoint, err(401, denied));
    if (faults.withheldRights.includes(route.right)) {
      return send(res, endpoint, err(403, `missing right ${route.right}`));
    }
    if (!json.ok) return send(res, endpoint, err(400, 'invalid JSON body'));
    const reply = route.handle({
      store: s.store,
      endpointSearchShape: s.shape,
      query: url.searchParams,
      body: json.value,
    });
    const shaped =
      reply.status === 200
        ? { ...reply, body: shapeBody(reply.body, s.fields[route.entity], route.envelope) }
        : reply;
    send(res, endpoint, shaped, decision.malformed);
  };
}

/**
 * `/api/__sim/stats` (GET, DELETE resets), `/api/__sim/faults` (GET, POST merges) and
 * `/api/__sim/recordings` (POST adds one, answers 201 with it): no auth, not counted.
 */
async function simControl(
  s: SimState,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  method: string,
) {
  const json = (status: number, body: unknown) => sendText(res, status, JSON.stringify(body));
  if (path === '/__sim/stats' && method === 'GET') return json(200, s.log.snapshot());
  if (path === '/__sim/stats' && method === 'DELETE') {
    s.log.reset();
    return json(200, s.log.snapshot());
  }
  if (path === '/__sim/faults' && method === 'GET') return json(200, s.faults());
  if (path === '/__sim/faults' && method === 'POST') {
    const body = parseJson((await readBody(req)) ?? '');
    if (!body.ok || typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
      return json(400, { error: 'body must be a JSON object of fault knobs' });
    }
    return json(200, s.setFaults(body.value as Partial<FaultOptions>));
  }
  if (path === '/__sim/recordings' && method === 'POST') {
    const body = parseJson((await readBody(req)) ?? '');
    const spec = body.ok ? parseNewRecording(body.value) : { ok: false as const, error: 'invalid JSON body' };
    if (!spec.ok) return json(400, { error: spec.error });
    try {
      return json(201, s.live.add(spec.value));
    } catch (e) {
      return json(400, { error: e instanceof Error ? e.message : String(e) });
    }
  }
  if (path === '/__sim/stats' || path === '/__sim/faults' || path === '/__sim/recordings')
    return json(405, { error: `${method} not allowed` });
  json(404, { error: `no route ${path}` });
}
