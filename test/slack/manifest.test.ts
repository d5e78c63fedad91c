import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BOT_SCOPES, REDIRECT_PATH } from '../../src/slack/inbound/install.js';
import { SLASH_COMMAND } from '../../src/slack/surfaces/command.js';
import { SHORTCUT_CALLBACK_ID } from '../../src/slack/surfaces/shortcut.js';
import { LOOKUP_STEP } from '../../src/slack/surfaces/workflow.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const schema = JSON.parse(readFileSync(`${root}test/fixtures/slack/manifest.schema.1.0.0.json`, 'utf8'));
const manifest = parse(readFileSync(`${root}manifest.yml`, 'utf8'));
const distribution = parse(readFileSync(`${root}manifest.distribution.yml`, 'utf8'));

describe('manifest.yml', () => {
  it('is valid against Slack’s manifest schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema catches a broken manifest (the check can fail)', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const broken = { ...manifest, display_information: { name: '' }, features: { nonsense: true } };
    expect(ajv.validate(schema, broken)).toBe(false);
  });

  it('declares the shortcut, events and scopes the listeners need', () => {
    expect(manifest.features.shortcuts.map((s: { callback_id: string }) => s.callback_id)).toEqual([
      SHORTCUT_CALLBACK_ID,
    ]);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_mention', 'link_shared']),
    );
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        'chat:write',
        'links:read',
        'links:write',
        'app_mentions:read',
        'channels:read',
        'users:read.email',
      ]),
    );
    expect(manifest.features.unfurl_domains.length).toBeGreaterThan(0);
    expect(manifest.settings.event_subscriptions.request_url).toMatch(/\/slack\/events$/);
  });

  it('subscribes to the lifecycle events the app handles, with the scopes they need', () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining([
        'channel_shared',
        'channel_unshared',
        'channel_archive',
        'group_archive',
        'channel_unarchive',
        'channel_deleted',
        'group_deleted',
        'member_left_channel',
        'channel_left',
        'group_left',
        'app_uninstalled',
        'tokens_revoked',
      ]),
    );
    // channel_* and member_left_channel in public channels; group_* and private channels.
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['channels:read', 'groups:read']),
    );
  });

  it('declares the command the app listens to, interactivity and its scopes', () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([
      SLASH_COMMAND,
    ]);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.oauth_config.scopes.bot).toContain('commands');
    for (const url of [
      manifest.features.slash_commands[0].url,
      manifest.settings.interactivity.request_url,
    ]) {
      expect(url).toMatch(/\/slack\/events$/);
    }
  });

  it('declares the Home tab, direct messages and the Workflow Builder step, with what they need', () => {
    expect(manifest.features.app_home).toEqual({
      home_tab_enabled: true,
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
    });
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_home_opened', 'message.im', 'function_executed']),
    );
    expect(manifest.oauth_config.scopes.bot).toContain('im:history');
    // Custom steps are for org-ready apps only.
    expect(manifest.settings.org_deploy_enabled).toBe(true);
    const step = manifest.functions[LOOKUP_STEP];
    expect(Object.keys(manifest.functions)).toEqual([LOOKUP_STEP]);
    expect(step.input_parameters.phone_number).toMatchObject({ type: 'string', is_required: true });
    expect(step.input_parameters.user_id).toMatchObject({ type: 'slack#/types/user_id', is_required: true });
    const outputs = Object.fromEntries(
      Object.entries(step.output_parameters as Record<string, { type: string }>).map(([k, v]) => [k, v.type]),
    );
    expect(outputs).toEqual({
      found: 'boolean',
      owner_name: 'string',
      person_id: 'integer',
      recordings_count: 'integer',
      latest_recording_url: 'string',
    });
  });

  it('the schema catches a step without its outputs, or a parameter without a type', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const step = manifest.functions[LOOKUP_STEP];
    const { output_parameters: _, ...withoutOutputs } = step;
    expect(ajv.validate(schema, { ...manifest, functions: { [LOOKUP_STEP]: withoutOutputs } })).toBe(false);
    const badType = { ...step, input_parameters: { phone_number: { name: 'phone_number' } } };
    expect(ajv.validate(schema, { ...manifest, functions: { [LOOKUP_STEP]: badType } })).toBe(false);
  });
});

describe('manifest.distribution.yml', () => {
  it('is valid against Slack’s manifest schema', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(schema);
    const valid = validate(distribution);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('asks for the scopes the install asks for, which are manifest.yml’s', () => {
    expect(distribution.oauth_config.scopes.bot).toEqual([...BOT_SCOPES]);
    expect(manifest.oauth_config.scopes.bot).toEqual([...BOT_SCOPES]);
  });

  it('sends installers back to the OAuth redirect route, over HTTPS, and is not a Socket Mode app', () => {
    expect(distribution.oauth_config.redirect_urls).toEqual([
      expect.stringMatching(new RegExp(`^https://[^/]+${REDIRECT_PATH}$`)),
    ]);
    expect(distribution.settings.socket_mode_enabled).toBe(false);
    expect(distribution.settings.event_subscriptions.bot_events).toEqual(
      expect.arrayContaining(['app_uninstalled', 'tokens_revoked', 'team_access_revoked']),
    );
  });

  it('is manifest.yml but for the redirect URL and team_access_revoked', () => {
    const { redirect_urls: _, ...oauthConfig } = distribution.oauth_config;
    const events = distribution.settings.event_subscriptions.bot_events.filter(
      (e: string) => e !== 'team_access_revoked',
    );
    expect({
      ...distribution,
      oauth_config: oauthConfig,
      settings: {
        ...distribution.settings,
        event_subscriptions: { ...distribution.settings.event_subscriptions, bot_events: events },
      },
    }).toEqual(manifest);
  });
});

describe('README: every bot scope with its reason', () => {
  const readme = readFileSync(`${root}README.md`, 'utf8');
  /** The rows of the scopes table: `| \`scope\` | why |`. */
  const rows = new Map(
    [...readme.matchAll(/^\| `([a-z:._]+)` \| ([^|]+) \|$/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]),
  );

  it('has a row with a reason for each scope the install asks for, and none for another', () => {
    for (const scope of BOT_SCOPES) expect(rows.get(scope), scope).toMatch(/\w{3,}/);
    const tableScopes = [...rows.keys()].filter((k) => k.includes(':') || k === 'commands');
    expect(tableScopes.sort()).toEqual([...BOT_SCOPES].sort());
  });
});
