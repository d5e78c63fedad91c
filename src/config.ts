/**
 * The environment, parsed once with zod (the table in the README). `loadConfig` returns every problem at
 * once; no problem message ever echoes a secret's value.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { getCountries } from 'libphonenumber-js/max';
import { z } from 'zod';
import {
  encryptionKeySecrets,
  parseEncryptionKeys,
  readTenantsFile,
  tenantSecrets,
} from './config-tenancy.js';
import { CONSENT_MODES, type ConsentMode } from './domain/consent.js';
import { AppError } from './domain/errors.js';
import { DEFAULT_PERSON_TEMPLATE, DEFAULT_RECORDING_TEMPLATE } from './domain/links.js';
import { parseRights, type RightsMap } from './domain/rights.js';
import {
  AUTH_PATHS,
  type AuthPath,
  type Credentials,
  DEFAULT_AUTH_PATH,
  type EncryptionKeys,
  type FocusConnection,
  TRANSPORT_DEFAULTS,
} from './domain/tenant.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type SlackMode =
  | { kind: 'console' }
  | { kind: 'http'; botToken: string; signingSecret: string }
  | { kind: 'socket'; botToken: string; appToken: string }
  /** Distribution ("Add to Slack"): each installation's bot token comes from Bolt's OAuth flow. */
  | { kind: 'oauth'; clientId: string; clientSecret: string; stateSecret: string; signingSecret: string };

/** The Focus tenant the app talks to. */
export interface Tenant {
  baseUrl: string;
  credentials: Credentials;
  authPath: AuthPath;
}

/** The configuration, grouped by the part of the app that reads it; each gets its own slice. */
export interface Config {
  focus: {
    /** Undefined: run the built-in Focus simulator (sandbox), behaving as `sandboxProfile`. */
    tenant: Tenant | undefined;
    /**
     * SANDBOX_PROFILE as given (undefined: the simulator's default). The simulator's own names
     * check it when it starts, in sandbox mode: the app never loads the simulator to check a name.
     */
    sandboxProfile: string | undefined;
    maxConcurrency: number;
    /** A lookup's deadline, retries included. */
    timeoutMs: number;
    /** FOCUS_TENANTS_FILE as given, for the start-up log line. */
    tenantsFile: string | undefined;
    /** The connections it provisions, by Slack team or enterprise id (empty without the file). */
    tenants: ReadonlyMap<string, FocusConnection>;
    /** Distribution mode: a tenant's stack unused this long is released (TENANT_IDLE_SECONDS). */
    tenantIdleSeconds: number;
  };
  portal: {
    /** Undefined: derived from the Focus base URL (or the simulator's). */
    url: string | undefined;
    recordingTemplate: string;
    personTemplate: string;
  };
  /** The people directory (name search). */
  directory: { refreshMinutes: number };
  parse: { defaultRegion: CountryCode };
  slack: { mode: SlackMode; apiUrl: string; port: number };
  access: {
    allowedUserIds: string[];
    allowedChannelIds: string[];
    requireLinkedUser: boolean;
    /** What each kind of answer needs of a linked user (FOCUS_RIGHTS over the defaults). */
    rights: RightsMap;
  };
  surfaces: {
    /** Answers the whole conversation sees (unfurls, mention threads, shares, subscription posts) may go to Slack Connect conversations. */
    slackConnectAllowed: boolean;
    watchChannelIds: string[];
    /** Before a pasted link is previewed to others: ask the paster, always preview, or never. */
    unfurlConsent: ConsentMode;
    /** Each person's recent lookups are kept (24 h) for their Home tab. */
    recentLookups: boolean;
  };
  subscriptions: {
    pollSeconds: number;
    /** Least time between two subscription posts in one channel. */
    postIntervalMs: number;
  };
  state: {
    /** The embedded store (SQLite file): subscriptions, cursors, delivered ids (one replica). */
    path: string;
    /** Shared state for several replicas; replaces `path` when set (a secret: it may hold a password). */
    redisUrl: string | undefined;
    redisPrefix: string;
    /** With Redis: the poller lease's time to live; another replica takes over within two. */
    leaseSeconds: number;
    /** STATE_ENCRYPTION_KEY: seals installations and Focus connections at rest. */
    encryptionKeys: EncryptionKeys | undefined;
    /**
     * UNINSTALL_RETENTION_DAYS (distribution mode): how long an uninstalled workspace's data
     * (its Focus connection, its choices) is kept for a reinstall; its tokens go at once.
     */
    uninstallRetentionDays: number;
  };
  logLevel: LogLevel;
  /** How long a stopping process waits for in-flight answers (SIGTERM -> exit). */
  shutdownGraceMs: number;
  production: boolean;
  /** Things that work but should be changed (an old variable name), logged at start. */
  warnings: string[];
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/**
 * A setting found wrong after `loadConfig`, by the part that knows its values (SANDBOX_PROFILE,
 * by the simulator's profile names): the process stops as on `loadConfig`'s problems (exit 2).
 */
export class ConfigError extends AppError {
  constructor(message: string) {
    super('config_invalid', message);
    this.name = 'ConfigError';
  }
}

const COUNTRIES = new Set<string>(getCountries());
const optional = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));
const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
const flag = (name: string, fallback = false) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const text = (v ?? '').trim().toLowerCase();
      if (text === '') return fallback;
      if (text === 'false' || text === '0' || text === 'no') return false;
      if (text === 'true' || text === '1' || text === 'yes') return true;
      ctx.addIssue({ code: 'custom', message: `${name} must be true or false` });
      return false;
    });
const int = (name: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const text = v?.trim() ?? '';
      if (text === '') return fallback;
      const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
      if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
      ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}` });
      return fallback;
    });
const isHttpUrl = (v: string): boolean => {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
};
const url = (name: string) =>
  optional
    .refine((v) => v === undefined || isHttpUrl(v), `${name} must be an http(s) URL`)
    .refine(
      (v) => v === undefined || !isHttpUrl(v) || (new URL(v).username === '' && new URL(v).password === ''),
      `${name} must not contain a user name or password`,
    );
const template = (name: string, fallback: string) =>
  optional
    .transform((v) => v ?? fallback)
    .refine((v) => v.split('{id}').length === 2, `${name} must contain the {id} placeholder exactly once`)
    .refine(
      (v) => v.startsWith('{portal}') || /^https?:\/\//i.test(v),
      `${name} must start with {portal} or http(s)://`,
    );

/** One schema per variable, parsed one by one so that every problem is reported. */
const fields = {
  FOCUS_BASE_URL: url('FOCUS_BASE_URL'),
  FOCUS_CLIENT_ID: optional.refine(
    (v) => v === undefined || /^\d+$/.test(v),
    'FOCUS_CLIENT_ID must be a number',
  ),
  FOCUS_API_KEY: optional,
  FOCUS_USERNAME: optional,
  FOCUS_AUTH_PATH: optional
    .transform((v) => `/${(v ?? DEFAULT_AUTH_PATH).replace(/^\/+/, '')}`)
    .pipe(
      z.enum(AUTH_PATHS, {
        message: `FOCUS_AUTH_PATH must be ${AUTH_PATHS.map((p) => p.slice(1)).join(' or ')}`,
      }),
    ),
  SANDBOX_PROFILE: optional,
  FOCUS_MAX_CONCURRENCY: int('FOCUS_MAX_CONCURRENCY', TRANSPORT_DEFAULTS.maxConcurrency, 1, 256),
  FOCUS_TIMEOUT_MS: int('FOCUS_TIMEOUT_MS', TRANSPORT_DEFAULTS.deadlineMs, 100, 120_000),
  DIRECTORY_REFRESH_MINUTES: int('DIRECTORY_REFRESH_MINUTES', 15, 1, 1_440),
  FOCUS_PORTAL_URL: url('FOCUS_PORTAL_URL'),
  FOCUS_RECORDING_URL_TEMPLATE: template('FOCUS_RECORDING_URL_TEMPLATE', DEFAULT_RECORDING_TEMPLATE),
  FOCUS_PERSON_URL_TEMPLATE: template('FOCUS_PERSON_URL_TEMPLATE', DEFAULT_PERSON_TEMPLATE),
  FOCUS_DEFAULT_REGION: optional
    .transform((v) => (v ?? 'GB').toUpperCase())
    .refine(
      (v) => COUNTRIES.has(v),
      'FOCUS_DEFAULT_REGION must be an ISO 3166 country code such as GB or US',
    ),
  SLACK_BOT_TOKEN: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: optional,
  // Distribution mode ("Add to Slack"): see oauthProblems.
  SLACK_CLIENT_ID: optional,
  SLACK_CLIENT_SECRET: optional,
  SLACK_STATE_SECRET: optional.refine(
    (v) => v === undefined || v.length >= 32,
    'SLACK_STATE_SECRET must be at least 32 characters (it signs the install state)',
  ),
  SLACK_API_URL: url('SLACK_API_URL').transform((v) => v ?? 'https://slack.com/api/'),
  PORT: int('PORT', 3000, 0, 65_535),
  ALLOWED_SLACK_USER_IDS: list,
  ALLOWED_SLACK_CHANNEL_IDS: list,
  SLACK_CONNECT_ALLOWED: flag('SLACK_CONNECT_ALLOWED'),
  /** The old name of SLACK_CONNECT_ALLOWED, still read (with a warning). */
  UNFURL_IN_SHARED_CHANNELS: flag('UNFURL_IN_SHARED_CHANNELS'),
  UNFURL_CONSENT: optional
    .transform((v) => (v ?? 'ask').toLowerCase())
    .pipe(z.enum(CONSENT_MODES, { message: 'UNFURL_CONSENT must be ask, always or never' })),
  FOCUS_REQUIRE_LINKED_USER: flag('FOCUS_REQUIRE_LINKED_USER'),
  FOCUS_RIGHTS: optional.transform((v, ctx) => {
    const parsed = parseRights(v);
    if (parsed.ok) return parsed.map;
    for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  }),
  WATCH_CHANNEL_IDS: list,
  HOME_RECENT_LOOKUPS: flag('HOME_RECENT_LOOKUPS', true),
  LOG_LEVEL: optional
    .transform((v) => (v ?? 'info').toLowerCase())
    .pipe(
      z.enum(['debug', 'info', 'warn', 'error'], { message: 'LOG_LEVEL must be debug, info, warn or error' }),
    ),
  SHUTDOWN_GRACE_MS: int('SHUTDOWN_GRACE_MS', 10_000, 0, 300_000),
  STATE_PATH: optional.transform((v) => v ?? './data/focus-for-slack.sqlite'),
  REDIS_URL: optional.refine(
    (v) => v === undefined || /^rediss?:\/\/[^\s]+$/.test(v),
    'REDIS_URL must be a redis:// or rediss:// URL',
  ),
  REDIS_KEY_PREFIX: optional.transform((v) => v ?? 'focus:'),
  POLLER_LEASE_SECONDS: int('POLLER_LEASE_SECONDS', 15, 1, 600),
  UNINSTALL_RETENTION_DAYS: int('UNINSTALL_RETENTION_DAYS', 30, 0, 365),
  SUBSCRIPTION_POLL_SECONDS: int('SUBSCRIPTION_POLL_SECONDS', 60, 1, 86_400),
  SUBSCRIPTION_POST_INTERVAL_MS: int('SUBSCRIPTION_POST_INTERVAL_MS', 1_000, 0, 60_000),
  NODE_ENV: optional,
  ...tenancyFields(),
};

/** The variables of a deployment for many workspaces (config-tenancy.ts). */
function tenancyFields() {
  return {
    STATE_ENCRYPTION_KEY: optional.transform((v, ctx) => {
      if (v === undefined) return undefined;
      const parsed = parseEncryptionKeys(v);
      if (parsed.ok) return parsed.value;
      for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }),
    FOCUS_TENANTS_FILE: optional.transform((path, ctx) => {
      if (path === undefined) return undefined;
      const parsed = readTenantsFile(path);
      if (parsed.ok) return { path, connections: parsed.value };
      for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }),
    // Distribution mode: a tenant's Focus stack unused this long is released (its pool closed).
    TENANT_IDLE_SECONDS: int('TENANT_IDLE_SECONDS', 600, 1, 86_400),
  };
}
type Env = { [K in keyof typeof fields]: z.output<(typeof fields)[K]> };

/** Each variable on its own: a failure names the variable and never quotes its value. */
function parseFields(env: Record<string, string | undefined>): { e: Env; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, field] of Object.entries(fields)) {
    const result = field.safeParse(env[name]);
    if (result.success) values[name] = result.data;
    else
      for (const issue of result.error.issues)
        problems.push(issue.message.startsWith(name) ? issue.message : `${name} is invalid`);
  }
  return { e: values as Env, problems };
}

/** Rules between variables; presence is judged on the raw text, so an invalid value still counts as set. */
function crossFieldProblems(env: Record<string, string | undefined>, production: boolean): string[] {
  const has = (name: string) => (env[name] ?? '').trim() !== '';
  const problems: string[] = [];
  const credentials = ['FOCUS_CLIENT_ID', 'FOCUS_API_KEY', 'FOCUS_USERNAME'];
  const distribution = OAUTH_VARIABLES.some(has);
  if (distribution) {
    // Each workspace connects its own tenant (App Home, FOCUS_TENANTS_FILE): no tenant for all.
    for (const name of ['FOCUS_BASE_URL', ...credentials])
      if (has(name))
        problems.push(
          `${name} cannot be used in distribution mode: each workspace connects its own Focus (from the App Home, or FOCUS_TENANTS_FILE)`,
        );
    if (!has('STATE_ENCRYPTION_KEY'))
      problems.push(
        'STATE_ENCRYPTION_KEY is required in distribution mode: installations and Focus connections are kept encrypted',
      );
  } else if (has('FOCUS_BASE_URL') || production) {
    if (!has('FOCUS_BASE_URL'))
      problems.push('FOCUS_BASE_URL is required in production (the sandbox simulator is for development)');
    const why = has('FOCUS_BASE_URL') ? 'with FOCUS_BASE_URL' : 'in production';
    for (const name of credentials) if (!has(name)) problems.push(`${name} is required ${why}`);
  } else if (credentials.some(has)) {
    problems.push('FOCUS_BASE_URL is required when Focus credentials are set');
  }
  const oauth = oauthProblems(has);
  if (oauth) return [...problems, ...oauth];
  if (has('SLACK_BOT_TOKEN')) {
    if (!has('SLACK_APP_TOKEN') && !has('SLACK_SIGNING_SECRET'))
      problems.push(
        'SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) is required with SLACK_BOT_TOKEN',
      );
  } else if (has('SLACK_SIGNING_SECRET') || has('SLACK_APP_TOKEN')) {
    problems.push('SLACK_BOT_TOKEN is required with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN');
  }
  return problems;
}

const OAUTH_VARIABLES = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;

/**
 * Distribution mode: any of the OAuth variables turns it on, and then all three and the signing
 * secret are needed. HTTP only (Slack Marketplace does not accept Socket Mode apps, and the
 * install routes are HTTP), and no SLACK_BOT_TOKEN (each installation brings its own).
 * Undefined when no OAuth variable is set (the other modes' rules apply).
 */
function oauthProblems(has: (name: string) => boolean): string[] | undefined {
  if (!OAUTH_VARIABLES.some(has)) return undefined;
  const problems = [...OAUTH_VARIABLES, 'SLACK_SIGNING_SECRET']
    .filter((name) => !has(name))
    .map(
      (name) =>
        `${name} is required in distribution mode (with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET)`,
    );
  if (has('SLACK_APP_TOKEN'))
    problems.push(
      'SLACK_APP_TOKEN cannot be used in distribution mode: it runs over HTTP only (Slack Marketplace does not accept Socket Mode apps); remove SLACK_APP_TOKEN',
    );
  if (has('SLACK_BOT_TOKEN'))
    problems.push(
      'SLACK_BOT_TOKEN cannot be used in distribution mode: each installation brings its own token; remove SLACK_BOT_TOKEN, or the SLACK_CLIENT_ID/SECRET and SLACK_STATE_SECRET for one workspace',
    );
  return problems;
}

export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const has = (name: string) => (env[name] ?? '').trim() !== '';
  const production = (env.NODE_ENV ?? '').trim() === 'production';
  const { e, problems: fieldProblems } = parseFields(env);
  const problems = [...new Set([...fieldProblems, ...crossFieldProblems(env, production)])];
  if (problems.length > 0) return { ok: false, problems };

  const tenant: Tenant | undefined =
    e.FOCUS_BASE_URL && e.FOCUS_CLIENT_ID && e.FOCUS_API_KEY && e.FOCUS_USERNAME
      ? {
          baseUrl: e.FOCUS_BASE_URL.replace(/\/+$/, ''),
          credentials: {
            clientId: Number(e.FOCUS_CLIENT_ID),
            apiKey: e.FOCUS_API_KEY,
            username: e.FOCUS_USERNAME,
          },
          authPath: e.FOCUS_AUTH_PATH,
        }
      : undefined;
  let mode: SlackMode = { kind: 'console' };
  if (e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET && e.SLACK_SIGNING_SECRET)
    mode = {
      kind: 'oauth',
      clientId: e.SLACK_CLIENT_ID,
      clientSecret: e.SLACK_CLIENT_SECRET,
      stateSecret: e.SLACK_STATE_SECRET,
      signingSecret: e.SLACK_SIGNING_SECRET,
    };
  else if (e.SLACK_BOT_TOKEN && e.SLACK_APP_TOKEN)
    mode = { kind: 'socket', botToken: e.SLACK_BOT_TOKEN, appToken: e.SLACK_APP_TOKEN };
  else if (e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET)
    mode = { kind: 'http', botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET };

  return {
    ok: true,
    config: {
      focus: {
        tenant,
        sandboxProfile: e.SANDBOX_PROFILE,
        maxConcurrency: e.FOCUS_MAX_CONCURRENCY,
        timeoutMs: e.FOCUS_TIMEOUT_MS,
        tenantsFile: e.FOCUS_TENANTS_FILE?.path,
        tenants: e.FOCUS_TENANTS_FILE?.connections ?? new Map(),
        tenantIdleSeconds: e.TENANT_IDLE_SECONDS,
      },
      portal: {
        url: e.FOCUS_PORTAL_URL?.replace(/\/+$/, ''),
        recordingTemplate: e.FOCUS_RECORDING_URL_TEMPLATE,
        personTemplate: e.FOCUS_PERSON_URL_TEMPLATE,
      },
      directory: { refreshMinutes: e.DIRECTORY_REFRESH_MINUTES },
      parse: { defaultRegion: e.FOCUS_DEFAULT_REGION as CountryCode },
      slack: {
        mode,
        apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
        port: e.PORT,
      },
      access: {
        allowedUserIds: e.ALLOWED_SLACK_USER_IDS,
        allowedChannelIds: e.ALLOWED_SLACK_CHANNEL_IDS,
        requireLinkedUser: e.FOCUS_REQUIRE_LINKED_USER,
        rights: e.FOCUS_RIGHTS,
      },
      surfaces: {
        slackConnectAllowed: has('SLACK_CONNECT_ALLOWED')
          ? e.SLACK_CONNECT_ALLOWED
          : e.UNFURL_IN_SHARED_CHANNELS,
        watchChannelIds: e.WATCH_CHANNEL_IDS,
        unfurlConsent: e.UNFURL_CONSENT,
        recentLookups: e.HOME_RECENT_LOOKUPS,
      },
      subscriptions: {
        pollSeconds: e.SUBSCRIPTION_POLL_SECONDS,
        postIntervalMs: e.SUBSCRIPTION_POST_INTERVAL_MS,
      },
      state: {
        path: e.STATE_PATH,
        redisUrl: e.REDIS_URL,
        redisPrefix: e.REDIS_KEY_PREFIX,
        leaseSeconds: e.POLLER_LEASE_SECONDS,
        encryptionKeys: e.STATE_ENCRYPTION_KEY,
        uninstallRetentionDays: e.UNINSTALL_RETENTION_DAYS,
      },
      logLevel: e.LOG_LEVEL,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      production,
      warnings: has('UNFURL_IN_SHARED_CHANNELS')
        ? [
            has('SLACK_CONNECT_ALLOWED')
              ? 'UNFURL_IN_SHARED_CHANNELS is ignored: SLACK_CONNECT_ALLOWED is set; remove the old name'
              : 'UNFURL_IN_SHARED_CHANNELS is the old name of SLACK_CONNECT_ALLOWED (it governs every answer a Slack Connect conversation would see, not only unfurls); rename it',
          ]
        : [],
    },
  };
}

/** The portal base: configured, or the API base without its `/api` suffix. */
export function portalBase(portal: Config['portal'], focusBaseUrl: string): string {
  return portal.url ?? focusBaseUrl.replace(/\/api\/?$/, '');
}

/** Values that must never reach a log line. */
export function secretsOf(config: Config): string[] {
  const mode = config.slack.mode;
  const secrets = [config.focus.tenant?.credentials.apiKey];
  if (mode.kind === 'http' || mode.kind === 'socket') secrets.push(mode.botToken);
  if (mode.kind === 'http') secrets.push(mode.signingSecret);
  if (mode.kind === 'oauth') secrets.push(mode.clientSecret, mode.stateSecret, mode.signingSecret);
  if (mode.kind === 'socket') secrets.push(mode.appToken);
  const redis = config.state.redisUrl;
  if (redis) {
    secrets.push(redis);
    const password = /^rediss?:\/\/[^/@]*:([^@/]+)@/.exec(redis)?.[1];
    if (password) secrets.push(password, decodeURIComponent(password));
  }
  secrets.push(...encryptionKeySecrets(config.state.encryptionKeys), ...tenantSecrets(config.focus.tenants));
  return secrets.filter((s): s is string => s !== undefined && s.length >= 4);
}
