/**
 * The environment, parsed once with zod (design §5). `loadConfig` returns every problem at
 * once; no problem message ever echoes a secret's value.
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { getCountries } from 'libphonenumber-js/max';
import { z } from 'zod';
import { DEFAULT_PERSON_TEMPLATE, DEFAULT_RECORDING_TEMPLATE } from './domain/links.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type SlackMode =
  | { kind: 'console' }
  | { kind: 'http'; botToken: string; signingSecret: string }
  | { kind: 'socket'; botToken: string; appToken: string };

export interface Config {
  /** Undefined: run the built-in Focus simulator (sandbox). */
  focus:
    | {
        baseUrl: string;
        clientId: number;
        apiKey: string;
        username: string;
        authPath: '/authWithApiKey' | '/authWithAPIKey';
      }
    | undefined;
  focusMaxConcurrency: number;
  focusTimeoutMs: number;
  /** Undefined: derived from the Focus base URL (or the simulator's). */
  portalUrl: string | undefined;
  recordingUrlTemplate: string;
  personUrlTemplate: string;
  defaultRegion: CountryCode;
  slack: SlackMode;
  slackApiUrl: string;
  port: number;
  allowedUserIds: string[];
  allowedChannelIds: string[];
  unfurlInSharedChannels: boolean;
  requireLinkedUser: boolean;
  watchChannelIds: string[];
  logLevel: LogLevel;
  production: boolean;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

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
const flag = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const text = (v ?? '').trim().toLowerCase();
      if (text === '' || text === 'false' || text === '0' || text === 'no') return false;
      if (text === 'true' || text === '1' || text === 'yes') return true;
      ctx.addIssue({ code: 'custom', message: `${name} must be true or false` });
      return false;
    });
const int = (name: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (Number.isInteger(n) && n >= min && n <= max) return n;
      ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}` });
      return fallback;
    });
const url = (name: string) =>
  optional.refine((v) => v === undefined || /^https?:\/\/[^\s/]+/i.test(v), `${name} must be an http(s) URL`);
const template = (name: string, fallback: string) =>
  optional
    .transform((v) => v ?? fallback)
    .refine((v) => v.includes('{id}'), `${name} must contain the {id} placeholder`);

const schema = z.object({
  FOCUS_BASE_URL: url('FOCUS_BASE_URL'),
  FOCUS_CLIENT_ID: optional.refine(
    (v) => v === undefined || /^\d+$/.test(v),
    'FOCUS_CLIENT_ID must be a number',
  ),
  FOCUS_API_KEY: optional,
  FOCUS_USERNAME: optional,
  FOCUS_AUTH_PATH: z.enum(['authWithApiKey', 'authWithAPIKey']).default('authWithApiKey'),
  FOCUS_MAX_CONCURRENCY: int('FOCUS_MAX_CONCURRENCY', 8, 1, 256),
  FOCUS_TIMEOUT_MS: int('FOCUS_TIMEOUT_MS', 8_000, 100, 120_000),
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
  SLACK_API_URL: url('SLACK_API_URL').transform((v) => v ?? 'https://slack.com/api/'),
  PORT: int('PORT', 3000, 0, 65_535),
  ALLOWED_SLACK_USER_IDS: list,
  ALLOWED_SLACK_CHANNEL_IDS: list,
  UNFURL_IN_SHARED_CHANNELS: flag('UNFURL_IN_SHARED_CHANNELS'),
  FOCUS_REQUIRE_LINKED_USER: flag('FOCUS_REQUIRE_LINKED_USER'),
  WATCH_CHANNEL_IDS: list,
  LOG_LEVEL: optional
    .transform((v) => (v ?? 'info').toLowerCase())
    .pipe(
      z.enum(['debug', 'info', 'warn', 'error'], { message: 'LOG_LEVEL must be debug, info, warn or error' }),
    ),
  NODE_ENV: optional,
});

export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => i.message) };
  }
  const e = parsed.data;
  const problems: string[] = [];
  const production = e.NODE_ENV === 'production';

  let focus: Config['focus'];
  const focusVars = {
    FOCUS_CLIENT_ID: e.FOCUS_CLIENT_ID,
    FOCUS_API_KEY: e.FOCUS_API_KEY,
    FOCUS_USERNAME: e.FOCUS_USERNAME,
  };
  if (e.FOCUS_BASE_URL) {
    for (const [name, value] of Object.entries(focusVars)) {
      if (value === undefined) problems.push(`${name} is required with FOCUS_BASE_URL`);
    }
    if (e.FOCUS_CLIENT_ID && e.FOCUS_API_KEY && e.FOCUS_USERNAME) {
      focus = {
        baseUrl: e.FOCUS_BASE_URL.replace(/\/+$/, ''),
        clientId: Number(e.FOCUS_CLIENT_ID),
        apiKey: e.FOCUS_API_KEY,
        username: e.FOCUS_USERNAME,
        authPath: `/${e.FOCUS_AUTH_PATH}`,
      };
    }
  } else if (production) {
    problems.push(
      'FOCUS_BASE_URL, FOCUS_CLIENT_ID, FOCUS_API_KEY and FOCUS_USERNAME are required in production',
    );
  } else if (Object.values(focusVars).some((v) => v !== undefined)) {
    problems.push('FOCUS_BASE_URL is required when Focus credentials are set');
  }

  let slack: SlackMode = { kind: 'console' };
  if (e.SLACK_BOT_TOKEN) {
    if (e.SLACK_APP_TOKEN)
      slack = { kind: 'socket', botToken: e.SLACK_BOT_TOKEN, appToken: e.SLACK_APP_TOKEN };
    else if (e.SLACK_SIGNING_SECRET) {
      slack = { kind: 'http', botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET };
    } else
      problems.push(
        'SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) is required with SLACK_BOT_TOKEN',
      );
  } else if (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN) {
    problems.push('SLACK_BOT_TOKEN is required with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN');
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      focus,
      focusMaxConcurrency: e.FOCUS_MAX_CONCURRENCY,
      focusTimeoutMs: e.FOCUS_TIMEOUT_MS,
      portalUrl: e.FOCUS_PORTAL_URL?.replace(/\/+$/, ''),
      recordingUrlTemplate: e.FOCUS_RECORDING_URL_TEMPLATE,
      personUrlTemplate: e.FOCUS_PERSON_URL_TEMPLATE,
      defaultRegion: e.FOCUS_DEFAULT_REGION as CountryCode,
      slack,
      slackApiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      port: e.PORT,
      allowedUserIds: e.ALLOWED_SLACK_USER_IDS,
      allowedChannelIds: e.ALLOWED_SLACK_CHANNEL_IDS,
      unfurlInSharedChannels: e.UNFURL_IN_SHARED_CHANNELS,
      requireLinkedUser: e.FOCUS_REQUIRE_LINKED_USER,
      watchChannelIds: e.WATCH_CHANNEL_IDS,
      logLevel: e.LOG_LEVEL,
      production,
    },
  };
}

/** The portal base: configured, or the API base without its `/api` suffix. */
export function portalBase(config: Config, focusBaseUrl: string): string {
  return config.portalUrl ?? focusBaseUrl.replace(/\/api\/?$/, '');
}

/** Values that must never reach a log line. */
export function secretsOf(config: Config): string[] {
  const secrets = [config.focus?.apiKey];
  if (config.slack.kind !== 'console') secrets.push(config.slack.botToken);
  if (config.slack.kind === 'http') secrets.push(config.slack.signingSecret);
  if (config.slack.kind === 'socket') secrets.push(config.slack.appToken);
  return secrets.filter((s): s is string => s !== undefined && s.length >= 4);
}
