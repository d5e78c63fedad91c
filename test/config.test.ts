import { describe, expect, it } from 'vitest';
import { type Config, loadConfig, secretsOf } from '../src/config.js';

const FOCUS = {
  FOCUS_BASE_URL: 'https://uk.focus.example/api/',
  FOCUS_CLIENT_ID: '42',
  FOCUS_API_KEY: 'focus-key-SECRET-7f3a9c',
  FOCUS_USERNAME: 'svc-slack',
};
const BOT_TOKEN = 'xoxb-bot-SECRET-1b2c3d';
const SIGNING_SECRET = 'signing-SECRET-4e5f6a';
const APP_TOKEN = 'xapp-app-SECRET-7b8c9d';
const SECRETS = [FOCUS.FOCUS_API_KEY, BOT_TOKEN, SIGNING_SECRET, APP_TOKEN];

function ok(env: Record<string, string | undefined>): Config {
  const result = loadConfig(env);
  if (!result.ok) throw new Error(`expected a config, got: ${result.problems.join('; ')}`);
  return result.config;
}

function problems(env: Record<string, string | undefined>): string[] {
  const result = loadConfig(env);
  if (result.ok) throw new Error('expected problems, got a config');
  return result.problems;
}

describe('loadConfig: distribution mode', () => {
  const CLIENT_SECRET = 'client-SECRET-0a1b2c';
  const STATE_SECRET = 'state-SECRET-0123456789abcdef0123456789';
  const OAUTH = {
    SLACK_CLIENT_ID: '1111.2222',
    SLACK_CLIENT_SECRET: CLIENT_SECRET,
    SLACK_STATE_SECRET: STATE_SECRET,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    STATE_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
  };

  it('selects it with the client id and secret, the state secret and the signing secret', () => {
    const c = ok(OAUTH);
    expect(c.slack.mode).toEqual({
      kind: 'oauth',
      clientId: '1111.2222',
      clientSecret: CLIENT_SECRET,
      stateSecret: STATE_SECRET,
      signingSecret: SIGNING_SECRET,
    });
    expect(secretsOf(c)).toEqual(expect.arrayContaining([CLIENT_SECRET, STATE_SECRET, SIGNING_SECRET]));
    expect(secretsOf(c)).not.toContain('1111.2222');
  });

  it('needs all four, names what is missing and never echoes a value', () => {
    const found = problems({ SLACK_CLIENT_ID: '1111.2222', SLACK_CLIENT_SECRET: CLIENT_SECRET });
    expect(found).toEqual([
      expect.stringMatching(/^STATE_ENCRYPTION_KEY is required in distribution mode/),
      expect.stringMatching(/^SLACK_STATE_SECRET is required in distribution mode/),
      expect.stringMatching(/^SLACK_SIGNING_SECRET is required in distribution mode/),
    ]);
    expect(found.join(' ')).not.toContain(CLIENT_SECRET);
  });

  it('is HTTP only and takes no SLACK_BOT_TOKEN', () => {
    expect(problems({ ...OAUTH, SLACK_APP_TOKEN: APP_TOKEN })).toEqual([
      expect.stringContaining('SLACK_APP_TOKEN cannot be used in distribution mode'),
    ]);
    expect(problems({ ...OAUTH, SLACK_BOT_TOKEN: BOT_TOKEN })).toEqual([
      expect.stringContaining('SLACK_BOT_TOKEN cannot be used in distribution mode'),
    ]);
    const both = problems({ ...OAUTH, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN });
    expect(both).toHaveLength(2);
    for (const secret of [BOT_TOKEN, APP_TOKEN, CLIENT_SECRET, STATE_SECRET])
      expect(both.join(' ')).not.toContain(secret);
  });

  it('takes no single Focus tenant: each workspace connects its own', () => {
    expect(problems({ ...OAUTH, FOCUS_BASE_URL: 'https://focus.example', FOCUS_API_KEY: 'k' })).toEqual([
      expect.stringMatching(/^FOCUS_BASE_URL cannot be used in distribution mode/),
      expect.stringMatching(/^FOCUS_API_KEY cannot be used in distribution mode/),
    ]);
    // Production needs no FOCUS_BASE_URL here.
    expect(ok({ ...OAUTH, NODE_ENV: 'production' }).slack.mode.kind).toBe('oauth');
  });

  it('wants a state secret long enough to sign with', () => {
    expect(problems({ ...OAUTH, SLACK_STATE_SECRET: 'short-SECRET' })).toEqual([
      'SLACK_STATE_SECRET must be at least 32 characters (it signs the install state)',
    ]);
  });
});

describe('loadConfig', () => {
  it('defaults to the sandbox simulator and the local console', () => {
    const c = ok({});
    expect(c.focus.tenant).toBeUndefined();
    expect(c.slack.mode).toEqual({ kind: 'console' });
    expect(c).toMatchObject({
      focus: { sandboxProfile: undefined, maxConcurrency: 8, timeoutMs: 8_000 },
      directory: { refreshMinutes: 15 },
      portal: {
        url: undefined,
        recordingTemplate: '{portal}/recordings/{id}',
        personTemplate: '{portal}/people/{id}',
      },
      parse: { defaultRegion: 'GB' },
      slack: { apiUrl: 'https://slack.com/api/', port: 3000 },
      access: { allowedUserIds: [], allowedChannelIds: [], requireLinkedUser: false },
      surfaces: { slackConnectAllowed: false, watchChannelIds: [], unfurlConsent: 'ask' },
      logLevel: 'info',
      shutdownGraceMs: 10_000,
      state: {
        path: './data/focus-for-slack.sqlite',
        redisUrl: undefined,
        redisPrefix: 'focus:',
        leaseSeconds: 15,
      },
      subscriptions: { pollSeconds: 60, postIntervalMs: 1_000 },
      production: false,
    });
  });

  it('reads Focus credentials and strips trailing slashes from base URLs', () => {
    const c = ok({
      ...FOCUS,
      FOCUS_PORTAL_URL: 'https://portal.example//',
      FOCUS_AUTH_PATH: 'authWithAPIKey',
      SLACK_API_URL: 'https://slack-gov.example/api',
    });
    expect(c.focus.tenant).toEqual({
      baseUrl: 'https://uk.focus.example/api',
      credentials: { clientId: 42, apiKey: FOCUS.FOCUS_API_KEY, username: 'svc-slack' },
      authPath: '/authWithAPIKey',
    });
    expect(c.portal.url).toBe('https://portal.example');
    expect(c.slack.apiUrl).toBe('https://slack-gov.example/api/');
  });

  it('defaults the auth path to the integration page spelling, and accepts the other', () => {
    expect(ok(FOCUS).focus.tenant?.authPath).toBe('/authWithAPIKey');
    expect(ok({ ...FOCUS, FOCUS_AUTH_PATH: 'authWithApiKey' }).focus.tenant?.authPath).toBe(
      '/authWithApiKey',
    );
  });

  it('hands SANDBOX_PROFILE to the simulator as given: its own names check it when it starts', () => {
    expect(ok({ SANDBOX_PROFILE: ' documented ' }).focus.sandboxProfile).toBe('documented');
    expect(ok({ SANDBOX_PROFILE: 'nonesuch' }).focus.sandboxProfile).toBe('nonesuch');
  });

  it('selects HTTP mode with a bot token and a signing secret', () => {
    const c = ok({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '8080' });
    expect(c.slack.mode).toEqual({ kind: 'http', botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET });
    expect(c.slack.port).toBe(8080);
  });

  it('selects Socket Mode when an app token is set', () => {
    const c = ok({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: '' });
    expect(c.slack.mode).toEqual({ kind: 'socket', botToken: BOT_TOKEN, appToken: APP_TOKEN });
  });

  it('parses comma lists, flags, numbers and case-insensitive values', () => {
    const c = ok({
      ALLOWED_SLACK_USER_IDS: ' U1, U2 ,,U3 ',
      ALLOWED_SLACK_CHANNEL_IDS: 'C1',
      WATCH_CHANNEL_IDS: 'C2,C3',
      UNFURL_IN_SHARED_CHANNELS: 'YES',
      FOCUS_REQUIRE_LINKED_USER: '1',
      FOCUS_DEFAULT_REGION: 'us',
      LOG_LEVEL: 'DEBUG',
      FOCUS_MAX_CONCURRENCY: '16',
      FOCUS_TIMEOUT_MS: ' 5000 ',
      SHUTDOWN_GRACE_MS: '0',
      UNFURL_CONSENT: ' Always ',
    });
    expect(c.surfaces.unfurlConsent).toBe('always');
    expect(ok({ UNFURL_CONSENT: 'never' }).surfaces.unfurlConsent).toBe('never');
    // On unless turned off.
    expect(c.surfaces.recentLookups).toBe(true);
    expect(ok({ HOME_RECENT_LOOKUPS: 'false' }).surfaces.recentLookups).toBe(false);
    expect(c.access.allowedUserIds).toEqual(['U1', 'U2', 'U3']);
    expect(c.access.allowedChannelIds).toEqual(['C1']);
    expect(c.surfaces.watchChannelIds).toEqual(['C2', 'C3']);
    expect(c.surfaces.slackConnectAllowed).toBe(true);
    expect(c.warnings).toEqual([expect.stringContaining('old name of SLACK_CONNECT_ALLOWED')]);
    expect(c.access.requireLinkedUser).toBe(true);
    expect(c.parse.defaultRegion).toBe('US');
    expect(c.logLevel).toBe('debug');
    expect(c.focus.maxConcurrency).toBe(16);
    expect(c.focus.timeoutMs).toBe(5000);
    expect(c.shutdownGraceMs).toBe(0);
  });

  it.each([
    ['FOCUS_DEFAULT_REGION', 'XX', 'FOCUS_DEFAULT_REGION must be an ISO 3166 country code'],
    ['FOCUS_RECORDING_URL_TEMPLATE', '{portal}/recordings', 'FOCUS_RECORDING_URL_TEMPLATE must contain'],
    ['FOCUS_PERSON_URL_TEMPLATE', '{portal}/p/{id}/{id}', 'FOCUS_PERSON_URL_TEMPLATE must contain'],
    ['FOCUS_RECORDING_URL_TEMPLATE', 'recordings/{id}', 'FOCUS_RECORDING_URL_TEMPLATE must start with'],
    ['UNFURL_IN_SHARED_CHANNELS', 'maybe', 'UNFURL_IN_SHARED_CHANNELS must be true or false'],
    ['SLACK_CONNECT_ALLOWED', 'sometimes', 'SLACK_CONNECT_ALLOWED must be true or false'],
    ['FOCUS_RIGHTS', 'recordings=Recording.View,calls=Call.View', 'FOCUS_RIGHTS: unknown kind "calls"'],
    ['FOCUS_RIGHTS', 'recording', 'FOCUS_RIGHTS entry 1 needs "="'],
    ['UNFURL_CONSENT', 'sometimes', 'UNFURL_CONSENT must be ask, always or never'],
    ['FOCUS_REQUIRE_LINKED_USER', 'on', 'FOCUS_REQUIRE_LINKED_USER must be true or false'],
    ['HOME_RECENT_LOOKUPS', 'off', 'HOME_RECENT_LOOKUPS must be true or false'],
    ['PORT', '70000', 'PORT must be a whole number from 0 to 65535'],
    ['PORT', '0x10', 'PORT must be a whole number'],
    ['FOCUS_TIMEOUT_MS', '1e3', 'FOCUS_TIMEOUT_MS must be a whole number'],
    ['SHUTDOWN_GRACE_MS', '-1', 'SHUTDOWN_GRACE_MS must be a whole number'],
    ['DIRECTORY_REFRESH_MINUTES', 'hourly', 'DIRECTORY_REFRESH_MINUTES must be a whole number'],
    ['LOG_LEVEL', 'verbose', 'LOG_LEVEL must be debug, info, warn or error'],
    ['FOCUS_AUTH_PATH', 'login-v9', 'FOCUS_AUTH_PATH must be authWithAPIKey or authWithApiKey'],
    ['SLACK_API_URL', 'ftp://slack.example', 'SLACK_API_URL must be an http(s) URL'],
    ['FOCUS_PORTAL_URL', 'portal.example', 'FOCUS_PORTAL_URL must be an http(s) URL'],
  ])('rejects %s=%s', (name, value, message) => {
    const found = problems({ [name]: value });
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(message);
    expect(found[0]).not.toContain(value);
  });

  it('requires every Focus credential with FOCUS_BASE_URL', () => {
    expect(problems({ FOCUS_BASE_URL: FOCUS.FOCUS_BASE_URL })).toEqual([
      'FOCUS_CLIENT_ID is required with FOCUS_BASE_URL',
      'FOCUS_API_KEY is required with FOCUS_BASE_URL',
      'FOCUS_USERNAME is required with FOCUS_BASE_URL',
    ]);
    expect(problems({ FOCUS_API_KEY: FOCUS.FOCUS_API_KEY })).toEqual([
      'FOCUS_BASE_URL is required when Focus credentials are set',
    ]);
  });

  it('makes missing Focus credentials an error in production, not a silent sandbox', () => {
    const found = problems({ NODE_ENV: 'production' });
    expect(found).toContain(
      'FOCUS_BASE_URL is required in production (the sandbox simulator is for development)',
    );
    expect(found).toContain('FOCUS_API_KEY is required in production');
    expect(ok({ NODE_ENV: 'production', ...FOCUS }).production).toBe(true);
  });

  it('requires the Slack pieces together', () => {
    expect(problems({ SLACK_BOT_TOKEN: BOT_TOKEN })).toEqual([
      'SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode) is required with SLACK_BOT_TOKEN',
    ]);
    expect(problems({ SLACK_APP_TOKEN: APP_TOKEN })).toEqual([
      'SLACK_BOT_TOKEN is required with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN',
    ]);
  });

  it('lists field and cross-field problems together', () => {
    const found = problems({ FOCUS_BASE_URL: FOCUS.FOCUS_BASE_URL, PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(found).toEqual([
      'PORT must be a whole number from 0 to 65535',
      'LOG_LEVEL must be debug, info, warn or error',
      'FOCUS_CLIENT_ID is required with FOCUS_BASE_URL',
      'FOCUS_API_KEY is required with FOCUS_BASE_URL',
      'FOCUS_USERNAME is required with FOCUS_BASE_URL',
    ]);
  });

  it('counts an invalid value as set: no misleading "required" problem', () => {
    const found = problems({ ...FOCUS, FOCUS_BASE_URL: 'not a url', FOCUS_CLIENT_ID: 'abc' });
    expect(found).toEqual(['FOCUS_BASE_URL must be an http(s) URL', 'FOCUS_CLIENT_ID must be a number']);
  });

  it('rejects credentials embedded in a URL without echoing them', () => {
    const found = problems({ ...FOCUS, FOCUS_BASE_URL: 'https://svc:hunter2-SECRET@focus.example/api' });
    expect(found).toEqual(['FOCUS_BASE_URL must not contain a user name or password']);
    expect(found.join('\n')).not.toContain('hunter2');
  });

  it('never echoes a secret value in any problem', () => {
    const envs: Record<string, string>[] = [
      { FOCUS_API_KEY: FOCUS.FOCUS_API_KEY, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: 'x' },
      { SLACK_BOT_TOKEN: BOT_TOKEN, NODE_ENV: 'production', FOCUS_CLIENT_ID: BOT_TOKEN },
      { SLACK_APP_TOKEN: APP_TOKEN, FOCUS_BASE_URL: SIGNING_SECRET, FOCUS_AUTH_PATH: APP_TOKEN },
      { ...FOCUS, FOCUS_DEFAULT_REGION: FOCUS.FOCUS_API_KEY, LOG_LEVEL: SIGNING_SECRET, PORT: BOT_TOKEN },
      { FOCUS_RECORDING_URL_TEMPLATE: APP_TOKEN, UNFURL_IN_SHARED_CHANNELS: BOT_TOKEN },
    ];
    for (const env of envs) {
      const text = problems(env).join('\n');
      expect(text.length).toBeGreaterThan(0);
      for (const secret of SECRETS) expect(text).not.toContain(secret);
      expect(text).not.toContain('SECRET-');
    }
  });

  it('REDIS_URL: a redis URL, a secret (and its password) for the scrubber, never echoed when wrong', () => {
    const url = 'redis://:s3cr%21t-pw@redis.internal:6379/0';
    const c = ok({ REDIS_URL: url, REDIS_KEY_PREFIX: '{focus}:' });
    expect(c.state).toMatchObject({ redisUrl: url, redisPrefix: '{focus}:' });
    expect(secretsOf(c)).toEqual(expect.arrayContaining([url, 's3cr%21t-pw', 's3cr!t-pw']));
    const found = problems({ REDIS_URL: 'http://:hunter22@host' });
    expect(found).toEqual(['REDIS_URL must be a redis:// or rediss:// URL']);
  });

  it('SLACK_CONNECT_ALLOWED wins over its old name, which is still read with a warning', () => {
    expect(ok({}).warnings).toEqual([]);
    expect(ok({ SLACK_CONNECT_ALLOWED: 'true' })).toMatchObject({
      surfaces: { slackConnectAllowed: true },
      warnings: [],
    });
    const both = ok({ SLACK_CONNECT_ALLOWED: 'false', UNFURL_IN_SHARED_CHANNELS: 'true' });
    expect(both.surfaces.slackConnectAllowed).toBe(false);
    expect(both.warnings).toEqual([expect.stringContaining('UNFURL_IN_SHARED_CHANNELS is ignored')]);
  });

  it('FOCUS_RIGHTS refines the default rights per kind', () => {
    const { rights } = ok({}).access;
    expect(rights.needs.recording).toEqual(['Recording.View']);
    expect(rights.admin).toEqual(['Admin']);
    const tuned = ok({ FOCUS_RIGHTS: ' user = User.View | Admin , recordings=Calls.Listen,admin=' }).access
      .rights;
    expect(tuned.needs.user).toEqual(['User.View', 'Admin']);
    expect(tuned.needs.recordings).toEqual(['Calls.Listen']);
    expect(tuned.needs.recording).toEqual(['Recording.View']);
    expect(tuned.admin).toEqual([]);
  });

  it('secretsOf lists the configured secrets for the log scrubber', () => {
    const c = ok({ ...FOCUS, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET });
    expect(secretsOf(c).sort()).toEqual([FOCUS.FOCUS_API_KEY, BOT_TOKEN, SIGNING_SECRET].sort());
  });
});
