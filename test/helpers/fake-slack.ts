/**
 * A local fake of the Slack Web API (reached through SLACK_API_URL) that also receives
 * response_url posts. It records every call, and signs requests the way Slack does. Messages
 * that `chat.postMessage` posts (answered ok) are kept per channel, and `conversations.history`
 * reads them back as Slack does (slack-history.ts). For distribution mode it also plays Slack's
 * side of "Add to Slack": `grant()` stands for a person approving an install on Slack's authorize
 * page (it returns the one-time code Slack would put in the redirect), `oauth.v2.access` exchanges
 * the code, and `auth.test` answers for each bot token it issued. With token rotation (a grant's
 * `expiresInSec`) it issues expiring tokens with a refresh token, refreshes them as Slack does, and
 * refuses a token once it has expired.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChannelHistory, type SlackMessage } from './slack-history.js';

/** A view as `views.publish` sent it (the Home tab). */
export interface PublishedView {
  type: string;
  blocks: Array<Record<string, unknown>>;
  private_metadata?: string;
}

/** A Web API argument sent form-encoded: objects arrive as JSON text. */
const parsed = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
  /** The token the call was made with (`Authorization: Bearer …`), if any. */
  token: string | undefined;
  /** When the call arrived (performance.now()). */
  at: number;
}

/** What a method answers besides `ok: true`; a promise answers when it settles (a slow Slack). */
export type MethodHandler = (
  body: Record<string, unknown>,
) => Record<string, unknown> | Promise<Record<string, unknown>>;

/** What a person approved on Slack's authorize page: a workspace, or a whole organisation. */
export interface FakeGrant {
  /** The workspace (a team install). */
  team?: { id: string; name: string };
  /** The organisation: the workspace's, or (orgWide) the one installed into. */
  enterprise?: { id: string; name: string };
  orgWide?: boolean;
  /** The scopes asked for (the authorize URL's `scope`). */
  scope: string;
  /** The installer. */
  userId?: string;
  /**
   * Token rotation on: the bot token comes with a refresh token and expires this many seconds from
   * now (as one issued some hours ago; a refreshed one lasts `ROTATED_TOKEN_LIFETIME_S`).
   */
  expiresInSec?: number;
}

/** The installation a grant made: its bot's token and ids. */
export interface FakeInstallation {
  code: string;
  botToken: string;
  botUserId: string;
  botId: string;
  /** With token rotation: the refresh token, and when the bot token expires (Unix seconds). */
  refreshToken?: string;
  expiresAt?: number;
}

export interface FakeSlack {
  apiUrl: string;
  /** The app's OAuth credentials: `oauth.v2.access` refuses any other. */
  oauthApp(credentials: { clientId: string; clientSecret: string; appId: string }): void;
  /** Someone approves an install on Slack's page: a code for the redirect, good for one exchange. */
  grant(grant: FakeGrant): FakeInstallation;
  /** Slack forgets a token (an uninstall): `auth.test` and every call with it answer `token_revoked`. */
  revokeToken(token: string): void;
  /** `oauth.v2.access` calls with `grant_type=refresh_token` so far (answered or not). */
  refreshes(): RecordedCall[];
  /** Answers `method` only after `ms` (a Slack that takes its time), whatever it answers. */
  delay(method: string, ms: number): void;
  /** Answers `method` with this (merged onto `{ ok: true }`) instead of the default. */
  on(method: string, handler: MethodHandler): void;
  /**
   * Answers `method` with HTTP 429 and `Retry-After: retryAfterSec` (as Slack rate-limits one
   * method) until `clearRateLimit(method)`. Other methods are unaffected. With `token`, only the
   * calls made with that token (one workspace: Slack's limits are per workspace) are answered so.
   */
  rateLimit(method: string, retryAfterSec: number, token?: string): void;
  clearRateLimit(method: string, token?: string): void;
  /**
   * The next `count` calls of `method` take effect (a post is posted) but are never answered:
   * the connection stays open until the caller gives up, as when Slack is too slow to answer,
   * or with `cutAfterMs` is cut then, as when a connection breaks.
   */
  stall(method: string, count?: number, options?: { cutAfterMs?: number }): void;
  /** What a channel shows: the messages posted in it, oldest first. */
  messagesIn(channel: string): SlackMessage[];
  /** Calls of one Web API method so far. */
  callsOf(method: string): RecordedCall[];
  /** Resolves when `method` has been called `count` times in all. */
  waitForCalls(method: string, count?: number, timeoutMs?: number): Promise<RecordedCall[]>;
  /** A fresh response_url; posts to it land in `responses`. */
  responseUrl(): string;
  calls: RecordedCall[];
  responses: Array<{ path: string; body: Record<string, unknown> }>;
  /** Resolves with the post to this response_url (taken out of `responses`). */
  responseAt(url: string, timeoutMs?: number): Promise<{ path: string; body: Record<string, unknown> }>;
  /** Resolves with the first Web API call of `method` that `match` accepts. */
  waitForCall(
    method: string,
    match: (call: RecordedCall) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedCall>;
  /** Resolves with the next response_url post. */
  nextResponse(timeoutMs?: number): Promise<{ path: string; body: Record<string, unknown> }>;
  /**
   * Resolves with the next Home tab view `views.publish` sent for `user` after call number
   * `from` (of all calls), parsed.
   */
  publishedView(user: string, from: number, timeoutMs?: number): Promise<PublishedView>;
  /**
   * Resolves with how the next workflow step run after call `from` ended:
   * `functions.completeSuccess`'s outputs or `functions.completeError`'s error.
   */
  stepResult(
    from: number,
    timeoutMs?: number,
  ): Promise<{ outputs: Record<string, unknown> } | { error: string }>;
  close(): Promise<void>;
}

/** How long a refreshed access token lasts: 12 hours (https://docs.slack.dev/authentication/using-token-rotation). */
export const ROTATED_TOKEN_LIFETIME_S = 43_200;

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += chunk;
  if (!text) return {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(text);
  return Object.fromEntries(new URLSearchParams(text));
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: RecordedCall[] = [];
  const responses: FakeSlack['responses'] = [];
  const waiters: Array<(r: FakeSlack['responses'][number]) => void> = [];
  let counter = 0;
  const handlers = new Map<string, MethodHandler>();
  /** By method, or by `token method` for one workspace's calls. */
  const rateLimited = new Map<string, number>();
  const stalls = new Map<string, { count: number; cutAfterMs: number | undefined }>();
  const history = new ChannelHistory();
  let oauthApp: { clientId: string; clientSecret: string; appId: string } | undefined;
  let grants = 0;
  /** Codes not yet exchanged. */
  const codes = new Map<string, { grant: FakeGrant; installation: FakeInstallation }>();
  /** Bot tokens issued by an exchange, and what `auth.test` says about each. */
  const tokens = new Map<string, Record<string, unknown>>();
  const revoked = new Set<string>();
  /** With token rotation: when each access token expires (ms), and each refresh token unused. */
  const expiries = new Map<string, number>();
  const refreshTokens = new Map<string, Record<string, unknown>>();
  const delays = new Map<string, number>();
  let rotations = 0;
  const callsOf = (method: string) => calls.filter((c) => c.method === method);
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = req.url ?? '/';
    res.setHeader('content-type', 'application/json');
    if (path.startsWith('/response/')) {
      const entry = { path, body };
      const waiter = waiters.shift();
      if (waiter) waiter(entry);
      else responses.push(entry);
      res.end('{"ok":true}');
      return;
    }
    const method = path.replace(/^\/api\//, '').split('?')[0] ?? '';
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    calls.push({ method, body, token, at: performance.now() });
    const delayMs = delays.get(method);
    if (delayMs !== undefined) await new Promise((r) => setTimeout(r, delayMs));
    if (token !== undefined && revoked.has(token)) {
      res.end('{"ok":false,"error":"token_revoked"}');
      return;
    }
    if (token !== undefined && (expiries.get(token) ?? Number.POSITIVE_INFINITY) <= Date.now()) {
      res.end('{"ok":false,"error":"token_expired"}');
      return;
    }
    if (method === 'oauth.v2.access') {
      res.end(JSON.stringify(body.grant_type === 'refresh_token' ? refresh(body) : exchange(body)));
      return;
    }
    const issued = token === undefined ? undefined : tokens.get(token);
    if (method === 'auth.test' && issued) {
      res.end(JSON.stringify({ ok: true, ...issued }));
      return;
    }
    const retryAfter = rateLimited.get(`${token} ${method}`) ?? rateLimited.get(method);
    if (retryAfter !== undefined) {
      res.writeHead(429, { 'retry-after': String(retryAfter) });
      res.end('{"ok":false,"error":"ratelimited"}');
      return;
    }
    const stalled = stalls.get(method);
    if (stalled && stalled.count > 0) {
      stalled.count--;
      if (method === 'chat.postMessage') history.post(body);
      if (stalled.cutAfterMs !== undefined) setTimeout(() => req.socket.destroy(), stalled.cutAfterMs);
      return;
    }
    const handler = handlers.get(method);
    if (handler) {
      const answer = { ok: true, ...(await handler(body)) };
      if (method === 'chat.postMessage' && answer.ok) {
        const message = history.post(body);
        res.end(JSON.stringify({ channel: body.channel, ts: message.ts, message, ...answer }));
      } else res.end(JSON.stringify(answer));
      return;
    }
    if (method === 'chat.postMessage') {
      const message = history.post(body);
      res.end(JSON.stringify({ ok: true, channel: body.channel, ts: message.ts, message }));
      return;
    }
    if (method === 'conversations.history') {
      res.end(JSON.stringify(history.history(body)));
      return;
    }
    if (method === 'auth.test') {
      res.end(JSON.stringify({ ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', user: 'focus' }));
      return;
    }
    if (method === 'views.publish') {
      res.end(JSON.stringify({ ok: true, view: { id: 'VHOME1', hash: `h${calls.length}` } }));
      return;
    }
    if (method === 'views.open') {
      res.end(JSON.stringify({ ok: true, view: { id: `V-${body.trigger_id ?? calls.length}`, hash: 'h1' } }));
      return;
    }
    res.end(JSON.stringify({ ok: true }));
  });
  /**
   * `oauth.v2.access` as Slack answers it. The shapes follow Slack's published examples: a team
   * install as in https://docs.slack.dev/reference/methods/oauth.v2.access (Example response), an
   * org-wide one (`team: null`, `is_enterprise_install: true`) as in
   * https://api.slack.com/enterprise/apps/reference ("oauth.v2.access response"). Without user
   * scopes, `authed_user` carries only the installer's id.
   */
  const exchange = (body: Record<string, unknown>): Record<string, unknown> => {
    if (!oauthApp || body.client_id !== oauthApp.clientId) return { ok: false, error: 'invalid_client_id' };
    if (body.client_secret !== oauthApp.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const granted = typeof body.code === 'string' ? codes.get(body.code) : undefined;
    if (!granted) return { ok: false, error: 'invalid_code' };
    codes.delete(body.code as string);
    const { grant, installation } = granted;
    const orgWide = grant.orgWide === true;
    return {
      ok: true,
      access_token: installation.botToken,
      ...(installation.refreshToken && {
        refresh_token: installation.refreshToken,
        expires_in: grant.expiresInSec,
      }),
      token_type: 'bot',
      scope: grant.scope,
      bot_user_id: installation.botUserId,
      app_id: oauthApp.appId,
      team: orgWide ? null : (grant.team ?? null),
      enterprise: grant.enterprise ?? null,
      authed_user: { id: grant.userId ?? 'UINSTALLER' },
      is_enterprise_install: orgWide,
    };
  };
  /** A new expiring bot token and its refresh token, answering `auth.test` as `info` says. */
  const issueRotating = (info: Record<string, unknown>, expiresInSec: number) => {
    const n = ++rotations;
    const botToken = `xoxe.xoxb-fake-${n}-${Math.random().toString(36).slice(2)}`;
    const refreshToken = `xoxe-1-fake-${n}-${Math.random().toString(36).slice(2)}`;
    tokens.set(botToken, info);
    expiries.set(botToken, Date.now() + expiresInSec * 1000);
    refreshTokens.set(refreshToken, info);
    return { botToken, refreshToken, expiresAt: Math.floor(Date.now() / 1000) + expiresInSec };
  };
  /**
   * `oauth.v2.access` with `grant_type=refresh_token`, as https://docs.slack.dev/authentication/using-token-rotation
   * describes it: a new expiring access token and a new refresh token, the refresh token used
   * revoked (a second use answers `invalid_refresh_token`). The answer's fields are those of
   * https://docs.slack.dev/reference/methods/oauth.v2.access (`token_type`, `access_token`,
   * `refresh_token`, `expires_in`, as Bolt's InstallProvider reads them).
   */
  const refresh = (body: Record<string, unknown>): Record<string, unknown> => {
    if (!oauthApp || body.client_id !== oauthApp.clientId) return { ok: false, error: 'invalid_client_id' };
    if (body.client_secret !== oauthApp.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const info = typeof body.refresh_token === 'string' ? refreshTokens.get(body.refresh_token) : undefined;
    if (!info) return { ok: false, error: 'invalid_refresh_token' };
    refreshTokens.delete(body.refresh_token as string);
    const next = issueRotating(info, ROTATED_TOKEN_LIFETIME_S);
    return {
      ok: true,
      app_id: oauthApp.appId,
      token_type: 'bot',
      access_token: next.botToken,
      refresh_token: next.refreshToken,
      expires_in: ROTATED_TOKEN_LIFETIME_S,
      bot_user_id: info.user_id,
      team: info.team_id ? { id: info.team_id, name: info.team } : null,
      enterprise: info.enterprise_id ? { id: info.enterprise_id } : null,
      is_enterprise_install: info.is_enterprise_install === true,
    };
  };
  const waitForCall: FakeSlack['waitForCall'] = async (method, match, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = callsOf(method).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching ${method} call`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    apiUrl: `${base}/api/`,
    oauthApp: (credentials) => {
      oauthApp = credentials;
    },
    grant: (grant) => {
      const n = ++grants;
      const orgWide = grant.orgWide === true;
      const info = {
        url: orgWide
          ? `https://${grant.enterprise?.id.toLowerCase()}.enterprise.slack.com/`
          : 'https://acme.slack.com/',
        user: 'focus',
        user_id: `UBOT${n}`,
        bot_id: `BBOT${n}`,
        ...(orgWide ? {} : { team: grant.team?.name, team_id: grant.team?.id }),
        ...(grant.enterprise && { enterprise_id: grant.enterprise.id }),
        is_enterprise_install: orgWide,
      };
      const installation: FakeInstallation = {
        code: `code-${n}-${Math.random().toString(36).slice(2)}`,
        botToken: `xoxb-fake-${n}-${Math.random().toString(36).slice(2)}`,
        botUserId: `UBOT${n}`,
        botId: `BBOT${n}`,
      };
      if (grant.expiresInSec === undefined) tokens.set(installation.botToken, info);
      else Object.assign(installation, issueRotating(info, grant.expiresInSec));
      codes.set(installation.code, { grant, installation });
      return installation;
    },
    refreshes: () => callsOf('oauth.v2.access').filter((c) => c.body.grant_type === 'refresh_token'),
    delay: (method, ms) => {
      delays.set(method, ms);
    },
    revokeToken: (token) => {
      revoked.add(token);
    },
    responseUrl: () => `${base}/response/${++counter}`,
    calls,
    responses,
    on: (method, handler) => {
      handlers.set(method, handler);
    },
    rateLimit: (method, retryAfterSec, token) => {
      rateLimited.set(token === undefined ? method : `${token} ${method}`, retryAfterSec);
    },
    clearRateLimit: (method, token) => {
      rateLimited.delete(token === undefined ? method : `${token} ${method}`);
    },
    stall: (method, count = 1, options = {}) => {
      stalls.set(method, { count, cutAfterMs: options.cutAfterMs });
    },
    messagesIn: (channel) => history.messagesIn(channel),
    callsOf,
    async waitForCalls(method, count = 1, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (callsOf(method).length < count) {
        if (Date.now() > deadline)
          throw new Error(`${method} was called ${callsOf(method).length} times, not ${count}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return callsOf(method);
    },
    async responseAt(url, timeoutMs = 10_000) {
      const path = new URL(url).pathname;
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = responses.findIndex((r) => r.path === path);
        if (i >= 0) return responses.splice(i, 1)[0] as (typeof responses)[number];
        if (Date.now() > deadline) throw new Error(`no post to ${path}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    waitForCall,
    async publishedView(user, from, timeoutMs = 10_000) {
      const call = await waitForCall(
        'views.publish',
        (c) => c.body.user_id === user && calls.indexOf(c) >= from,
        timeoutMs,
      );
      return parsed(call.body.view) as PublishedView;
    },
    async stepResult(from, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const call = calls
          .slice(from)
          .find((c) => c.method === 'functions.completeSuccess' || c.method === 'functions.completeError');
        if (call?.method === 'functions.completeSuccess')
          return { outputs: parsed(call.body.outputs) as Record<string, unknown> };
        if (call) return { error: String(call.body.error) };
        if (Date.now() > deadline) throw new Error('the step neither completed nor failed');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    nextResponse(timeoutMs = 10_000) {
      const ready = responses.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no response_url post arrived')), timeoutMs);
        waiters.push((r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Slack's v0 request signature over `v0:{timestamp}:{body}`. */
export function signSlackRequest(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    'x-slack-signature': signature,
    'x-slack-request-timestamp': String(timestamp),
    'content-type': 'application/x-www-form-urlencoded',
  };
}

/** A slash command's form body, as Slack sends it. */
export function slashCommandBody(
  text: string,
  responseUrl: string,
  overrides: Record<string, string> = {},
): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T1',
    team_domain: 'acme',
    channel_id: 'C1',
    channel_name: 'compliance',
    user_id: 'U1',
    user_name: 'alice',
    command: '/focus',
    text,
    api_app_id: 'A1',
    response_url: responseUrl,
    trigger_id: '1.2.3',
    ...overrides,
  }).toString();
}
