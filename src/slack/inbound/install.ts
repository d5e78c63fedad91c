/**
 * "Add to Slack" (distribution mode), with Bolt's own OAuth support: its InstallProvider, built by
 * the HTTP receiver from these options, serves both routes; nothing here speaks OAuth itself.
 *
 * - `GET /slack/install`: Bolt mints a state (a JWT signed with SLACK_STATE_SECRET, 10 minutes),
 *   sets it as the `slack-app-oauth-state` cookie (`Secure; HttpOnly; Path=/`, no Domain) and
 *   answers with the "Add to Slack" page below, whose button is Slack's authorize URL with that
 *   state. The page also sends the browser on to that URL at once (a meta refresh), so the same
 *   URL is the app's Direct Install URL: an install started from Slack's own pages (the
 *   Marketplace listing, the app's settings) comes through here and carries a state too.
 * - `GET /slack/oauth_redirect`: Bolt checks that the state in the query is the one in the cookie
 *   (same browser), that it verifies with the secret and is less than 10 minutes old, and (the
 *   wrapper below) that it was not used before; then exchanges the code (`oauth.v2.access`) and
 *   stores the installation through the InstallationStore it was given. The pages below say what
 *   happened without echoing anything from the request.
 *
 * Behind a TLS-terminating proxy the browser sees https, so the `Secure` cookie is kept and sent
 * back; Bolt reads only the path and query of the request. Every replica signs and verifies with
 * the same secret, and used states are remembered in the shared state store (Redis with
 * replicas), so a state minted by one replica is accepted once by any replica.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { HTTPReceiverOptions, Installation, StateStore as InstallStateStore } from '@slack/bolt';
import type { Logger } from '../../domain/logger.js';
import type { StateStore } from '../../state/index.js';

export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';
/** How long a state is accepted (Bolt's default cookie and state lifetime). */
export const STATE_TTL_SECONDS = 600;

/**
 * The bot scopes asked for at install: the same list as manifest.yml's `oauth_config.scopes.bot`
 * (a test holds them equal; the manifest explains what each one is for).
 */
export const BOT_SCOPES: readonly string[] = [
  'commands',
  'chat:write',
  'chat:write.public',
  'links:read',
  'links:write',
  'app_mentions:read',
  'channels:read',
  'groups:read',
  'im:read',
  'mpim:read',
  'users:read',
  'users:read.email',
  'channels:history',
  'groups:history',
  'im:history',
];

type InstallerOptions = NonNullable<HTTPReceiverOptions['installerOptions']>;

/** Bolt's error codes (`@slack/oauth` ErrorCode) that the failure page tells apart. */
const INVALID_STATE = 'slack_oauth_invalid_state';
const MISSING_STATE = 'slack_oauth_missing_state';
const CANCELLED = 'slack_oauth_installer_authorization_error';

/** A state refused here (used before) fails as Bolt's own refusals do. */
class StateUsedError extends Error {
  readonly code = INVALID_STATE;
}

/**
 * Bolt's state store (its ClearStateStore: a signed JWT with a time) accepts a valid state any
 * number of times within its 10 minutes. This one accepts it once: the first verification claims
 * its digest in the shared store for the state's whole lifetime, a later one is refused.
 */
export class OnceStateStore implements InstallStateStore {
  constructor(
    private readonly inner: InstallStateStore,
    private readonly used: Pick<StateStore, 'claim'>,
    private readonly ttlMs: number = STATE_TTL_SECONDS * 1000,
  ) {}

  generateStateParam: InstallStateStore['generateStateParam'] = (options, now) =>
    this.inner.generateStateParam(options, now);

  verifyStateParam: InstallStateStore['verifyStateParam'] = async (now, state) => {
    // Forged or expired: refused by Bolt's store before anything is remembered.
    const options = await this.inner.verifyStateParam(now, state);
    const digest = createHash('sha256').update(state).digest('base64url');
    if (!(await this.used.claim(`oauth-state:${digest}`, this.ttlMs))) {
      throw new StateUsedError('The state was already used');
    }
    return options;
  };
}

/** The receiver's installer options: the routes, the pages and how each outcome is logged. */
export function installerOptions(options: {
  logger: Logger;
  clientOptions: InstallerOptions['clientOptions'];
}): InstallerOptions {
  const { logger } = options;
  return {
    installPath: INSTALL_PATH,
    redirectUriPath: REDIRECT_PATH,
    // The page below is rendered (and goes on to Slack by itself): see the module comment.
    directInstall: false,
    stateCookieExpirationSeconds: STATE_TTL_SECONDS,
    renderHtmlForInstallPath: installPage,
    installPathOptions: {
      // Runs before Bolt writes the page: it must never be cached (each visit gets its own state).
      beforeRedirection: async (_req, res) => {
        setPageHeaders(res);
        return true;
      },
    },
    clientOptions: options.clientOptions,
    callbackOptions: {
      success: (installation, _options, _req, res) => {
        const where = whereInstalled(installation);
        logger.info('slack.installed', where);
        page(res, 200, installedPage(installation));
      },
      failure: (error, _options, _req, res) => {
        const reason = failureReason(error.code);
        logger.warn('slack.install_failed', { code: error.code, reason, error: error.message });
        page(res, reason === 'slack_failed' ? 502 : 400, failedPage(reason));
      },
    },
  };
}

type FailureReason = 'state' | 'cancelled' | 'slack_failed';

function failureReason(code: string | undefined): FailureReason {
  if (code === INVALID_STATE || code === MISSING_STATE) return 'state';
  if (code === CANCELLED) return 'cancelled';
  return 'slack_failed';
}

function whereInstalled(installation: Installation): Record<string, unknown> {
  return {
    team: installation.team?.id,
    enterprise: installation.enterprise?.id,
    orgWide: installation.isEnterpriseInstall === true,
    appId: installation.appId,
  };
}

function setPageHeaders(res: ServerResponse): void {
  res.setHeader('Cache-Control', 'no-store');
  // The redirect URL carries the code and state: never in a Referer to another site.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
}

function page(res: ServerResponse, status: number, html: string): void {
  setPageHeaders(res);
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(html);
}

const STYLE = 'body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}';

function html(title: string, body: string, head = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${head}<style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The "Add to Slack" page: the button, and on to Slack at once (the Direct Install URL). */
export function installPage(url: string): string {
  const href = escapeHtml(url);
  return html(
    'Add Focus to Slack',
    `<h1>Add Focus to Slack</h1><p>Look up Focus call recordings, people and phone numbers without leaving Slack.</p><p><a href="${href}">Add to Slack</a></p><p>Taking you to Slack… if nothing happens, press Add to Slack.</p>`,
    `<meta http-equiv="refresh" content="0; url=${href}">`,
  );
}

function installedPage(installation: Installation): string {
  const orgWide = installation.isEnterpriseInstall === true;
  const name = orgWide ? installation.enterprise?.name : installation.team?.name;
  const where = name ? ` in ${escapeHtml(name)}` : '';
  const next = orgWide
    ? 'An organisation admin now chooses the workspaces that get it, in the organisation’s app settings, and connects your Focus tenant from the app’s Home tab in Slack.'
    : 'A workspace admin now connects your Focus tenant from the app’s Home tab in Slack.';
  const open =
    !orgWide && installation.team?.id
      ? `<p><a href="https://app.slack.com/client/${encodeURIComponent(installation.team.id)}">Open Slack</a></p>`
      : '';
  return html('Focus is installed', `<h1>Focus is installed${where}</h1><p>${next}</p>${open}`);
}

function failedPage(reason: FailureReason): string {
  const text: Record<FailureReason, string> = {
    state:
      'This install link has expired, was already used, or was opened in another browser. Start again from the Add to Slack page.',
    cancelled: 'The installation was cancelled: nothing was installed.',
    slack_failed:
      'Slack did not complete the installation: nothing was installed. Try again; if it keeps failing, contact the provider of this app.',
  };
  // A relative link: right behind a proxy that serves the app under a path prefix too.
  const again =
    reason === 'slack_failed' || reason === 'state' ? '<p><a href="install">Add to Slack</a></p>' : '';
  return html('Focus was not installed', `<h1>Focus was not installed</h1><p>${text[reason]}</p>${again}`);
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;');
}
