/**
 * The HTTP receiver: Bolt's HTTPReceiver with a guard in front of `POST /slack/events`.
 *
 * Bolt trusts a correctly signed body to be an object: a signed `null` (or `payload=null`)
 * throws inside its request handling with nothing to catch it, and a number, string or array
 * is handed to the listeners. Bolt also accepts timestamps from the future and the same signed
 * request any number of times. The guard reads the body first (Bolt reuses what it read), and
 * answers before Bolt sees the request when:
 * - the timestamp is more than 5 minutes from the clock, either way, or the signature does not
 *   match: 401, as Bolt answers a stale request;
 * - the body is not a JSON object (`payload` included): 400;
 * - the same signature was already accepted (a replay): 200 with an empty body, nothing done.
 *   Silent rather than refused because the request did come from Slack once and was handled:
 *   a proxy that resends a POST whose answer it lost gets the acknowledgement it expects and
 *   the asker still gets exactly one answer. Slack's own redeliveries of an event are signed
 *   afresh, so they pass here and are answered once by event id (see the app's middleware).
 * Everything else (health routes, Slack's unsigned `ssl_check`, and in distribution mode the
 * browser GETs of `/slack/install` and `/slack/oauth_redirect`, see install.ts) goes to Bolt
 * unchanged.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import {
  type BufferedIncomingMessage,
  type CustomRoute,
  HTTPModuleFunctions,
  HTTPReceiver,
  type HTTPReceiverOptions,
  type InstallationStore,
} from '@slack/bolt';
import type { Logger } from '../../domain/logger.js';
import type { StateStore } from '../../state/index.js';
import { boltLogger } from './bolt-logger.js';
import { BOT_SCOPES, installerOptions, OnceStateStore } from './install.js';
import { SeenSignatures } from './replays.js';

export const EVENTS_PATH = '/slack/events';
/** How far a request's timestamp may be from the clock, either way (Slack's own rule). */
export const TIMESTAMP_WINDOW_MS = 5 * 60_000;
const FORM = 'application/x-www-form-urlencoded';

export interface ReceiverOptions {
  signingSecret: string;
  customRoutes: CustomRoute[];
  logger: Logger;
  /** Where replayed signatures are remembered (default: this process's memory). */
  state?: StateStore;
  now?: () => number;
  /** Distribution mode: "Add to Slack" through Bolt's InstallProvider (install.ts). */
  install?: {
    clientId: string;
    clientSecret: string;
    stateSecret: string;
    installationStore: InstallationStore;
    /** Remembers used install states (shared by replicas), so each is accepted once. */
    usedStates: Pick<StateStore, 'claim'>;
    /** For `oauth.v2.access` and `auth.test` during an install (the Slack API URL, the pool). */
    clientOptions: NonNullable<HTTPReceiverOptions['installerOptions']>['clientOptions'];
  };
}

export function createReceiver(options: ReceiverOptions): HTTPReceiver {
  const { install } = options;
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    // The guard below verifies every request to the events path (timestamp window, signature,
    // replay) before Bolt sees it; Bolt verifying again would be a second HMAC per request.
    signatureVerification: false,
    endpoints: [EVENTS_PATH],
    customRoutes: options.customRoutes,
    logger: boltLogger(options.logger),
    ...(install && {
      clientId: install.clientId,
      clientSecret: install.clientSecret,
      stateSecret: install.stateSecret,
      installationStore: install.installationStore,
      scopes: [...BOT_SCOPES],
      installerOptions: installerOptions({ logger: options.logger, clientOptions: install.clientOptions }),
    }),
  });
  const installer = receiver.installer;
  if (install) {
    if (!installer?.stateStore) throw new Error('Bolt did not build its InstallProvider');
    // Bolt's own state store (signed, 10 minutes), made to accept each state once.
    installer.stateStore = new OnceStateStore(installer.stateStore, install.usedStates);
  }
  receiver.requestListener = guardRequests(receiver.requestListener, options);
  return receiver;
}

type Verdict = { pass: true } | { pass: false; status: number; event: string; reason: string };

/** Wraps Bolt's request listener; see the module comment for what is answered here. */
export function guardRequests(
  inner: RequestListener,
  options: Pick<ReceiverOptions, 'signingSecret' | 'logger' | 'now' | 'state'>,
): RequestListener {
  const now = options.now ?? Date.now;
  const seen = new SeenSignatures({
    windowMs: TIMESTAMP_WINDOW_MS,
    now,
    ...(options.state && { store: options.state }),
  });
  const { logger } = options;

  const check = async (req: IncomingMessage): Promise<Verdict> => {
    let buffered: BufferedIncomingMessage;
    try {
      buffered = await HTTPModuleFunctions.bufferIncomingMessage(req, HTTPModuleFunctions.defaultBodyLimit);
    } catch (error) {
      const tooLarge = HTTPModuleFunctions.isRawBodyError(error) && error.statusCode === 413;
      return refuse(tooLarge ? 413 : 400, 'slack.malformed_request', tooLarge ? 'too_large' : 'unreadable');
    }
    const text = buffered.rawBody.toString();
    const contentType = req.headers['content-type'];
    // Slack's unsigned connectivity check: Bolt answers it and drops anything else in the body.
    if (contentType === FORM && parseQuery(text).ssl_check === '1') return { pass: true };

    const signature = req.headers['x-slack-signature'];
    const stamp = req.headers['x-slack-request-timestamp'];
    if (typeof signature !== 'string' || typeof stamp !== 'string' || !/^\d{1,12}$/.test(stamp)) {
      return refuse(401, 'slack.request_refused', 'unsigned');
    }
    const timestampSec = Number(stamp);
    const nowMs = now();
    if (Math.abs(nowMs - timestampSec * 1000) > TIMESTAMP_WINDOW_MS) {
      return refuse(401, 'slack.request_refused', 'timestamp_out_of_window');
    }
    if (!signatureMatches(options.signingSecret, stamp, text, signature)) {
      return refuse(401, 'slack.request_refused', 'bad_signature');
    }
    const shape = bodyProblem(buffered);
    if (shape) return refuse(400, 'slack.malformed_request', shape);
    // Remembered only once it is known to be a well-formed request from Slack.
    if (!(await seen.firstTime(signature, timestampSec))) {
      return refuse(200, 'slack.replay_ignored', 'signature_already_used');
    }
    return { pass: true };
  };

  return (req, res) => {
    if (req.method !== 'POST' || pathOf(req.url) !== EVENTS_PATH) {
      inner(req, res);
      return;
    }
    check(req)
      .then((verdict) => {
        if (verdict.pass) {
          inner(req, res);
          return;
        }
        const fields = { reason: verdict.reason, status: verdict.status };
        if (verdict.status === 200) logger.info(verdict.event, fields);
        else logger.warn(verdict.event, fields);
        HTTPModuleFunctions.buildNoBodyResponse(res, verdict.status);
      })
      .catch((error: unknown) => {
        logger.error('slack.receiver_error', { error });
        if (!res.headersSent) HTTPModuleFunctions.buildNoBodyResponse(res, 500);
        else res.end();
      });
  };
}

/**
 * Slack's v0 signature (HMAC-SHA256 of `v0:{timestamp}:{body}`), compared in constant time. One
 * HMAC: Bolt's own check compares through `tsscmp`, two more HMACs and random bytes per request.
 */
export function signatureMatches(
  secret: string,
  timestamp: string,
  body: string,
  signature: string,
): boolean {
  const expected = Buffer.from(
    `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
  );
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function refuse(status: number, event: string, reason: string): Verdict {
  return { pass: false, status, event, reason };
}

/** Why the body cannot be a Slack request, parsed exactly as Bolt parses it; undefined if fine. */
function bodyProblem(req: BufferedIncomingMessage): string | undefined {
  let body: unknown;
  try {
    body = HTTPModuleFunctions.parseHTTPRequestBody(req);
  } catch {
    return 'not_json';
  }
  if (!isObject(body)) return 'not_an_object';
  if ('event' in body && !isObject(body.event)) return 'event_not_an_object';
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pathOf(url: string | undefined): string | undefined {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return undefined;
  }
}
