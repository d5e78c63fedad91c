/**
 * Distribution mode as Slack drives it, against a harness from `startDistributionHarness`: the
 * "Add to Slack" flow (the install page, the approval on the fake Slack's side, the redirect back
 * with the state cookie), and signed requests from an installed workspace, each shaped as Slack
 * sends it for a team install or an org-wide one (Enterprise Grid), so Bolt's InstallProvider
 * authorizes it with that installation's token.
 */
import { homeButton } from '../fixtures/slack-events.js';
import type { FakeGrant } from './fake-slack.js';
import { signSlackRequest, slashCommandBody } from './fake-slack.js';
import type { Harness } from './harness.js';
import { SECRET } from './harness.js';

export const STATE_COOKIE = 'slack-app-oauth-state';

/** Where a request comes from: a workspace, and its organisation's org-wide install if `orgWide`. */
export interface Via {
  teamId: string;
  enterpriseId?: string;
  orgWide?: boolean;
}

export function slackInstalls(h: Pick<Harness<unknown>, 'base' | 'slack' | 'post'>) {
  let events = 0;

  /** `GET /slack/install`: the page, its state cookie and the authorize URL it sends the browser to. */
  async function startInstall() {
    const res = await fetch(`${h.base}/slack/install`, { redirect: 'manual' });
    const body = await res.text();
    const href = /<a href="([^"]+)">Add to Slack<\/a>/.exec(body)?.[1]?.replaceAll('&amp;', '&');
    const refresh = /<meta http-equiv="refresh" content="0; url=([^"]+)">/
      .exec(body)?.[1]
      ?.replaceAll('&amp;', '&');
    const authorize = new URL(href ?? 'about:blank');
    return {
      res,
      cookie: res.headers.get('set-cookie') ?? '',
      authorize,
      refresh,
      state: authorize.searchParams.get('state') ?? '',
    };
  }

  /** The browser coming back from Slack's authorize page to the redirect route. */
  async function redirect(query: Record<string, string>, cookieState?: string) {
    const res = await fetch(`${h.base}/slack/oauth_redirect?${new URLSearchParams(query)}`, {
      redirect: 'manual',
      headers: cookieState === undefined ? {} : { cookie: `other=1; ${STATE_COOKIE}=${cookieState}` },
    });
    return { status: res.status, body: await res.text(), headers: res.headers };
  }

  /** A whole install: the page, the approval on Slack's side, the way back with the cookie. */
  async function install(grant: FakeGrant) {
    const { state } = await startInstall();
    const granted = h.slack.grant(grant);
    const back = await redirect({ code: granted.code, state }, state);
    return { ...granted, ...back };
  }

  /** A signed Events API delivery, authorized for the installation `via` names. */
  function event(e: Record<string, unknown>, via: Via) {
    const body = JSON.stringify({
      token: 'legacy',
      team_id: via.teamId,
      ...(via.enterpriseId && { enterprise_id: via.enterpriseId }),
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: `EvInstall${++events}-${Math.random().toString(36).slice(2, 8)}`,
      event_time: Math.floor(Date.now() / 1000),
      is_ext_shared_channel: false,
      authorizations: [
        {
          enterprise_id: via.enterpriseId ?? null,
          team_id: via.orgWide ? null : via.teamId,
          user_id: 'UBOT',
          is_bot: true,
          is_enterprise_install: via.orgWide === true,
        },
      ],
      event: e,
    });
    return h.post(body, { ...signSlackRequest(SECRET, body), 'content-type': 'application/json' });
  }

  /** `/focus <text>` from `user` in `channel` of the workspace; resolves with its response_url. */
  async function command(text: string, via: Via, user: string, channel: string) {
    const responseUrl = h.slack.responseUrl();
    const body = slashCommandBody(text, responseUrl, {
      team_id: via.teamId,
      user_id: user,
      channel_id: channel,
      ...(via.enterpriseId && {
        enterprise_id: via.enterpriseId,
        is_enterprise_install: String(via.orgWide === true),
      }),
    });
    return { ...(await h.post(body)), responseUrl };
  }

  /** An interaction payload (`block_actions`, `view_submission`), signed; resolves with Bolt's answer. */
  async function interaction(payload: Record<string, unknown>): Promise<{ status: number; text: string }> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const res = await fetch(`${h.base}/slack/events`, {
      method: 'POST',
      body,
      headers: signSlackRequest(SECRET, body),
    });
    return { status: res.status, text: await res.text() };
  }

  return { startInstall, redirect, install, event, command, interaction };
}

/**
 * Where an interaction payload says it comes from, as Slack writes it: the workspace in `team`
 * and `user.team_id`, the organisation in `enterprise`, and for an org-wide install
 * `is_enterprise_install` with the organisation as the view's `app_installed_team_id`.
 */
function origin(via: Via, user: string) {
  const enterprise = via.enterpriseId ? { id: via.enterpriseId, name: 'Grid Org' } : null;
  return {
    payload: {
      user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: via.teamId },
      api_app_id: 'A1',
      token: 'legacy',
      team: {
        id: via.teamId,
        domain: via.teamId.toLowerCase(),
        ...(enterprise && { enterprise_id: enterprise.id }),
      },
      enterprise,
      is_enterprise_install: via.orgWide === true,
    },
    installedTeam: via.orgWide && via.enterpriseId ? via.enterpriseId : via.teamId,
  };
}

/** A button pressed on a Home tab published as `view` (test/fixtures/slack-events.ts `homeButton`'s shape). */
export function homePress(
  via: Via,
  user: string,
  view: { blocks: unknown[]; private_metadata?: string },
  button: { action_id: string; value?: string },
) {
  const from = origin(via, user);
  const pressed = homeButton(view, button, user, via.teamId);
  return {
    ...pressed,
    ...from.payload,
    trigger_id: `7193711691442.255442617559.${Math.random().toString(16).slice(2)}`,
    view: { ...pressed.view, team_id: via.teamId, app_installed_team_id: from.installedTeam },
  };
}

/**
 * A `view_submission` of a modal with text fields, as
 * https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload shows it
 * (`view.state.values[block_id][action_id]`, `private_metadata`, `response_urls: []`); the fields
 * named in `numbers` are `number_input`s, whose value Slack sends as a string.
 */
export function viewSubmission(
  via: Via,
  user: string,
  modal: { callbackId: string; privateMetadata: string },
  fields: Record<string, string>,
  numbers: readonly string[] = [],
) {
  const from = origin(via, user);
  const values = Object.fromEntries(
    Object.entries(fields).map(([id, value]) => [
      id,
      { [id]: { type: numbers.includes(id) ? 'number_input' : 'plain_text_input', value } },
    ]),
  );
  return {
    type: 'view_submission',
    ...from.payload,
    trigger_id: '12345.98765.abcd2358fdea',
    view: {
      id: 'VMODAL1',
      team_id: via.teamId,
      type: 'modal',
      blocks: [],
      private_metadata: modal.privateMetadata,
      callback_id: modal.callbackId,
      state: { values },
      hash: '156663117.cd33ad1f',
      title: { type: 'plain_text', text: 'Connect Focus' },
      clear_on_close: false,
      notify_on_close: false,
      close: { type: 'plain_text', text: 'Cancel' },
      submit: { type: 'plain_text', text: 'Connect' },
      previous_view_id: null,
      root_view_id: 'VMODAL1',
      app_id: 'A1',
      external_id: '',
      app_installed_team_id: from.installedTeam,
      bot_id: 'BBOT',
    },
    response_urls: [],
  };
}

/** An `app_home_opened` event for the Home tab. */
export function homeOpened(user: string, teamId: string) {
  return {
    type: 'app_home_opened',
    user,
    channel: `D${user}`,
    tab: 'home',
    event_ts: '1606810927.510671',
    view: {
      id: 'VHOME1',
      team_id: teamId,
      type: 'home',
      private_metadata: '',
      callback_id: 'focus_home',
      hash: '1606810927.abc',
    },
  };
}
