/**
 * The App Home's "Focus connection" section and its modal, in distribution mode: which Focus
 * tenant this workspace answers from, who may connect it, and (for them) Connect, Try the
 * built-in simulator, Replace, Remove, and whether members must be linked Focus users. Pure.
 *
 * The API key is never drawn: the section shows at most its last 4 characters
 * (`maskApiKey`), and the modal's key field always starts empty, even on Replace.
 */
import {
  AUTH_PATH_CHOICES,
  CONNECTION_FIELDS,
  FIELD_MAX,
  NAMED_ADMINS_MAX,
} from '../domain/connection-admin.js';
import {
  type Block,
  type Button,
  type ConfirmDialog,
  context,
  divider,
  fields,
  header,
  mrkdwn,
  type PlainText,
  plain,
  section,
} from './blocks.js';
import { HOME_CALLBACK_ID, type HomeView } from './home.js';
import { finishCard, LIMITS } from './limits.js';
import { safe, slackDate } from './mrkdwn.js';

/** The section's buttons; one listener takes every id that starts with `focus_connection_`. */
export const CONNECTION_ACTIONS = {
  connect: 'focus_connection_connect',
  simulator: 'focus_connection_simulator',
  replace: 'focus_connection_replace',
  remove: 'focus_connection_remove',
  linkedOff: 'focus_connection_linked_off',
  linkedOn: 'focus_connection_linked_on',
} as const;
export const CONNECTION_ACTION_PREFIX = 'focus_connection_';
export const CONNECTION_MODAL_ID = 'focus_connection_modal';

/** The connection as the section shows it: nothing secret in it but the masked key. */
export interface ShownConnection {
  kind: 'tenant' | 'simulator';
  baseUrl: string;
  clientId: number;
  username: string;
  /** `maskApiKey(apiKey)`. */
  maskedKey: string;
  connectedBy?: string | undefined;
  connectedAt?: string | undefined;
  requireLinkedUsers: boolean;
  admins: readonly string[];
}

export interface ConnectionSectionModel {
  connection?: ShownConnection | undefined;
  /** Whether the viewer may connect, replace and remove it (buttons), or only see its status. */
  manage: boolean;
  /** Who may connect it: an org-wide install's connection is the organisation's admins'. */
  who: { organisation: boolean; installer?: string | undefined; named: readonly string[] };
  /** What the last press did, or why it could not. */
  notice?: string | undefined;
  /** Carried by every button, so a press on an older Home tab is recognised (the connection's time). */
  version: string;
}

export function connectionSection(model: ConnectionSectionModel): Block[] {
  const blocks: Block[] = [header('Focus connection')];
  if (model.notice) blocks.push(section(model.notice));
  const c = model.connection;
  if (!c) {
    blocks.push(
      section(
        ':electric_plug: *Focus is not connected to this workspace yet.* Until it is, Focus for Slack answers every request with this.',
      ),
      context(whoCanText(model.who)),
    );
    if (model.manage)
      blocks.push({
        type: 'actions',
        elements: [
          button('Connect Focus', CONNECTION_ACTIONS.connect, model.version, 'primary'),
          button('Try the built-in simulator', CONNECTION_ACTIONS.simulator, model.version, undefined, {
            title: 'Try the simulator?',
            text: 'Focus for Slack will answer from the built-in Focus simulator: generated people, numbers and recordings, not your Focus. You can connect your Focus later with Replace.',
            confirm: 'Use the simulator',
          }),
        ],
      });
    return blocks;
  }
  if (c.kind === 'simulator')
    blocks.push(
      section(
        ':test_tube: Connected to the *built-in Focus simulator*: answers come from generated sample data, not from a real Focus tenant.',
      ),
    );
  else
    blocks.push(
      section(':white_check_mark: Connected to Focus.'),
      fields([
        `*Address*\n${safe(c.baseUrl, 300)}`,
        `*Client id*\n${c.clientId}`,
        `*Service user*\n${safe(c.username, 200)}`,
        `*API key*\n\`${c.maskedKey}\``,
      ]),
    );
  const by = c.connectedBy ? ` by <@${c.connectedBy}>` : ' from the provider’s configuration';
  const at = c.connectedAt ? ` on ${slackDate(c.connectedAt)}` : '';
  blocks.push(context(`Connected${by}${at}.${namedText(c.admins)}`));
  blocks.push(section(rightsText(c)));
  if (!model.manage) {
    blocks.push(context(whoCanText(model.who)));
    return blocks;
  }
  const toggle = c.requireLinkedUsers
    ? button(
        'Answer everyone with the connection’s own rights',
        CONNECTION_ACTIONS.linkedOff,
        model.version,
        undefined,
        {
          title: 'Answer everyone the same?',
          text: `Every member of this workspace will see what the Focus service user *${safe(c.username, 60)}* sees, whatever their own Focus rights, and need no Focus portal user of their own. One key answering everyone is sharing one Focus account.`,
          confirm: 'Answer everyone',
          style: 'danger',
        },
      )
    : button('Require linked users again', CONNECTION_ACTIONS.linkedOn, model.version, 'primary');
  blocks.push({
    type: 'actions',
    elements: [
      button('Replace', CONNECTION_ACTIONS.replace, model.version),
      button('Remove', CONNECTION_ACTIONS.remove, model.version, 'danger', {
        title: 'Remove the Focus connection?',
        text: 'Focus for Slack will stop answering in this workspace until someone connects Focus again. The API key is deleted.',
        confirm: 'Remove',
        style: 'danger',
      }),
      toggle,
    ],
  });
  return blocks;
}

function rightsText(c: ShownConnection): string {
  return c.requireLinkedUsers
    ? ':bust_in_silhouette: *Each member is answered with their own Focus rights*: the email on their Slack profile must be an enabled Focus portal user.'
    : ':busts_in_silhouette: *Everyone is answered with the connection’s own rights*: every member sees what the Focus service user sees, without a Focus portal user of their own.';
}

function whoCanText(who: ConnectionSectionModel['who']): string {
  const admins = who.organisation
    ? 'an admin or owner of this Enterprise Grid organisation'
    : 'a workspace admin or owner';
  const people = [
    ...(who.installer ? [`<@${who.installer}> (who installed the app)`] : []),
    ...who.named.slice(0, NAMED_ADMINS_MAX).map((u) => `<@${u}>`),
  ];
  const list = people.length > 0 ? `, ${people.join(', ')}` : '';
  return `Who can connect, replace or remove it: ${admins}${list}, from this Home tab.`;
}

function namedText(admins: readonly string[]): string {
  if (admins.length === 0) return '';
  return ` Also managed by ${admins
    .slice(0, NAMED_ADMINS_MAX)
    .map((u) => `<@${u}>`)
    .join(', ')}.`;
}

function button(
  text: string,
  actionId: string,
  value: string,
  style?: 'primary' | 'danger',
  confirm?: { title: string; text: string; confirm: string; style?: 'primary' | 'danger' },
): Button {
  return {
    type: 'button',
    text: plain(text),
    action_id: actionId,
    value,
    ...(style && { style }),
    ...(confirm && { confirm: confirmDialog(confirm) }),
  };
}

function confirmDialog(c: {
  title: string;
  text: string;
  confirm: string;
  style?: 'primary' | 'danger';
}): ConfirmDialog {
  return {
    title: plain(c.title.slice(0, 100)),
    text: mrkdwn(c.text.slice(0, 300)),
    confirm: plain(c.confirm.slice(0, 30)),
    deny: plain('Cancel'),
    ...(c.style && { style: c.style }),
  };
}

/**
 * The Home tab of a workspace whose Focus is not connected: this section alone (every other
 * part of the Home tab needs Focus).
 */
export function connectionHomeView(section: Block[], privateMetadata = ''): HomeView {
  const card = finishCard(
    { text: 'Focus for Slack', blocks: [header('Focus for Slack'), divider(), ...section] },
    LIMITS.viewBlocks,
  );
  return {
    type: 'home',
    callback_id: HOME_CALLBACK_ID,
    private_metadata: privateMetadata,
    blocks: card.blocks,
  };
}

/* ---------------------------------------------------------------- the modal */

interface TextInput {
  type: 'plain_text_input';
  action_id: string;
  initial_value?: string;
  placeholder?: PlainText;
  max_length?: number;
}
interface NumberInput {
  type: 'number_input';
  action_id: string;
  is_decimal_allowed: false;
  initial_value?: string;
  min_value?: string;
  max_value?: string;
}
interface Option {
  text: PlainText;
  value: string;
}
interface StaticSelect {
  type: 'static_select';
  action_id: string;
  options: Option[];
  initial_option?: Option;
}
interface UsersSelect {
  type: 'multi_users_select';
  action_id: string;
  initial_users?: string[];
  max_selected_items?: number;
  placeholder?: PlainText;
}
export interface InputBlock {
  type: 'input';
  block_id: string;
  label: PlainText;
  element: TextInput | NumberInput | StaticSelect | UsersSelect;
  hint?: PlainText;
  optional?: boolean;
}
export type ModalBlock = Block | InputBlock;

/** The modal as `views.open` takes it (checked against @slack/types' `ModalView` in the tests). */
export interface ConnectionModalView {
  type: 'modal';
  callback_id: string;
  title: PlainText;
  submit: PlainText;
  close: PlainText;
  private_metadata: string;
  blocks: ModalBlock[];
}

export interface ConnectionModalModel {
  /** Replace: the current connection's address, client id and username (never its key). */
  current?:
    | { baseUrl: string; clientId: number; username: string; authPath?: string | undefined }
    | undefined;
  /** Offer "who else may manage it" (the installer and Slack's own admins only). */
  mayName: boolean;
  admins: readonly string[];
  /** Comes back with the submission: the installation key and the Home tab's version. */
  privateMetadata: string;
  /** Whether http://127.0.0.1 is accepted (said in the address's hint). */
  allowLocalHttp: boolean;
}

const PATH_LABELS: Record<(typeof AUTH_PATH_CHOICES)[number], string> = {
  auto: 'Automatic (try both spellings)',
  authWithAPIKey: '/authWithAPIKey',
  authWithApiKey: '/authWithApiKey',
};

export function connectionModal(model: ConnectionModalModel): ConnectionModalView {
  const cur = model.current;
  const options: Option[] = AUTH_PATH_CHOICES.map((c) => ({ text: plain(PATH_LABELS[c]), value: c }));
  const chosen = options.find((o) => cur?.authPath && `/${o.value}` === cur.authPath) ?? options[0];
  const blocks: ModalBlock[] = [
    section(
      'Connect this workspace to your Focus tenant with a Focus service user’s API credentials. They are checked by signing in to Focus before they are saved, and stored encrypted.',
    ),
    input(
      CONNECTION_FIELDS.baseUrl,
      'Focus API address',
      {
        type: 'plain_text_input',
        action_id: CONNECTION_FIELDS.baseUrl,
        placeholder: plain('https://uk.focus.subphonic.ai/api'),
        max_length: FIELD_MAX.baseUrl,
        ...(cur && { initial_value: cur.baseUrl.slice(0, FIELD_MAX.baseUrl) }),
      },
      model.allowLocalHttp
        ? 'https:// (http:// only to this machine, for the simulator and tests)'
        : 'https://, usually ending in /api',
    ),
    input(CONNECTION_FIELDS.clientId, 'Client id', {
      type: 'number_input',
      action_id: CONNECTION_FIELDS.clientId,
      is_decimal_allowed: false,
      min_value: '1',
      max_value: '2147483647',
      ...(cur && { initial_value: String(cur.clientId) }),
    }),
    input(CONNECTION_FIELDS.username, 'Service user’s username', {
      type: 'plain_text_input',
      action_id: CONNECTION_FIELDS.username,
      max_length: FIELD_MAX.username,
      ...(cur && { initial_value: cur.username.slice(0, FIELD_MAX.username) }),
    }),
    input(
      CONNECTION_FIELDS.apiKey,
      'API key',
      { type: 'plain_text_input', action_id: CONNECTION_FIELDS.apiKey, max_length: FIELD_MAX.apiKey },
      cur
        ? 'Enter the key again to replace the connection: the saved one is never shown or sent anywhere else.'
        : 'Never shown again once saved: the Home tab shows its last 4 characters at most.',
    ),
    {
      ...input(
        CONNECTION_FIELDS.authPath,
        'Sign-in path',
        {
          type: 'static_select',
          action_id: CONNECTION_FIELDS.authPath,
          options,
          ...(chosen && { initial_option: chosen }),
        },
        'Leave on automatic unless your Focus administrator says otherwise.',
      ),
      optional: true,
    },
  ];
  if (model.mayName)
    blocks.push({
      ...input(CONNECTION_FIELDS.admins, 'Who else may manage this connection', {
        type: 'multi_users_select',
        action_id: CONNECTION_FIELDS.admins,
        max_selected_items: NAMED_ADMINS_MAX,
        placeholder: plain('Workspace admins always may'),
        ...(model.admins.length > 0 && { initial_users: model.admins.slice(0, NAMED_ADMINS_MAX) }),
      }),
      optional: true,
    });
  return {
    type: 'modal',
    callback_id: CONNECTION_MODAL_ID,
    title: plain(cur ? 'Replace Focus' : 'Connect Focus'),
    submit: plain(cur ? 'Replace' : 'Connect'),
    close: plain('Cancel'),
    private_metadata: model.privateMetadata.slice(0, 3000),
    blocks,
  };
}

function input(blockId: string, label: string, element: InputBlock['element'], hint?: string): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    label: plain(label),
    element,
    ...(hint && { hint: plain(hint) }),
  };
}
