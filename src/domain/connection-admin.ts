/**
 * Who may connect, replace or remove a workspace's Focus connection from the App Home, and what
 * the connection form must hold. Pure: the Slack side reads `users.info` and the form's values,
 * these functions decide.
 *
 * Who: a Slack workspace owner or admin (`is_primary_owner`, `is_owner`, `is_admin`), on
 * Enterprise Grid an organisation owner or admin (`enterprise_user.is_owner` / `is_admin`) of the
 * installation's organisation, the person who installed the app, or someone the installer named
 * (kept with the connection, `FocusConnection.admins`). Never a guest, a bot, a deactivated
 * account, or someone from another organisation (a Slack Connect member is an admin of their own
 * workspace, not of this one). An org-wide installation's connection serves every workspace of the
 * organisation, so a workspace admin alone may not change it: only the organisation's.
 */
import { BlockList, isIP } from 'node:net';
import { AUTH_PATHS, type AuthPath } from './tenant.js';

/**
 * The fields of a `users.info` user this decision reads, as Slack documents them: the user
 * object (https://docs.slack.dev/reference/objects/user-object), the Web API's OpenAPI
 * description (slackapi/slack-api-specs, web-api/slack_web_openapi_v2.json, `objs_user` and
 * `objs_enterprise_user`) and @slack/web-api's `UsersInfoResponse` (`User`, `EnterpriseUser`).
 */
export interface SlackUserRoles {
  id?: string | undefined;
  team_id?: string | undefined;
  deleted?: boolean | undefined;
  is_bot?: boolean | undefined;
  is_app_user?: boolean | undefined;
  is_restricted?: boolean | undefined;
  is_ultra_restricted?: boolean | undefined;
  is_stranger?: boolean | undefined;
  is_admin?: boolean | undefined;
  is_owner?: boolean | undefined;
  is_primary_owner?: boolean | undefined;
  enterprise_user?:
    | {
        enterprise_id?: string | undefined;
        is_admin?: boolean | undefined;
        is_owner?: boolean | undefined;
        is_primary_owner?: boolean | undefined;
      }
    | undefined;
}

/** The connection being managed: whose it is, who installed the app, whom the installer named. */
export interface ConnectionScope {
  /** The workspace the Home tab was opened in. */
  teamId?: string | undefined;
  /** Its Enterprise Grid organisation, if any. */
  enterpriseId?: string | undefined;
  /** The connection is an org-wide installation's: it serves every workspace of the organisation. */
  organisation: boolean;
  /** The Slack user who installed the app (from the installation). */
  installer?: string | undefined;
  /** Slack users the installer named (`FocusConnection.admins`). */
  named?: readonly string[] | undefined;
}

export type ManagerRole =
  | 'primary_owner'
  | 'owner'
  | 'admin'
  | 'org_primary_owner'
  | 'org_owner'
  | 'org_admin'
  | 'installer'
  | 'named';

export type ManageRefusal =
  /** `users.info` did not answer: nobody is trusted on a guess. */
  | 'unknown_user'
  | 'deactivated'
  | 'bot'
  | 'guest'
  | 'other_organisation'
  | 'not_admin'
  /** Provisioned by the service's operator (FOCUS_TENANTS_FILE): changed there, not here. */
  | 'provisioned';

export type ManageDecision =
  | {
      allowed: true;
      as: ManagerRole;
      /** Whether they may also name who else manages it (the installer and Slack's own admins). */
      mayName: boolean;
    }
  | { allowed: false; reason: ManageRefusal };

/** At most this many named managers are kept with a connection. */
export const NAMED_ADMINS_MAX = 20;

export function mayManageConnection(
  user: string,
  info: SlackUserRoles | undefined,
  scope: ConnectionScope,
): ManageDecision {
  if (!info || (info.id !== undefined && info.id !== user)) return refuse('unknown_user');
  if (info.deleted) return refuse('deactivated');
  if (info.is_bot || info.is_app_user) return refuse('bot');
  if (info.is_stranger || !sameOrganisation(info, scope)) return refuse('other_organisation');
  if (info.is_restricted || info.is_ultra_restricted) return refuse('guest');
  const org = info.enterprise_user;
  if (org && scope.enterpriseId && org.enterprise_id === scope.enterpriseId) {
    if (org.is_primary_owner) return allow('org_primary_owner', true);
    if (org.is_owner) return allow('org_owner', true);
    if (org.is_admin) return allow('org_admin', true);
  }
  // Workspace roles count for the workspace's own connection, and only in that workspace.
  if (!scope.organisation && scope.teamId && info.team_id === scope.teamId) {
    if (info.is_primary_owner) return allow('primary_owner', true);
    if (info.is_owner) return allow('owner', true);
    if (info.is_admin) return allow('admin', true);
  }
  if (scope.installer && user === scope.installer) return allow('installer', true);
  if (scope.named?.includes(user)) return allow('named', false);
  return refuse('not_admin');
}

/** The person belongs to this workspace, or to its Enterprise Grid organisation. */
function sameOrganisation(info: SlackUserRoles, scope: ConnectionScope): boolean {
  if (scope.teamId && info.team_id === scope.teamId) return true;
  const enterprise = info.enterprise_user?.enterprise_id;
  return Boolean(scope.enterpriseId && enterprise === scope.enterpriseId);
}

const allow = (as: ManagerRole, mayName: boolean): ManageDecision => ({ allowed: true, as, mayName });
const refuse = (reason: ManageRefusal): ManageDecision => ({ allowed: false, reason });

/** What a refused person is told (the Home section says who can, instead). */
export function refusalText(reason: ManageRefusal): string {
  switch (reason) {
    case 'unknown_user':
      return 'Slack did not say who you are just now, so nothing was changed. Please try again in a moment.';
    case 'deactivated':
    case 'bot':
    case 'other_organisation':
      return 'Only a member of this workspace can manage its Focus connection.';
    case 'guest':
      return 'Guests cannot manage the Focus connection.';
    case 'not_admin':
      return 'Only a workspace admin or owner, the person who installed the app, or someone they named can manage the Focus connection.';
    case 'provisioned':
      return 'This workspace’s Focus connection is provided by whoever runs this Focus for Slack service, so it is changed there, not here.';
  }
}

/* ---------------------------------------------------------------- the connection form */

/** The modal's input blocks (each holds one element whose action id is the same). */
export const CONNECTION_FIELDS = {
  baseUrl: 'focus_base_url',
  clientId: 'focus_client_id',
  username: 'focus_username',
  apiKey: 'focus_api_key',
  authPath: 'focus_auth_path',
  admins: 'focus_admins',
} as const;
export type ConnectionField = keyof typeof CONNECTION_FIELDS;

/** Longest input accepted for each text field (the modal says so too, with `max_length`). */
export const FIELD_MAX = { baseUrl: 500, clientId: 10, username: 200, apiKey: 500 } as const;

/** `auto`: the configured default, the other spelling tried when it is refused. */
export const AUTH_PATH_CHOICES = ['auto', 'authWithAPIKey', 'authWithApiKey'] as const;

/** A field's value as a `view_submission` carries it in `view.state.values[block][action]`. */
export interface SubmittedValue {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_users?: string[] | null;
}
export type SubmittedValues = Record<string, Record<string, SubmittedValue | undefined> | undefined>;

export interface ConnectionForm {
  baseUrl: string;
  clientId: number;
  username: string;
  apiKey: string;
  authPath?: AuthPath;
  /** Undefined: the field was not offered (a named manager's form keeps the list as it is). */
  admins?: string[];
}

export type FormResult =
  | { ok: true; form: ConnectionForm }
  /** Keyed by the input block id, as `response_action: errors` takes them. */
  | { ok: false; errors: Record<string, string> };

export interface FormRules {
  /**
   * Whether `http://` to this machine (127.0.0.1, localhost, ::1) is accepted: the built-in
   * simulator and the tests. Off in production, where it would let any admin make the server
   * call its own loopback services.
   */
  allowLocalHttp: boolean;
}

/** Reads and checks the submitted form; each problem is said on its own field. */
export function readConnectionForm(values: SubmittedValues, rules: FormRules): FormResult {
  const text = (field: ConnectionField) =>
    (values[CONNECTION_FIELDS[field]]?.[CONNECTION_FIELDS[field]]?.value ?? '').trim();
  const errors: Record<string, string> = {};
  const fail = (field: ConnectionField, message: string) => {
    errors[CONNECTION_FIELDS[field]] = message;
  };

  const url = readBaseUrl(text('baseUrl'), rules);
  if (!url.ok) fail('baseUrl', url.message);

  const rawId = text('clientId');
  const clientId = Number(rawId);
  if (
    !/^\d{1,10}$/.test(rawId) ||
    !Number.isSafeInteger(clientId) ||
    clientId < 1 ||
    clientId > 2_147_483_647
  )
    fail('clientId', 'The client id is a whole number, such as 42 (Focus gives it with the API key).');

  const username = text('username');
  if (username.length === 0) fail('username', 'Enter the Focus service user’s username.');
  else if (username.length > FIELD_MAX.username)
    fail('username', `A username is at most ${FIELD_MAX.username} characters.`);

  // Read as typed, but not trimmed into something else: a key with spaces inside is refused.
  const apiKey = text('apiKey');
  if (apiKey.length === 0) fail('apiKey', 'Enter the API key (it is never shown again once saved).');
  else if (apiKey.length > FIELD_MAX.apiKey)
    fail('apiKey', `An API key is at most ${FIELD_MAX.apiKey} characters.`);
  else if (/\s/.test(apiKey)) fail('apiKey', 'An API key has no spaces in it; please paste it again.');

  const path = values[CONNECTION_FIELDS.authPath]?.[CONNECTION_FIELDS.authPath]?.selected_option?.value;
  let authPath: AuthPath | undefined;
  if (path !== undefined && path !== 'auto') {
    const found = AUTH_PATHS.find((p) => p === `/${path}`);
    if (found) authPath = found;
    else fail('authPath', 'Choose one of the listed spellings.');
  }

  const adminsValue = values[CONNECTION_FIELDS.admins]?.[CONNECTION_FIELDS.admins];
  let admins: string[] | undefined;
  if (adminsValue) {
    const users = adminsValue.selected_users ?? [];
    if (users.length > NAMED_ADMINS_MAX) fail('admins', `Name at most ${NAMED_ADMINS_MAX} people.`);
    else if (users.some((u) => !/^[UW][A-Z0-9]{2,20}$/.test(u)))
      fail('admins', 'Choose people from the list.');
    else admins = [...new Set(users)];
  }

  if (Object.keys(errors).length > 0 || !url.ok) return { ok: false, errors };
  return {
    ok: true,
    form: {
      baseUrl: url.baseUrl,
      clientId,
      username,
      apiKey,
      ...(authPath && { authPath }),
      ...(admins && { admins }),
    },
  };
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The Focus API base: `https://` (the key travels in it), no user, query or fragment, kept
 * without a trailing slash. `http://` only to this machine, and only when the rules allow it.
 * Address literals of private, link-local or loopback networks are refused over https too
 * (unless local http is allowed): the check would otherwise let an admin make the server call
 * its neighbours. A host name is not resolved here.
 */
export function readBaseUrl(
  raw: string,
  rules: FormRules,
): { ok: true; baseUrl: string } | { ok: false; message: string } {
  const wrong = (message: string) => ({ ok: false as const, message });
  if (raw.length === 0)
    return wrong('Enter the Focus API address, such as https://uk.focus.subphonic.ai/api');
  if (raw.length > FIELD_MAX.baseUrl) return wrong(`The address is at most ${FIELD_MAX.baseUrl} characters.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return wrong('That is not a web address. It looks like https://uk.focus.subphonic.ai/api');
  }
  if (url.username || url.password) return wrong('Leave the user name and password out of the address.');
  if (url.search || url.hash) return wrong('The address has no `?…` or `#…` part.');
  const local = LOCAL_HOSTS.has(url.hostname);
  if (url.protocol === 'http:') {
    if (!(local && rules.allowLocalHttp))
      return wrong('The address must start with https:// (the API key is sent to it).');
  } else if (url.protocol !== 'https:') return wrong('The address must start with https://');
  if (!rules.allowLocalHttp && (local || isPrivateAddress(url.hostname)))
    return wrong('That address is on a private network; enter the Focus tenant’s public address.');
  return { ok: true, baseUrl: url.toString().replace(/\/+$/, '') };
}

/** Loopback, private, shared (CGNAT), link-local and unspecified networks; IPv4-mapped IPv6 too. */
const PRIVATE_NETWORKS = (() => {
  const list = new BlockList();
  for (const [net, bits] of [
    ['0.0.0.0', 8],
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
  ] as const)
    list.addSubnet(net, bits, 'ipv4');
  for (const [net, bits] of [
    ['::', 128],
    ['::1', 128],
    ['fc00::', 7],
    ['fe80::', 10],
  ] as const)
    list.addSubnet(net, bits, 'ipv6');
  return list;
})();

/**
 * An IPv4 or IPv6 address (a URL's host, bracketed, or as DNS gives it) of a loopback, private,
 * link-local or unspecified network (Node's own `BlockList`, which also reads IPv4-mapped IPv6).
 * A host name is not an address: false.
 */
export function isPrivateAddress(address: string): boolean {
  const host = address.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(host);
  return family !== 0 && PRIVATE_NETWORKS.check(host, family === 6 ? 'ipv6' : 'ipv4');
}

/** An API key as the Home tab shows it: its last 4 characters at most, fewer for a short key. */
export function maskApiKey(apiKey: string): string {
  const shown = apiKey.length >= 16 ? 4 : apiKey.length >= 8 ? 2 : 0;
  return `••••${shown > 0 ? apiKey.slice(-shown) : ''}`;
}
