/**
 * Who may manage a workspace's Focus connection, decided from `users.info` users shaped as Slack
 * publishes them:
 * - a workspace member, admin, owner and primary owner: the user object reference
 *   (https://docs.slack.dev/reference/objects/user-object) and the users.info example of the Web
 *   API's OpenAPI description (slackapi/slack-api-specs, web-api/slack_web_openapi_v2.json,
 *   `objs_user`: `is_admin`, `is_owner`, `is_primary_owner`, `is_restricted`,
 *   `is_ultra_restricted`, `is_bot`, `is_app_user`, `deleted`, `team_id`);
 * - an Enterprise Grid user: `objs_enterprise_user` there (`id` W…, `enterprise_id`,
 *   `enterprise_name`, `is_admin`, `is_owner`, `teams`) and @slack/web-api's `UsersInfoResponse`
 *   (`User.enterprise_user: EnterpriseUser`, which adds `is_primary_owner`);
 * - a Slack Connect member: `is_stranger` (the user object reference).
 */
import { describe, expect, it } from 'vitest';
import {
  type ConnectionScope,
  maskApiKey,
  mayManageConnection,
  readBaseUrl,
  readConnectionForm,
  type SlackUserRoles,
  type SubmittedValues,
} from '../../src/domain/connection-admin.js';

/** A users.info `user` with every role flag false, as Slack sends a plain member. */
function member(id: string, overrides: Partial<SlackUserRoles> = {}): SlackUserRoles {
  return {
    id,
    team_id: 'T012AB3C4',
    deleted: false,
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: false,
    is_app_user: false,
    ...overrides,
  };
}

/** An Enterprise Grid member: the workspace flags plus `enterprise_user`. */
function gridMember(
  id: string,
  org: Partial<NonNullable<SlackUserRoles['enterprise_user']>>,
  team = 'T012AB3C4',
) {
  return member(id, {
    team_id: team,
    enterprise_user: {
      enterprise_id: 'E0AB12CD3',
      is_admin: false,
      is_owner: false,
      ...org,
    },
  });
}

const workspace: ConnectionScope = {
  teamId: 'T012AB3C4',
  organisation: false,
  installer: 'UINSTALL',
  named: ['UNAMED'],
};
const grid: ConnectionScope = { ...workspace, enterpriseId: 'E0AB12CD3' };
const orgWide: ConnectionScope = { ...grid, organisation: true };

describe('who may manage the Focus connection', () => {
  it('workspace owners and admins may, and may name others', () => {
    expect(
      mayManageConnection(
        'U1',
        member('U1', { is_primary_owner: true, is_owner: true, is_admin: true }),
        workspace,
      ),
    ).toEqual({
      allowed: true,
      as: 'primary_owner',
      mayName: true,
    });
    expect(mayManageConnection('U1', member('U1', { is_owner: true }), workspace)).toMatchObject({
      as: 'owner',
    });
    expect(mayManageConnection('U1', member('U1', { is_admin: true }), workspace)).toMatchObject({
      as: 'admin',
    });
  });

  it('a plain member may not; the installer may (and may name); a named person may (but not name)', () => {
    expect(mayManageConnection('U1', member('U1'), workspace)).toEqual({
      allowed: false,
      reason: 'not_admin',
    });
    expect(mayManageConnection('UINSTALL', member('UINSTALL'), workspace)).toEqual({
      allowed: true,
      as: 'installer',
      mayName: true,
    });
    expect(mayManageConnection('UNAMED', member('UNAMED'), workspace)).toEqual({
      allowed: true,
      as: 'named',
      mayName: false,
    });
  });

  it('never a guest, a bot, a deactivated account, nor anyone when Slack did not answer', () => {
    expect(
      mayManageConnection('U1', member('U1', { is_admin: true, deleted: true }), workspace),
    ).toMatchObject({
      reason: 'deactivated',
    });
    expect(mayManageConnection('UNAMED', member('UNAMED', { is_restricted: true }), workspace)).toMatchObject(
      {
        reason: 'guest',
      },
    );
    expect(
      mayManageConnection('UNAMED', member('UNAMED', { is_ultra_restricted: true }), workspace),
    ).toMatchObject({
      reason: 'guest',
    });
    expect(
      mayManageConnection('B1', member('B1', { is_bot: true, is_admin: true }), workspace),
    ).toMatchObject({
      reason: 'bot',
    });
    expect(mayManageConnection('UINSTALL', undefined, workspace)).toEqual({
      allowed: false,
      reason: 'unknown_user',
    });
    // users.info answered about someone else.
    expect(mayManageConnection('U1', member('U2', { is_admin: true }), workspace)).toMatchObject({
      reason: 'unknown_user',
    });
  });

  it('an admin of another organisation (Slack Connect) may not, whatever their flags there', () => {
    expect(
      mayManageConnection(
        'U9',
        member('U9', { team_id: 'T0OTHER', is_admin: true, is_owner: true }),
        workspace,
      ),
    ).toEqual({ allowed: false, reason: 'other_organisation' });
    expect(
      mayManageConnection('U9', member('U9', { is_stranger: true, is_admin: true }), workspace),
    ).toMatchObject({
      reason: 'other_organisation',
    });
    // An org admin of another Grid organisation.
    const foreign = gridMember('W9', { enterprise_id: 'E0OTHER', is_admin: true }, 'T0OTHER');
    expect(mayManageConnection('W9', foreign, grid)).toMatchObject({ reason: 'other_organisation' });
  });

  it('on Enterprise Grid: the organisation’s owners and admins manage any workspace’s connection', () => {
    const orgAdmin = gridMember('W1', { is_admin: true }, 'T0ANOTHER');
    expect(mayManageConnection('W1', orgAdmin, grid)).toEqual({
      allowed: true,
      as: 'org_admin',
      mayName: true,
    });
    expect(mayManageConnection('W1', gridMember('W1', { is_owner: true }), grid)).toMatchObject({
      as: 'org_owner',
    });
    expect(mayManageConnection('W1', gridMember('W1', { is_primary_owner: true }), grid)).toMatchObject({
      as: 'org_primary_owner',
    });
  });

  it('an org-wide installation’s connection: a workspace admin alone may not change it for the organisation', () => {
    const workspaceAdmin = gridMember('W2', {}, 'T012AB3C4');
    workspaceAdmin.is_admin = true;
    expect(mayManageConnection('W2', workspaceAdmin, grid)).toMatchObject({ allowed: true, as: 'admin' });
    expect(mayManageConnection('W2', workspaceAdmin, orgWide)).toEqual({
      allowed: false,
      reason: 'not_admin',
    });
    expect(mayManageConnection('W1', gridMember('W1', { is_admin: true }), orgWide)).toMatchObject({
      as: 'org_admin',
    });
    expect(mayManageConnection('UINSTALL', gridMember('UINSTALL', {}), orgWide)).toMatchObject({
      as: 'installer',
    });
  });

  it('workspace flags count only in their own workspace of the organisation', () => {
    const elsewhere = gridMember('W3', {}, 'T0ANOTHER');
    elsewhere.is_admin = true;
    expect(mayManageConnection('W3', elsewhere, grid)).toEqual({ allowed: false, reason: 'not_admin' });
  });
});

const rules = { allowLocalHttp: false };
function values(fields: Record<string, string | undefined>, extra: SubmittedValues = {}): SubmittedValues {
  const out: SubmittedValues = { ...extra };
  for (const [id, value] of Object.entries(fields))
    out[id] = {
      [id]: { type: id === 'focus_client_id' ? 'number_input' : 'plain_text_input', value: value ?? null },
    };
  return out;
}
const good = {
  focus_base_url: ' https://uk.focus.subphonic.ai/api/ ',
  focus_client_id: '42',
  focus_username: 'svc-slack',
  focus_api_key: 'k3y-0123456789abcdef',
};

describe('the connection form', () => {
  it('reads a good form: the address without its trailing slash, the client id as a number', () => {
    const read = readConnectionForm(values(good), rules);
    expect(read).toEqual({
      ok: true,
      form: {
        baseUrl: 'https://uk.focus.subphonic.ai/api',
        clientId: 42,
        username: 'svc-slack',
        apiKey: 'k3y-0123456789abcdef',
      },
    });
  });

  it('says each problem on its own field, and never repeats the key', () => {
    const read = readConnectionForm(
      values({
        focus_base_url: 'ftp://x',
        focus_client_id: '4.2',
        focus_username: '',
        focus_api_key: 'has space',
      }),
      rules,
    );
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(Object.keys(read.errors).sort()).toEqual([
      'focus_api_key',
      'focus_base_url',
      'focus_client_id',
      'focus_username',
    ]);
    expect(JSON.stringify(read.errors)).not.toContain('has space');
  });

  it('the auth path: automatic, or one of the two spellings; the named managers, at most 20', () => {
    const select = (value: string) => ({
      focus_auth_path: { focus_auth_path: { selected_option: { value } } },
    });
    const users = (list: string[]) => ({ focus_admins: { focus_admins: { selected_users: list } } });
    expect(readConnectionForm(values(good, select('auto')), rules)).toMatchObject({ ok: true });
    expect(readConnectionForm(values(good, select('authWithApiKey')), rules)).toMatchObject({
      form: { authPath: '/authWithApiKey' },
    });
    expect(readConnectionForm(values(good, select('../admin')), rules)).toMatchObject({
      ok: false,
      errors: { focus_auth_path: expect.any(String) },
    });
    expect(
      readConnectionForm(values(good, users(['U012AB3CD', 'W0ABCDEF', 'U012AB3CD'])), rules),
    ).toMatchObject({
      form: { admins: ['U012AB3CD', 'W0ABCDEF'] },
    });
    const many = Array.from({ length: 21 }, (_, i) => `U${i}AB`);
    expect(readConnectionForm(values(good, users(many)), rules)).toMatchObject({ ok: false });
  });

  it('the address: https only; http and private addresses only to this machine, for the simulator and tests', () => {
    expect(readBaseUrl('https://focus.example.com/api', rules)).toEqual({
      ok: true,
      baseUrl: 'https://focus.example.com/api',
    });
    for (const bad of [
      'http://focus.example.com/api',
      'http://127.0.0.1:8080/api',
      'https://127.0.0.1/api',
      'https://10.1.2.3/api',
      'https://192.168.0.10/api',
      'https://169.254.169.254/latest',
      'https://[::1]/api',
      'https://user:pw@focus.example.com/api',
      'https://focus.example.com/api?x=1',
      'javascript:alert(1)',
      'focus.example.com',
      `https://${'a'.repeat(500)}.com`,
    ])
      expect(readBaseUrl(bad, rules).ok, bad).toBe(false);
    const local = { allowLocalHttp: true };
    expect(readBaseUrl('http://127.0.0.1:39999/api', local)).toEqual({
      ok: true,
      baseUrl: 'http://127.0.0.1:39999/api',
    });
    expect(readBaseUrl('http://localhost:1/', local)).toEqual({ ok: true, baseUrl: 'http://localhost:1' });
    expect(readBaseUrl('http://focus.example.com/api', local).ok).toBe(false);
  });

  it('a key is shown by its last 4 characters at most, fewer when short', () => {
    expect(maskApiKey('k3y-0123456789abcdef')).toBe('••••cdef');
    expect(maskApiKey('12345678')).toBe('••••78');
    expect(maskApiKey('1234567')).toBe('••••');
    expect(maskApiKey('')).toBe('••••');
  });
});
