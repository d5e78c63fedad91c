/**
 * Distribution mode end to end, on SQLite and on Redis (the same cases, `describeDistribution`):
 * the real app (`startDistribution`, through `startDistributionHarness`) behind its real Bolt
 * receiver, installed by the real OAuth flow against the fake Slack, answering each workspace
 * from its own Focus tenant (real simulators over HTTP).
 *
 * - Two workspaces, provisioned by FOCUS_TENANTS_FILE on two simulators whose recording ids are
 *   the same and whose contents differ (two data seeds; each tenant its own credentials): the
 *   same lookups from each are answered from its own tenant, every Web API call made for a
 *   workspace carries its own bot token.
 * - One uninstalled (`app_uninstalled` + `tokens_revoked`) while the other keeps working; a
 *   reinstall answers again, with the new token only.
 * - An org-wide install (Enterprise Grid) connected from the Home tab by an org admin (the
 *   connection checked against Focus before it is saved; a member's submission refused), then
 *   answering in two of its workspaces from its own tenant (a third simulator, a third
 *   seed); `team_access_revoked` for one leaves the other answering.
 * - No token, client secret, API key or encryption key in clear in the store or any log line.
 *
 * The cases of one backend run in order: each builds on the installs before it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DistributedApp } from '../../src/distribution.js';
import { CONNECTION_FIELDS } from '../../src/domain/connection-admin.js';
import type { Credentials } from '../../src/domain/tenant.js';
import { CONNECTION_ACTIONS, CONNECTION_MODAL_ID } from '../../src/render/focus-connection.js';
import { generateDataset } from '../../src/sandbox/index.js';
import { BOT_SCOPES } from '../../src/slack/inbound/install.js';
import type { PublishedView, RecordedCall } from '../helpers/fake-slack.js';
import { sharedDataset, startSimulator } from '../helpers/focus.js';
import { buttonsOf, type Harness, OAUTH, startDistributionHarness } from '../helpers/harness.js';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { openSealedStores, type SealedStores } from '../helpers/sealed-stores.js';
import { homeOpened, homePress, slackInstalls, type Via, viewSubmission } from '../helpers/slack-install.js';

type Dataset = ReturnType<typeof generateDataset>;
type Sim = Awaited<ReturnType<typeof startSimulator>>;

/** Three tenants: the same recording ids, different contents (seeds), different credentials. */
const DATA = {
  alpha: sharedDataset(),
  beta: generateDataset({ seed: 7 }),
  grid: generateDataset({ seed: 11 }),
};
type Tenant = keyof typeof DATA;
const CREDENTIALS: Record<Tenant, Credentials> = {
  alpha: { clientId: 1101, username: 'alpha-service', apiKey: 'alpha-api-key-7f3e9c1d2b' },
  beta: { clientId: 2202, username: 'beta-service', apiKey: 'beta-api-key-4a8d6e0f1c' },
  grid: { clientId: 3303, username: 'grid-service', apiKey: 'grid-api-key-9b2c5d7e3f' },
};

const ALPHA: Via = { teamId: 'TALPHA01' };
const BETA: Via = { teamId: 'TBETA001' };
const GRID_ID = 'EGRID001';
const GRID1: Via = { teamId: 'TGRID001', enterpriseId: GRID_ID, orgWide: true };
const GRID2: Via = { teamId: 'TGRID002', enterpriseId: GRID_ID, orgWide: true };

/** Each workspace's asker (a linked Focus user: Jane, an Admin in every tenant) and channels. */
const PEOPLE: Record<string, { user: string; channel: string; dm: string }> = {
  [ALPHA.teamId]: { user: 'UALPHA01', channel: 'CALPHA01', dm: 'DALPHA01' },
  [BETA.teamId]: { user: 'UBETA001', channel: 'CBETA001', dm: 'DBETA001' },
  [GRID1.teamId]: { user: 'UGRID101', channel: 'CGRID101', dm: 'DGRID101' },
  [GRID2.teamId]: { user: 'UGRID201', channel: 'CGRID201', dm: 'DGRID201' },
};
/** A member of Beta's who first asks after the reinstall (nothing kept about them yet). */
const NEWCOMER = 'UBETA002';
const ORG_ADMIN = 'UGRIDADM';
/** Alpha's workspace admin (Alpha's connection is the provider's, from FOCUS_TENANTS_FILE). */
const ALPHA_ADMIN = 'UALPHADM';
const ORG_MEMBER = 'UGRIDMEM';
const JANE = 'jane.smith@example.com';

/** users.info as Slack answers it: each asker is Jane; the organisation's admin and a member. */
function userInfo(user: string): Record<string, unknown> | undefined {
  const asker = Object.entries(PEOPLE).find(([, p]) => p.user === user);
  if (asker) return { id: user, team_id: asker[0], is_admin: false, profile: { email: JANE } };
  if (user === ALPHA_ADMIN)
    return { id: user, team_id: ALPHA.teamId, is_admin: true, profile: { email: JANE } };
  if (user === NEWCOMER) return { id: user, team_id: BETA.teamId, is_admin: false, profile: { email: JANE } };
  const grid = { enterprise_id: GRID_ID, enterprise_name: 'Grid Org', is_owner: false };
  if (user === ORG_ADMIN)
    return {
      id: user,
      team_id: GRID1.teamId,
      is_admin: true,
      enterprise_user: { ...grid, id: user, is_admin: true },
      profile: { email: JANE },
    };
  if (user === ORG_MEMBER)
    return {
      id: user,
      team_id: GRID1.teamId,
      is_admin: false,
      enterprise_user: { ...grid, id: user, is_admin: false },
      profile: { email: 'member@example.com' },
    };
  return undefined;
}

/** Recording ids every tenant has, each starting at a different second in each tenant. */
const startOf = (dataset: Dataset, id: number) => {
  const r = dataset.recordings.find((x) => x.interactionId === id);
  return r ? Math.floor(Date.parse(r.startDatetimeUTC) / 1000) : undefined;
};
const IDS = DATA.alpha.recordings
  .map((r) => r.interactionId)
  .filter((id) => new Set((Object.keys(DATA) as Tenant[]).map((t) => startOf(DATA[t], id))).size === 3)
  .slice(0, 12);

/** Which tenant's recording an answer shows (its start, as Slack's date token): 'alpha', 'beta', 'grid' or 'none'. */
function whose(answer: unknown, id: number): Tenant | 'none' | 'several' {
  const text = JSON.stringify(answer);
  if (!text.includes(`Recording ${id}`)) return 'none';
  const found = (Object.keys(DATA) as Tenant[]).filter((t) =>
    text.includes(`<!date^${startOf(DATA[t], id)}^`),
  );
  return found.length === 1 ? (found[0] as Tenant) : found.length === 0 ? 'none' : 'several';
}

interface Backend {
  name: string;
  /** The harness env keeping state there, and how to read it back and clean it up. */
  place(): { env: Record<string, string>; redis?: { url: string; prefix: string }; remove(): Promise<void> };
}

function describeDistribution(backend: Backend): void {
  describe(`distribution mode on ${backend.name}`, () => {
    let h: Harness<DistributedApp>;
    let sims: Record<Tenant, Sim>;
    let sealed: SealedStores;
    let slack: ReturnType<typeof slackInstalls>;
    let place: ReturnType<Backend['place']>;
    let dir: string;
    /** Every bot token an install gave, by workspace (the newest last). */
    const tokens: Record<string, string[]> = {};
    const botUsers: Record<string, string> = {};
    const tokenOf = (via: Via) => tokens[via.orgWide ? (via.enterpriseId as string) : via.teamId]?.at(-1);
    let seq = 0;

    beforeAll(async () => {
      expect(IDS).toHaveLength(12);
      sims = {
        alpha: await startSimulator({ credentials: CREDENTIALS.alpha }),
        beta: await startSimulator({ dataset: DATA.beta, credentials: CREDENTIALS.beta }),
        // Not the harness's own simulator: the harness's logger masks that one's key, and this
        // test looks for keys in the log lines as the app wrote them.
        grid: await startSimulator({ dataset: DATA.grid, credentials: CREDENTIALS.grid }),
      };
      dir = mkdtempSync(join(tmpdir(), 'focus-tenants-'));
      const file = join(dir, 'tenants.json');
      const entry = (t: 'alpha' | 'beta') => ({ baseUrl: sims[t].url, ...CREDENTIALS[t] });
      writeFileSync(file, JSON.stringify({ [ALPHA.teamId]: entry('alpha'), [BETA.teamId]: entry('beta') }));
      place = backend.place();
      h = await startDistributionHarness({ FOCUS_TENANTS_FILE: file, ...place.env });
      h.slack.oauthApp({ clientId: OAUTH.clientId, clientSecret: OAUTH.clientSecret, appId: 'A1' });
      h.slack.on('users.info', (body) => {
        const user = userInfo(String(body.user));
        return user ? { user } : { ok: false, error: 'user_not_found' };
      });
      slack = slackInstalls(h);
      sealed = await openSealedStores(h.statePath, place.redis);
    });

    afterAll(async () => {
      await sealed?.close();
      await h?.stop();
      await sims?.alpha.close();
      await sims?.beta.close();
      await sims?.grid.close();
      await place?.remove();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    async function install(via: Via, userId = 'UINSTALL') {
      const done = await slack.install(
        via.orgWide
          ? {
              enterprise: { id: via.enterpriseId as string, name: 'Grid Org' },
              orgWide: true,
              scope: BOT_SCOPES.join(','),
              userId,
            }
          : { team: { id: via.teamId, name: via.teamId }, scope: BOT_SCOPES.join(','), userId },
      );
      expect(done.status).toBe(200);
      const key = via.orgWide ? (via.enterpriseId as string) : via.teamId;
      tokens[key] = [...(tokens[key] ?? []), done.botToken];
      botUsers[key] = done.botUserId;
      return done;
    }

    /** `/focus <text>` from the workspace's asker; resolves with the answer posted to response_url. */
    async function command(via: Via, text: string, user?: string) {
      const p = PEOPLE[via.teamId];
      if (!p) throw new Error(`no people in ${via.teamId}`);
      const { status, responseUrl } = await slack.command(text, via, user ?? p.user, p.channel);
      expect(status).toBe(200);
      return (await h.slack.responseAt(responseUrl)).body;
    }

    /** A DM to the app from the workspace's asker; resolves with the answer's `chat.postMessage`. */
    async function dm(via: Via, text: string, match: (call: RecordedCall) => boolean, user?: string) {
      const p = PEOPLE[via.teamId];
      if (!p) throw new Error(`no people in ${via.teamId}`);
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
      const from = h.slack.calls.length;
      const event = {
        type: 'message',
        channel_type: 'im',
        channel: p.dm,
        user: user ?? p.user,
        team: via.teamId,
        text,
        ts,
      };
      expect((await slack.event(event, via)).status).toBe(200);
      return h.slack.waitForCall(
        'chat.postMessage',
        (c) => c.body.channel === p.dm && match(c) && h.slack.calls.indexOf(c) >= from,
      );
    }

    /** Looks `id` up from the workspace by command and by DM; which tenant answered each, and the DM's token. */
    async function lookup(via: Via, id: number, user?: string) {
      const [byCommand, byDm] = await Promise.all([
        command(via, `recording ${id}`, user),
        dm(via, `recording ${id}`, (c) => JSON.stringify(c.body).includes(`Recording ${id}`), user),
      ]);
      return { command: whose(byCommand, id), dm: whose(byDm.body, id), token: byDm.token };
    }

    const failuresToAuthorize = () =>
      h.logLines.filter((l) => l.includes('Authorization of incoming event did not succeed')).length;

    /** Which workspace a Web API call was made for, from the ids it names; undefined if none or several. */
    function madeFor(call: RecordedCall): string | undefined {
      const text = JSON.stringify(call.body);
      const teams = Object.entries(PEOPLE)
        .filter(([, p]) => [p.user, p.channel, p.dm].some((id) => text.includes(id)))
        .map(([team]) => team);
      return teams.length === 1 ? teams[0] : undefined;
    }

    it('two provisioned workspaces answer the same recording ids each from its own tenant, with its own token', async () => {
      await install(ALPHA);
      await install(BETA);
      const from = h.slack.calls.length;
      const answers = await Promise.all(
        IDS.flatMap((id) =>
          ([ALPHA, BETA] as const).map(async (via) => ({ via, id, ...(await lookup(via, id)) })),
        ),
      );
      const expected = (via: Via): Tenant => (via === ALPHA ? 'alpha' : 'beta');
      const cross = answers.filter(
        (a) => a.command !== expected(a.via) || a.dm !== expected(a.via) || a.token !== tokenOf(a.via),
      );
      expect(answers).toHaveLength(24);
      expect(cross).toEqual([]);
      // Every Web API call made meanwhile (access checks' users.info, the DM answers) names one
      // workspace and carries that workspace's token.
      const calls = h.slack.calls.slice(from);
      expect(calls.length).toBeGreaterThanOrEqual(24);
      const wrong = calls.filter((c) => {
        const team = madeFor(c);
        return team === undefined || c.token !== tokenOf({ teamId: team });
      });
      expect(wrong.map((c) => c.method)).toEqual([]);
      for (const via of [ALPHA, BETA])
        expect(
          calls.filter((c) => c.method === 'users.info' && c.token === tokenOf(via)).length,
        ).toBeGreaterThan(0);
      // Each tenant was asked with its own credentials only (a crossed client would be refused).
      for (const t of ['alpha', 'beta'] as const)
        expect(sims[t].requests().filter((r) => r.status === 401)).toEqual([]);
    });

    it('an event is answered for the installation it came through, never for the team it names (Slack Connect)', async () => {
      // Alpha's member in a channel of Beta's, shared with Alpha: Slack delivers it through Beta's
      // installation, the event naming Alpha's team. Read from the event, Alpha's tenant would answer.
      const from = h.slack.calls.length;
      const ts = `${Math.floor(Date.now() / 1000)}.777001`;
      const mention = {
        type: 'app_mention',
        user: 'UALPHA01',
        team: ALPHA.teamId,
        user_team: ALPHA.teamId,
        text: `<@UBOT> recording ${IDS[2]}`,
        ts,
        channel: 'CBETA001',
        event_ts: ts,
      };
      expect((await slack.event(mention, BETA)).status).toBe(200);
      const reply = await h.slack.waitForCall(
        'chat.postEphemeral',
        (c) => h.slack.calls.indexOf(c) >= from && c.body.channel === 'CBETA001',
      );
      // Refused as a member of another organisation, by Beta's bot.
      expect(reply.body.user).toBe('UALPHA01');
      expect(reply.token).toBe(tokenOf(BETA));
      const made = h.slack.calls.slice(from);
      expect(made.filter((c) => c.token !== tokenOf(BETA))).toEqual([]);
      expect(made.filter((c) => whose(c.body, IDS[2] as number) !== 'none')).toEqual([]);
    });

    it('a provisioned connection is shown on the Home tab, and not even an admin changes it there', async () => {
      const opened = async () => {
        const from = h.slack.calls.length;
        expect((await slack.event(homeOpened(ALPHA_ADMIN, ALPHA.teamId), ALPHA)).status).toBe(200);
        return h.slack.publishedView(ALPHA_ADMIN, from);
      };
      const home = await opened();
      expect(JSON.stringify(home.blocks)).toContain(CREDENTIALS.alpha.username);
      expect(JSON.stringify(home.blocks)).not.toContain(CREDENTIALS.alpha.apiKey);
      expect(buttonsOf(home.blocks)).toEqual([]);
      // A crafted Remove, as if the button were there: refused, and the tenant keeps answering.
      const from = h.slack.calls.length;
      const press = homePress(ALPHA, ALPHA_ADMIN, home, { action_id: CONNECTION_ACTIONS.remove, value: '-' });
      expect((await slack.interaction(press)).status).toBe(200);
      const after = await h.slack.publishedView(ALPHA_ADMIN, from);
      expect(JSON.stringify(after.blocks)).toContain('provided by whoever runs this Focus for Slack service');
      expect(await lookup(ALPHA, IDS[0] as number)).toEqual({
        command: 'alpha',
        dm: 'alpha',
        token: tokenOf(ALPHA),
      });
    });

    it('one workspace uninstalled: its requests are no longer authorized; the other keeps answering', async () => {
      const old = tokenOf(BETA) as string;
      h.slack.revokeToken(old);
      expect((await slack.event({ type: 'app_uninstalled' }, BETA)).status).toBe(200);
      const revoked = { type: 'tokens_revoked', tokens: { oauth: [], bot: [botUsers[BETA.teamId]] } };
      expect((await slack.event(revoked, BETA)).status).toBe(200);
      await until(
        async () => (await sealed.installations.listInstallationKeys()).includes(BETA.teamId) === false,
      );
      await until(async () =>
        h.logLines.some((l) => l.includes('slack.uninstalled') && l.includes('tokens_revoked')),
      );

      const failures = failuresToAuthorize();
      const { responseUrl } = await slack.command(`recording ${IDS[0]}`, BETA, 'UBETA001', 'CBETA001');
      await until(async () => failuresToAuthorize() > failures);
      const ts = `${Math.floor(Date.now() / 1000)}.999001`;
      const posts = h.slack.callsOf('chat.postMessage').length;
      await slack.event(
        {
          type: 'message',
          channel_type: 'im',
          channel: 'DBETA001',
          user: 'UBETA001',
          team: BETA.teamId,
          text: 'help',
          ts,
        },
        BETA,
      );
      await until(async () => failuresToAuthorize() > failures + 1);

      // The other workspace: answered as before, from its own tenant.
      const alpha = await lookup(ALPHA, IDS[1] as number);
      expect(alpha).toEqual({ command: 'alpha', dm: 'alpha', token: tokenOf(ALPHA) });
      // Nothing was answered in the uninstalled one.
      expect(h.slack.responses.some((r) => r.path === new URL(responseUrl).pathname)).toBe(false);
      expect(
        h.slack
          .callsOf('chat.postMessage')
          .slice(posts)
          .filter((c) => c.body.channel === 'DBETA001'),
      ).toEqual([]);
    });

    it('a reinstall starts clean: the new token, answered again from its own tenant', async () => {
      const old = tokenOf(BETA) as string;
      const from = h.slack.calls.length;
      const again = await install(BETA);
      expect(again.botToken).not.toBe(old);
      const stored = await sealed.installations.fetchInstallation({
        teamId: BETA.teamId,
        enterpriseId: undefined,
        isEnterpriseInstall: false,
      });
      expect(stored.bot?.token).toBe(again.botToken);
      for (const id of IDS.slice(0, 3))
        expect(await lookup(BETA, id)).toEqual({ command: 'beta', dm: 'beta', token: again.botToken });
      // Someone the workspace has not seen yet: their access check asks Slack, with the new token.
      expect(await lookup(BETA, IDS[3] as number, NEWCOMER)).toEqual({
        command: 'beta',
        dm: 'beta',
        token: again.botToken,
      });
      expect(
        h.slack.calls.slice(from).filter((c) => c.method === 'users.info' && c.body.user === NEWCOMER),
      ).not.toEqual([]);
      expect(h.slack.calls.slice(from).filter((c) => c.token === old)).toEqual([]);
    });

    describe('an org-wide install (Enterprise Grid), connected from the Home tab', () => {
      let metadata: string;

      async function openHome(via: Via, user: string): Promise<PublishedView> {
        const from = h.slack.calls.length;
        expect((await slack.event(homeOpened(user, via.teamId), via)).status).toBe(200);
        return h.slack.publishedView(user, from);
      }

      const fields = (apiKey: string) => ({
        [CONNECTION_FIELDS.baseUrl]: `${sims.grid.url}/`,
        [CONNECTION_FIELDS.clientId]: String(CREDENTIALS.grid.clientId),
        [CONNECTION_FIELDS.username]: CREDENTIALS.grid.username,
        [CONNECTION_FIELDS.apiKey]: apiKey,
      });
      const submit = (user: string, apiKey: string) =>
        slack.interaction(
          viewSubmission(
            GRID1,
            user,
            { callbackId: CONNECTION_MODAL_ID, privateMetadata: metadata },
            fields(apiKey),
            [CONNECTION_FIELDS.clientId],
          ),
        );

      it('installed org-wide, not connected yet: a lookup and a mention say so, and who can connect it', async () => {
        await install(GRID1, 'UGRIDINS');
        const answer = await command(GRID1, `recording ${IDS[0]}`);
        expect(String(answer.text)).toMatch(/^Focus is not connected for this workspace yet.*Home tab/);
        expect(
          h.logLines.some((l) => l.includes('slack.workspace_not_ready') && l.includes(GRID1.teamId)),
        ).toBe(true);
        const ts = '1700000000.000200';
        const from = h.slack.calls.length;
        const mention = {
          type: 'app_mention',
          user: 'UGRID201',
          text: `<@UBOT> recording ${IDS[0]}`,
          ts,
          channel: 'CGRID201',
          event_ts: ts,
        };
        expect((await slack.event(mention, GRID2)).status).toBe(200);
        const reply = await h.slack.waitForCall(
          'chat.postMessage',
          (c) => h.slack.calls.indexOf(c) >= from && c.body.channel === 'CGRID201' && c.body.thread_ts === ts,
        );
        expect(String(reply.body.text)).toMatch(
          /Focus is not connected for this workspace yet.*workspace admin.*Home tab/,
        );
        expect(reply.token).toBe(tokenOf(GRID2));
      });

      it('the org admin opens the Home tab and presses Connect Focus: the modal opens', async () => {
        const member = await openHome(GRID1, ORG_MEMBER);
        expect(buttonsOf(member.blocks)).toEqual([]);
        const home = await openHome(GRID1, ORG_ADMIN);
        expect(JSON.stringify(home.blocks)).toContain('Focus is not connected');
        const connect = buttonsOf(home.blocks).find((b) => b.action_id === CONNECTION_ACTIONS.connect);
        expect(connect).toBeDefined();
        const from = h.slack.calls.length;
        const press = homePress(GRID1, ORG_ADMIN, home, connect as { action_id: string; value?: string });
        expect((await slack.interaction(press)).status).toBe(200);
        const open = await h.slack.waitForCall('views.open', (c) => h.slack.calls.indexOf(c) >= from);
        expect(open.token).toBe(tokenOf(GRID1));
        const modal = JSON.parse(String(open.body.view)) as { callback_id: string; private_metadata: string };
        expect(modal.callback_id).toBe(CONNECTION_MODAL_ID);
        metadata = modal.private_metadata;
        // The organisation's connection: kept under its enterprise id.
        expect(JSON.parse(metadata)).toEqual({ k: GRID_ID, v: '-' });
      });

      it('a member’s submission is refused and saves nothing', async () => {
        const before = sims.grid.requests().length;
        const answer = await submit(ORG_MEMBER, CREDENTIALS.grid.apiKey);
        expect(JSON.parse(answer.text)).toMatchObject({
          response_action: 'errors',
          errors: { [CONNECTION_FIELDS.baseUrl]: expect.stringContaining('Only a workspace admin or owner') },
        });
        expect(sims.grid.requests().length).toBe(before);
        expect(await sealed.connections.get(GRID_ID)).toBeUndefined();
      });

      it('the admin’s submission is checked against Focus first, then saved', async () => {
        const refused = await submit(ORG_ADMIN, 'not-the-grid-api-key');
        expect(JSON.parse(refused.text)).toMatchObject({
          response_action: 'errors',
          errors: { [CONNECTION_FIELDS.apiKey]: expect.stringContaining('Focus refused these credentials') },
        });
        expect(await sealed.connections.get(GRID_ID)).toBeUndefined();

        const before = sims.grid.requests().length;
        const from = h.slack.calls.length;
        const answer = await submit(ORG_ADMIN, CREDENTIALS.grid.apiKey);
        expect(answer).toEqual({ status: 200, text: '' });
        // Signed in with these credentials before the answer.
        expect(
          sims.grid
            .requests()
            .slice(before)
            .some((r) => r.endpoint === 'auth' && r.status === 200),
        ).toBe(true);
        expect(await sealed.connections.get(GRID_ID)).toMatchObject({
          kind: 'tenant',
          baseUrl: sims.grid.url,
          credentials: CREDENTIALS.grid,
          connectedBy: ORG_ADMIN,
        });
        // The admin's Home tab, published again: connected, the key masked.
        const home = JSON.stringify((await h.slack.publishedView(ORG_ADMIN, from)).blocks);
        expect(home).toContain(`Connected to Focus at ${new URL(sims.grid.url).host}`);
        expect(home).not.toContain(CREDENTIALS.grid.apiKey);
      });

      it('both workspaces of the organisation are answered from its tenant, with its token', async () => {
        const from = h.slack.calls.length;
        const answers = await Promise.all(
          IDS.slice(0, 6).flatMap((id) =>
            [GRID1, GRID2].map(async (via) => ({ via, id, ...(await lookup(via, id)) })),
          ),
        );
        const cross = answers.filter(
          (a) => a.command !== 'grid' || a.dm !== 'grid' || a.token !== tokenOf(GRID1),
        );
        expect(cross).toEqual([]);
        expect(h.slack.calls.slice(from).filter((c) => c.token !== tokenOf(GRID1))).toEqual([]);
      });

      it('team_access_revoked for one workspace leaves the other answering', async () => {
        const revoked = { type: 'team_access_revoked', team_ids: [GRID1.teamId] };
        expect((await slack.event(revoked, GRID1)).status).toBe(200);
        await until(async () =>
          h.logLines.some((l) => l.includes('slack.uninstalled') && l.includes('team_access_revoked')),
        );
        expect(await lookup(GRID2, IDS[7] as number)).toEqual({
          command: 'grid',
          dm: 'grid',
          token: tokenOf(GRID2),
        });
        // The two provisioned workspaces are untouched.
        expect((await lookup(ALPHA, IDS[8] as number)).command).toBe('alpha');
        expect((await lookup(BETA, IDS[8] as number)).command).toBe('beta');
      });
    });

    it('no token, client secret, API key or encryption key in clear in the store or in any log line', async () => {
      const keys = OAUTH.encryptionKey.slice(OAUTH.encryptionKey.indexOf(':') + 1);
      const secrets = [
        ...Object.values(tokens).flat(),
        OAUTH.clientSecret,
        OAUTH.stateSecret,
        keys,
        keys.replace(/=+$/, ''),
        ...Object.values(CREDENTIALS).map((c) => c.apiKey),
      ];
      // Alpha's, beta's first and second, the organisation's.
      expect(Object.values(tokens).flat()).toHaveLength(4);
      const stored = (await sealed.everything()).toString('latin1');
      // The search reads the store the app wrote: its sealed records are there.
      expect(stored).toContain(ALPHA.teamId);
      expect(stored).toContain(GRID_ID);
      expect(stored).toMatch(/v1\.k1\./);
      const logs = h.logLines.join('\n');
      expect(logs).toContain('slack.installed');
      expect(secrets.filter((s) => stored.includes(s))).toEqual([]);
      expect(secrets.filter((s) => logs.includes(s))).toEqual([]);
    });
  });
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the condition never held');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describeDistribution({ name: 'SQLite', place: () => ({ env: {}, remove: async () => {} }) });

const redisUrl = sharedRedisUrl();
describe.skipIf(!redisUrl)('with Redis', () => {
  describeDistribution({
    name: 'Redis',
    place: () => {
      const url = redisUrl as string;
      const prefix = uniquePrefix('distribution');
      return {
        env: { REDIS_URL: url, REDIS_KEY_PREFIX: prefix },
        redis: { url, prefix },
        remove: async () => {
          await deletePrefix(url, prefix);
        },
      };
    },
  });
});
