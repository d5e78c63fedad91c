/**
 * Connecting a workspace's Focus tenant from the App Home (distribution mode): the section's
 * buttons (Connect Focus, Try the built-in simulator, Replace, Remove, the linked-users choice)
 * and the connection modal's submission.
 *
 * Every press and every submission is decided again from `users.info` (`domain/connection-admin.ts`):
 * a non-admin's crafted request is refused like a button they never saw. A submission is read
 * field by field (`response_action: errors` on the field at fault), then checked by signing in to
 * that Focus (`lookup/connection-check.ts`, 2 s, within Slack's 3 s for the answer), and only then
 * saved; the tenant's Focus stack is dropped (`onChanged`) and the person's Home tab published
 * again. Nothing here logs, echoes or returns the API key: the modal's key field starts empty even
 * on Replace, and a refusal names the address's host and what Focus answered, never the key.
 *
 * The connection is kept under the installation's key (the enterprise id for an org-wide
 * install, the team id otherwise); one found under the team id (provisioned from
 * FOCUS_TENANTS_FILE for one workspace of an organisation) is the one shown and changed there.
 */
import type { App, BlockAction, ButtonAction, ViewSubmitAction, webApi } from '@slack/bolt';
import {
  CONNECTION_FIELDS,
  type ConnectionScope,
  type ManageDecision,
  maskApiKey,
  mayManageConnection,
  readConnectionForm,
  refusalText,
  type SlackUserRoles,
} from '../../domain/connection-admin.js';
import type { Logger } from '../../domain/logger.js';
import { type FocusConnection, type InstallationOwner, installationKey } from '../../domain/tenant.js';
import { CHECK_DEADLINE_MS, checkConnection } from '../../lookup/connection-check.js';
import type { Block } from '../../render/blocks.js';
import {
  CONNECTION_ACTION_PREFIX,
  CONNECTION_ACTIONS,
  CONNECTION_MODAL_ID,
  connectionModal,
  connectionSection,
  type ShownConnection,
} from '../../render/focus-connection.js';
import { escapeEntities } from '../../render/mrkdwn.js';
import type { ConnectionStore } from '../../state/tenant-stores.js';

/** The request's installation, from Bolt's authorization context (never from the payload). */
type WorkspaceContext = InstallationOwner;

type SlackClient = webApi.WebClient;

export interface FocusConnectionAdminOptions {
  store: ConnectionStore;
  logger: Logger;
  /** Who installed the app for the installation `key` (the InstallationStore's `user.id`). */
  installerOf(key: string, context: WorkspaceContext): Promise<string | undefined>;
  /** Connections the service's operator provisioned (FOCUS_TENANTS_FILE): shown, never changed here. */
  provisioned?(key: string): boolean;
  /** The tenant registry's `invalidate(key)`: the next request builds that tenant's Focus stack anew. */
  onChanged(key: string): void | Promise<void>;
  /**
   * Publishes the person's Home tab again, as it is now (it includes `section()`), with
   * `notice` saying what the press did.
   */
  republish(args: {
    user: string;
    client: SlackClient;
    context: WorkspaceContext;
    notice?: string | undefined;
  }): Promise<void>;
  /**
   * Accept `http://` to this machine (127.0.0.1, localhost) and private addresses: the built-in
   * simulator and tests only. False in production.
   */
  allowLocalHttp: boolean;
  /** The sign-in check's deadline (default 2 s). */
  checkDeadlineMs?: number;
  now?: () => Date;
}

/** Where a workspace's connection is (or would be) kept, and what is there now. */
interface Located {
  key: string;
  organisation: boolean;
  connection: FocusConnection | undefined;
  scope: ConnectionScope;
}

interface Metadata {
  /** The key the modal was opened for. */
  k: string;
  /** The connection's version (its connectedAt) when the modal was opened. */
  v: string;
}

export class FocusConnectionAdmin {
  private readonly now: () => Date;

  constructor(private readonly options: FocusConnectionAdminOptions) {
    this.now = options.now ?? (() => new Date());
  }

  register(app: App): void {
    app.action<BlockAction<ButtonAction>>(new RegExp(`^${CONNECTION_ACTION_PREFIX}`), async (args) => {
      await args.ack();
      await this.press(args.action, args.body, args.client, args.context).catch((error: unknown) => {
        this.options.logger.error('connection.press_failed', { action: args.action.action_id, error });
      });
    });
    app.view<ViewSubmitAction>(CONNECTION_MODAL_ID, async ({ ack, body, view, client, context }) => {
      await this.submit(ack, body, view, client, context);
    });
  }

  /**
   * The Home tab's "Focus connection" section for this person: its status, and the buttons when
   * they may manage it. Never throws (a failure shows a sentence instead).
   */
  async section(args: {
    user: string;
    client: SlackClient;
    context: WorkspaceContext;
    notice?: string | undefined;
  }): Promise<Block[]> {
    try {
      const at = await this.locate(args.context);
      if (!at) return connectionSection({ ...emptyModel(), notice: NO_WORKSPACE });
      const decision = this.manage(args.user, await this.userInfo(args.client, args.user), at);
      return connectionSection({
        connection: at.connection && shown(at.connection),
        manage: decision.allowed,
        who: { organisation: at.organisation, installer: at.scope.installer, named: at.scope.named ?? [] },
        notice: args.notice,
        version: versionOf(at.connection),
      });
    } catch (error) {
      this.options.logger.error('connection.section_failed', { error });
      return connectionSection({
        ...emptyModel(),
        notice:
          ':warning: The Focus connection could not be read just now. Please open the tab again in a moment.',
      });
    }
  }

  private async press(
    action: ButtonAction,
    body: BlockAction<ButtonAction>,
    client: SlackClient,
    context: WorkspaceContext,
  ): Promise<void> {
    const user = body.user.id;
    const logger = this.options.logger.child({ user, action: action.action_id });
    const republish = (notice: string) => this.options.republish({ user, client, context, notice });
    const at = await this.locate(context);
    if (!at) {
      logger.warn('connection.no_workspace');
      return republish(NO_WORKSPACE);
    }
    const decision = await this.decide(client, user, at, logger);
    if (!decision.allowed) return republish(`:lock: ${refusalText(decision.reason)}`);
    // A press on an older Home tab (the connection changed since) changes nothing.
    if ((action.value ?? '') !== versionOf(at.connection)) {
      logger.info('connection.stale_press', { key: at.key });
      return republish(
        ':information_source: The Focus connection changed since this tab was shown; here it is now.',
      );
    }
    switch (action.action_id) {
      case CONNECTION_ACTIONS.connect:
      case CONNECTION_ACTIONS.replace:
        await this.openModal(client, body.trigger_id, at, decision);
        return;
      case CONNECTION_ACTIONS.simulator:
        if (at.connection) return republish(':information_source: Focus is already connected here.');
        await this.save(at, simulatorConnection(user, this.now()), logger);
        return republish(
          ':test_tube: Connected to the built-in Focus simulator. Try `/focus +44 7700 900123`; connect your Focus with Replace when you are ready.',
        );
      case CONNECTION_ACTIONS.remove:
        if (!at.connection) return republish(':information_source: Focus was not connected here.');
        await this.options.store.delete(at.key);
        logger.info('audit', { kind: 'focus_connection', outcome: 'removed', key: at.key });
        await this.changed(at.key, logger);
        return republish(
          ':wastebasket: Removed the Focus connection. Focus for Slack answers nothing here until Focus is connected again.',
        );
      case CONNECTION_ACTIONS.linkedOff:
      case CONNECTION_ACTIONS.linkedOn: {
        if (!at.connection) return republish(':information_source: Focus is not connected here.');
        const required = action.action_id === CONNECTION_ACTIONS.linkedOn;
        await this.options.store.put(at.key, { ...at.connection, requireLinkedUsers: required });
        logger.info('audit', { kind: 'focus_connection', outcome: 'linked_users', required, key: at.key });
        await this.changed(at.key, logger);
        return republish(
          required
            ? ':bust_in_silhouette: Each member is now answered with their own Focus rights.'
            : ':busts_in_silhouette: Everyone is now answered with the connection’s own rights.',
        );
      }
      default:
        logger.warn('slack.bad_action_value');
        return republish('That button no longer works; here is the Home tab as it is now.');
    }
  }

  private async openModal(
    client: SlackClient,
    triggerId: string,
    at: Located,
    decision: Extract<ManageDecision, { allowed: true }>,
  ): Promise<void> {
    const c = at.connection?.kind === 'simulator' ? undefined : at.connection;
    const metadata: Metadata = { k: at.key, v: versionOf(at.connection) };
    await client.views.open({
      trigger_id: triggerId,
      view: connectionModal({
        current: c && {
          baseUrl: c.baseUrl,
          clientId: c.credentials.clientId,
          username: c.credentials.username,
          authPath: c.authPath,
        },
        mayName: decision.mayName,
        admins: at.connection?.admins ?? [],
        privateMetadata: JSON.stringify(metadata),
        allowLocalHttp: this.options.allowLocalHttp,
      }),
    });
  }

  private async submit(
    ack: (response?: { response_action: 'errors'; errors: Record<string, string> }) => Promise<void>,
    body: ViewSubmitAction,
    view: ViewSubmitAction['view'],
    client: SlackClient,
    context: WorkspaceContext,
  ): Promise<void> {
    const user = body.user.id;
    const logger = this.options.logger.child({ user, surface: 'focus_connection' });
    const fieldError = (field: keyof typeof CONNECTION_FIELDS, message: string) =>
      ack({ response_action: 'errors', errors: { [CONNECTION_FIELDS[field]]: message } });
    try {
      const at = await this.locate(context);
      const metadata = readMetadata(view.private_metadata);
      if (!at || !metadata || metadata.k !== at.key) {
        logger.warn('connection.bad_submission', { reason: at ? 'metadata' : 'no_workspace' });
        return await fieldError(
          'baseUrl',
          'This form no longer matches this workspace. Please close it and open it again from the Home tab.',
        );
      }
      const decision = await this.decide(client, user, at, logger);
      if (!decision.allowed) return await fieldError('baseUrl', refusalText(decision.reason));
      if (metadata.v !== versionOf(at.connection)) {
        logger.info('connection.stale_submission', { key: at.key });
        return await fieldError(
          'baseUrl',
          'Someone changed the Focus connection while this form was open. Please close it and look at the Home tab again.',
        );
      }
      const read = readConnectionForm(view.state.values as never, {
        allowLocalHttp: this.options.allowLocalHttp,
      });
      if (!read.ok) {
        logger.info('connection.form_invalid', { key: at.key, fields: Object.keys(read.errors) });
        return await ack({ response_action: 'errors', errors: read.errors });
      }
      const { form } = read;
      const credentials = { clientId: form.clientId, username: form.username, apiKey: form.apiKey };
      const host = hostOf(form.baseUrl);
      const check = await checkConnection(
        { baseUrl: form.baseUrl, credentials, authPath: form.authPath },
        logger.child({ key: at.key, host }),
        this.options.checkDeadlineMs ?? CHECK_DEADLINE_MS,
        { refusePrivate: !this.options.allowLocalHttp },
      );
      if (!check.ok) {
        logger.info('connection.check_failed', { key: at.key, host, problem: check.problem });
        return await fieldError(check.problem === 'refused' ? 'apiKey' : 'baseUrl', check.message);
      }
      const previous = at.connection;
      // Kept when the same tenant is replaced; a first tenant (or one after the simulator) starts
      // with the default: each member's own rights.
      const keepRights = previous && previous.kind !== 'simulator';
      await this.options.store.put(at.key, {
        baseUrl: form.baseUrl,
        credentials,
        ...(form.authPath && { authPath: form.authPath }),
        kind: 'tenant',
        connectedBy: user,
        connectedAt: this.now().toISOString(),
        requireLinkedUsers: keepRights ? previous.requireLinkedUsers !== false : true,
        admins: decision.mayName && form.admins ? form.admins : (previous?.admins ?? []),
      });
      await ack();
      logger.info('audit', {
        kind: 'focus_connection',
        outcome: previous ? 'replaced' : 'connected',
        key: at.key,
        host,
        clientId: form.clientId,
      });
      await this.changed(at.key, logger);
      await this.options
        .republish({
          user,
          client,
          context,
          notice: `:white_check_mark: Connected to Focus at ${escapeEntities(host)}.`,
        })
        .catch((error: unknown) => logger.warn('connection.republish_failed', { error }));
    } catch (error) {
      logger.error('connection.submit_failed', { error });
      await fieldError(
        'baseUrl',
        'The connection could not be saved just now. Please try again in a moment.',
      ).catch(() => undefined);
    }
  }

  private async save(at: Located, connection: FocusConnection, logger: Logger): Promise<void> {
    await this.options.store.put(at.key, { ...connection, admins: at.connection?.admins ?? [] });
    logger.info('audit', { kind: 'focus_connection', outcome: `connected_${connection.kind}`, key: at.key });
    await this.changed(at.key, logger);
  }

  private async changed(key: string, logger: Logger): Promise<void> {
    try {
      await this.options.onChanged(key);
    } catch (error) {
      logger.error('connection.invalidate_failed', { key, error });
    }
  }

  private async decide(
    client: SlackClient,
    user: string,
    at: Located,
    logger: Logger,
  ): Promise<ManageDecision> {
    const decision = this.manage(user, await this.userInfo(client, user, logger), at);
    if (!decision.allowed) logger.info('connection.refused', { key: at.key, reason: decision.reason });
    return decision;
  }

  private manage(user: string, roles: SlackUserRoles | undefined, at: Located): ManageDecision {
    if (at.connection && this.options.provisioned?.(at.key)) return { allowed: false, reason: 'provisioned' };
    return mayManageConnection(user, roles, at.scope);
  }

  /** The person as `users.info` tells it now; undefined when Slack does not answer. */
  private async userInfo(
    client: SlackClient,
    user: string,
    logger = this.options.logger,
  ): Promise<SlackUserRoles | undefined> {
    try {
      return (await client.users.info({ user })).user as SlackUserRoles | undefined;
    } catch (error) {
      logger.warn('connection.user_unknown', { user, error });
      return undefined;
    }
  }

  /**
   * The connection a request from this workspace is answered with (the team id's, else the
   * organisation's, as requests look it up), or where a new one goes: the installation's key.
   */
  private async locate(context: WorkspaceContext): Promise<Located | undefined> {
    const install = installationKey(context);
    if (!install) return undefined;
    let key = install;
    let connection: FocusConnection | undefined;
    for (const candidate of [context.teamId, context.enterpriseId]) {
      if (!candidate) continue;
      connection = await this.options.store.get(candidate);
      if (connection) {
        key = candidate;
        break;
      }
    }
    const organisation = key !== context.teamId;
    return {
      key,
      organisation,
      connection,
      scope: {
        teamId: context.teamId,
        enterpriseId: context.enterpriseId,
        organisation,
        installer: await this.options.installerOf(install, context),
        named: connection?.admins ?? [],
      },
    };
  }
}

const NO_WORKSPACE =
  ':warning: Slack did not say which workspace this is, so the Focus connection cannot be shown.';

/** What the section shows of a connection: nothing secret but the masked key. */
function shown(c: FocusConnection): ShownConnection {
  return {
    kind: c.kind ?? 'tenant',
    baseUrl: c.baseUrl,
    clientId: c.credentials.clientId,
    username: c.credentials.username,
    maskedKey: maskApiKey(c.credentials.apiKey),
    connectedBy: c.connectedBy,
    connectedAt: c.connectedAt,
    requireLinkedUsers: c.requireLinkedUsers !== false,
    admins: c.admins ?? [],
  };
}

/** A connection's version, as buttons and the modal carry it: when it was made (none: `-`). */
function versionOf(c: FocusConnection | undefined): string {
  return c ? (c.connectedAt ?? 'file') : '-';
}

function emptyModel() {
  return { manage: false, who: { organisation: false, named: [] }, version: '-' };
}

/**
 * The built-in simulator, as an admin chose it: no address or credentials of its own (the
 * process decides which simulator serves it), and nobody's real data, so members need no
 * linked Focus user to try it.
 */
function simulatorConnection(user: string, now: Date): FocusConnection {
  return {
    kind: 'simulator',
    baseUrl: '',
    credentials: { clientId: 0, username: '', apiKey: '' },
    connectedBy: user,
    connectedAt: now.toISOString(),
    requireLinkedUsers: false,
  };
}

function readMetadata(text: string | undefined): Metadata | undefined {
  if (!text || text.length > 3_000) return undefined;
  try {
    const m = JSON.parse(text) as Partial<Metadata> | null;
    return typeof m?.k === 'string' && typeof m.v === 'string' ? { k: m.k, v: m.v } : undefined;
  } catch {
    return undefined;
  }
}

function hostOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).host;
  } catch {
    return '';
  }
}
