/**
 * Subscriptions in distribution mode end to end, on SQLite and on Redis (the same cases,
 * `describeSubscriptions`, as distribution.test.ts does): workspaces installed with "Add to
 * Slack" through the fake Slack (each its own bot token), answered from their own Focus
 * simulators with different data, each subscribing a channel with a signed slash command. New
 * recordings added to each simulator are posted in that workspace's channel only, with its own
 * token, exactly once.
 *
 * - Uninstalling one stops its posts while the other keeps posting; a reinstall resumes them,
 *   with the new token only.
 * - `focus_slack_subscriptions` on /metrics is the sum over the workspaces polled.
 * - A reinstall with token rotation on, its token due for refresh and no request coming: the
 *   next poll refreshes it (once) and posts with the rotated token.
 * - A workspace connected from the Home tab, then Removed there: its poller stops at once and
 *   nothing more is posted from that tenant.
 * - An org-wide install: its workspace answered from a connection of its own is told
 *   subscriptions are not available there; its workspace answered from the organisation's
 *   connection subscribes.
 * - On Redis, a second replica on the same Redis: only the lease holder polls and posts, once.
 *
 * The cases of one backend run in order: each builds on the installs before it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type DistributedApp, startDistribution } from '../../src/distribution.js';
import { CONNECTION_FIELDS } from '../../src/domain/connection-admin.js';
import { createLogger } from '../../src/log.js';
import { CONNECTION_ACTIONS, CONNECTION_MODAL_ID } from '../../src/render/focus-connection.js';
import { FIXTURES, generateDataset } from '../../src/sandbox/index.js';
import { BOT_SCOPES } from '../../src/slack/inbound/install.js';
import type { FakeGrant, PublishedView } from '../helpers/fake-slack.js';
import { startSimulator } from '../helpers/focus.js';
import {
  buttonsOf,
  FAST_SUBSCRIPTIONS,
  type Harness,
  OAUTH,
  SECRET,
  startDistributionHarness,
} from '../helpers/harness.js';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { homeOpened, homePress, slackInstalls, type Via, viewSubmission } from '../helpers/slack-install.js';
import { tempStatePath } from '../helpers/state.js';

const JANE = FIXTURES.jane.phone;
const JANE_EMAIL = FIXTURES.users.jane.username;
const A: Via = { teamId: 'TAAA1' };
const B: Via = { teamId: 'TBBB2' };
/** Connected from its Home tab (not provisioned), to its own simulator. */
const C: Via = { teamId: 'TCCC3' };
const ORG_ID = 'EORG0001';
/** An org-wide install's workspaces: ORG1 has a provisioned connection of its own, ORG2 has none. */
const ORG1: Via = { teamId: 'TORG0001', enterpriseId: ORG_ID, orgWide: true };
const ORG2: Via = { teamId: 'TORG0002', enterpriseId: ORG_ID, orgWide: true };
const C_ADMIN = 'UCADMIN';
const C_API_KEY = 'gamma-api-key-1d4e7a0b3c';

/** users.info: every asker is Jane (a linked Focus user) in its own workspace; C's admin. */
const USERS: Record<string, Record<string, unknown>> = {
  UA: { team_id: A.teamId },
  UB: { team_id: B.teamId },
  UC: { team_id: C.teamId },
  [C_ADMIN]: { team_id: C.teamId, is_admin: true },
  UO1: { team_id: ORG1.teamId, enterprise_user: { id: 'UO1', enterprise_id: ORG_ID, is_admin: false } },
  UO2: { team_id: ORG2.teamId, enterprise_user: { id: 'UO2', enterprise_id: ORG_ID, is_admin: false } },
};

type Sim = Awaited<ReturnType<typeof startSimulator>>;

interface Backend {
  name: string;
  /** Whether replicas can share it (the second-replica case runs). */
  shared: boolean;
  /** The harness env keeping state there, and how to clean it up. */
  place(): { env: Record<string, string>; remove(): Promise<void> };
}

function describeSubscriptions(backend: Backend): void {
  describe(`distribution mode on ${backend.name}: each workspace its own subscriptions`, () => {
    let h: Harness<DistributedApp>;
    let slack: ReturnType<typeof slackInstalls>;
    let place: ReturnType<Backend['place']>;
    let simA: Sim;
    let simB: Sim;
    let simC: Sim;
    let simOrg1: Sim;
    let dir: string;
    let tenantsFile: string;
    /** Every bot token an install gave, by installation key (the newest last). */
    const tokens: Record<string, string[]> = {};
    /** The second replica (the Redis case), stopped with the rest. */
    let second: DistributedApp | undefined;
    const secondState = tempStatePath();
    const tokenOf = (via: Via) => tokens[via.orgWide ? (via.enterpriseId as string) : via.teamId]?.at(-1);

    beforeAll(async () => {
      simA = await startSimulator();
      simB = await startSimulator({ dataset: generateDataset({ seed: 7 }) });
      simC = await startSimulator({
        dataset: generateDataset({ seed: 11 }),
        credentials: { apiKey: C_API_KEY },
      });
      simOrg1 = await startSimulator({ dataset: generateDataset({ seed: 13 }) });
      dir = mkdtempSync(join(tmpdir(), 'focus-tenants-'));
      tenantsFile = join(dir, 'tenants.json');
      const entry = (sim: Sim) => ({
        baseUrl: sim.url,
        clientId: sim.credentials.clientId,
        username: sim.credentials.username,
        apiKey: sim.credentials.apiKey,
      });
      writeFileSync(
        tenantsFile,
        JSON.stringify({
          [A.teamId]: entry(simA),
          [B.teamId]: entry(simB),
          // The organisation's connection (simA's tenant) and one workspace's own.
          [ORG_ID]: entry(simA),
          [ORG1.teamId]: entry(simOrg1),
        }),
      );
      place = backend.place();
      h = await startDistributionHarness({
        FOCUS_TENANTS_FILE: tenantsFile,
        ...FAST_SUBSCRIPTIONS,
        ...place.env,
      });
      h.slack.oauthApp({ clientId: OAUTH.clientId, clientSecret: OAUTH.clientSecret, appId: 'A1' });
      h.slack.on('users.info', (body) => {
        const user = USERS[String(body.user)];
        return user
          ? { user: { id: body.user, is_admin: false, profile: { email: JANE_EMAIL }, ...user } }
          : { ok: false, error: 'user_not_found' };
      });
      h.slack.on('conversations.info', (body) => ({ channel: { id: body.channel, is_ext_shared: false } }));
      slack = slackInstalls(h);
      for (const via of [A, B, C]) await install(via);
    });

    afterAll(async () => {
      await second?.stop();
      secondState.remove();
      await h?.stop();
      for (const sim of [simA, simB, simC, simOrg1]) await sim?.close();
      await place?.remove();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** A whole "Add to Slack" install of the workspace (or its organisation); its grant. */
    async function install(via: Via, extra: Partial<FakeGrant> = {}) {
      const done = await slack.install({
        ...(via.orgWide
          ? { enterprise: { id: via.enterpriseId as string, name: 'Org' }, orgWide: true }
          : { team: { id: via.teamId, name: via.teamId } }),
        scope: BOT_SCOPES.join(','),
        userId: 'UINSTALLER',
        ...extra,
      });
      expect(done.status).toBe(200);
      const key = via.orgWide ? (via.enterpriseId as string) : via.teamId;
      tokens[key] = [...(tokens[key] ?? []), done.botToken];
      return done;
    }

    /** `/focus <text>` from `user` in `channel`; the answer posted to response_url. */
    async function command(via: Via, user: string, channel: string, text: string) {
      const { status, responseUrl } = await slack.command(text, via, user, channel);
      expect(status).toBe(200);
      return (await h.slack.responseAt(responseUrl)).body;
    }

    const postsIn = (channel: string) =>
      h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === channel);

    async function until(done: () => boolean, timeoutMs = 15_000): Promise<boolean> {
      const deadline = Date.now() + timeoutMs;
      while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      return done();
    }

    /** Two rounds over every workspace, so a second post of anything would have gone out. */
    async function twoRounds(): Promise<void> {
      await h.app.subscriptions.tick();
      await h.app.subscriptions.tick();
      await new Promise((r) => setTimeout(r, 300));
    }

    const logged = (event: string, ...parts: string[]) =>
      h.logLines.filter((l) => l.includes(`"${event}"`) && parts.every((p) => l.includes(p))).length;

    /** The value of an unlabelled metric on GET /metrics. */
    async function metric(name: string): Promise<number | undefined> {
      const body = await (await fetch(`${h.base}/metrics`)).text();
      const line = body.split('\n').find((l) => l.startsWith(`${name} `));
      return line === undefined ? undefined : Number(line.slice(name.length + 1));
    }

    it("a channel deleted in one workspace removes that workspace's subscriptions only", async () => {
      await command(A, 'UA', 'CSHARE', `subscribe +${FIXTURES.jane.phone2}`);
      expect((await slack.event({ type: 'channel_deleted', channel: 'CSHARE' }, B)).status).toBe(200);
      // B's own (none) are removed: the event came through B's installation.
      expect(await until(() => logged('subscriptions.channel_removed', 'CSHARE') > 0)).toBe(true);
      const list = await command(A, 'UA', 'CSHARE', 'subscriptions');
      expect(JSON.stringify(list.blocks)).toMatch(/1\. \+44 7897 897897/);
    });

    it("each channel gets its own tenant's recordings, with its own token, once; the gauge sums the workspaces", async () => {
      const a = await command(A, 'UA', 'CALPHA', `subscribe +${JANE}`);
      expect(a.response_type).toBe('in_channel');
      expect(String(a.text)).toContain('Subscribed to +44 7700 900123');
      const b = await command(B, 'UB', 'CBETA', `subscribe +${JANE}`);
      expect(b.response_type).toBe('in_channel');

      // Each workspace lists only its own.
      const listA = await command(A, 'UA', 'CALPHA', 'subscriptions');
      expect(JSON.stringify(listA.blocks)).toMatch(/1\. \+44 7700 900123/);
      const listBInA = await command(B, 'UB', 'CALPHA', 'subscriptions');
      expect(JSON.stringify(listBInA.blocks)).not.toMatch(/1\. \+44 7700 900123/);

      // Different lengths tell the two tenants' recordings apart even where their ids are the same.
      const ra = simA.addRecording({ phone: JANE, durationSeconds: 61 });
      const rb = simB.addRecording({ phone: JANE, durationSeconds: 3_599 });
      await until(() => postsIn('CALPHA').length >= 1 && postsIn('CBETA').length >= 1);
      await twoRounds();

      const inA = postsIn('CALPHA');
      const inB = postsIn('CBETA');
      expect(inA).toHaveLength(1);
      expect(inB).toHaveLength(1);
      expect(String(inA[0]?.body.text)).toContain(`New recording ${ra.interactionId}`);
      expect(String(inB[0]?.body.text)).toContain(`New recording ${rb.interactionId}`);
      expect(JSON.stringify(inA[0]?.body.blocks)).toContain('1m 01s');
      expect(JSON.stringify(inB[0]?.body.blocks)).toContain('59m 59s');
      expect(inA[0]?.token).toBe(tokenOf(A));
      expect(inB[0]?.token).toBe(tokenOf(B));

      // A's two subscriptions (CSHARE, CALPHA) and B's one: the round's sum, not the last
      // workspace's count.
      expect(await metric('focus_slack_subscriptions')).toBe(3);
    });

    it('an uninstall stops only that workspace; a reinstall resumes its posts with the new token', async () => {
      const oldB = tokenOf(B);
      expect((await slack.event({ type: 'app_uninstalled' }, B)).status).toBe(200);
      expect(await until(() => logged('subscriptions.workspace_stopped', B.teamId, 'uninstalled') > 0)).toBe(
        true,
      );
      simA.addRecording({ phone: JANE });
      const missed = simB.addRecording({ phone: JANE });
      await until(() => postsIn('CALPHA').length >= 2);
      await twoRounds();
      expect(postsIn('CALPHA')).toHaveLength(2);
      expect(postsIn('CBETA')).toHaveLength(1);
      expect(postsIn('CALPHA').every((c) => c.token === tokenOf(A))).toBe(true);
      // The gauge: A's alone now.
      expect(await metric('focus_slack_subscriptions')).toBe(2);

      // Reinstalled: B's subscriptions are polled again, posted with the new token only (what
      // came meanwhile too: its cursor did not move while it was uninstalled).
      await install(B);
      expect(tokenOf(B)).not.toBe(oldB);
      const next = simB.addRecording({ phone: JANE });
      expect(await until(() => postsIn('CBETA').length >= 3)).toBe(true);
      await twoRounds();
      const after = postsIn('CBETA').slice(1);
      expect(after).toHaveLength(2);
      expect(after.map((c) => c.token)).toEqual([tokenOf(B), tokenOf(B)]);
      const text = after.map((c) => String(c.body.text)).join('\n');
      expect(text).toContain(`New recording ${missed.interactionId}`);
      expect(text).toContain(`New recording ${next.interactionId}`);
    });

    it('a reinstall with token rotation on, its token due: the next poll refreshes it once and posts with the new one', async () => {
      const before = postsIn('CALPHA').length;
      const refreshes = h.slack.refreshes().length;
      // Expires in an hour: within Bolt's two-hour refresh window; no request from A comes.
      const granted = await install(A, { expiresInSec: 3600 });
      const recording = simA.addRecording({ phone: JANE });
      expect(await until(() => postsIn('CALPHA').length > before)).toBe(true);
      await twoRounds();
      const posts = postsIn('CALPHA').slice(before);
      expect(posts).toHaveLength(1);
      expect(String(posts[0]?.body.text)).toContain(`New recording ${recording.interactionId}`);
      expect(h.slack.refreshes().length).toBe(refreshes + 1);
      expect(h.slack.refreshes().at(-1)?.body.refresh_token).toBe(granted.refreshToken);
      const token = posts[0]?.token as string;
      expect(token).not.toBe(granted.botToken);
      // The rotated token, which Slack takes.
      const check = await fetch(`${h.slack.apiUrl}auth.test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(await check.json()).toMatchObject({ ok: true, team_id: A.teamId });
      expect(logged('installation.token_refreshed', A.teamId)).toBe(1);
      tokens[A.teamId]?.push(token);
    });

    it('a connection Removed from the Home tab stops its poller at once; nothing more is posted from that tenant', async () => {
      const openHome = async (): Promise<PublishedView> => {
        const from = h.slack.calls.length;
        expect((await slack.event(homeOpened(C_ADMIN, C.teamId), C)).status).toBe(200);
        return h.slack.publishedView(C_ADMIN, from);
      };
      const press = async (actionId: string) => {
        const home = await openHome();
        const button = buttonsOf(home.blocks).find((x) => x.action_id === actionId);
        expect(button).toBeDefined();
        const from = h.slack.calls.length;
        expect((await slack.interaction(homePress(C, C_ADMIN, home, button as never))).status).toBe(200);
        return from;
      };
      // C's admin connects its own tenant.
      const opened = await press(CONNECTION_ACTIONS.connect);
      const modal = await h.slack.waitForCall('views.open', (c) => h.slack.calls.indexOf(c) >= opened);
      const metadata = (JSON.parse(String(modal.body.view)) as { private_metadata: string }).private_metadata;
      const fields = {
        [CONNECTION_FIELDS.baseUrl]: simC.url,
        [CONNECTION_FIELDS.clientId]: String(simC.credentials.clientId),
        [CONNECTION_FIELDS.username]: simC.credentials.username,
        [CONNECTION_FIELDS.apiKey]: C_API_KEY,
      };
      const submitted = await slack.interaction(
        viewSubmission(C, C_ADMIN, { callbackId: CONNECTION_MODAL_ID, privateMetadata: metadata }, fields, [
          CONNECTION_FIELDS.clientId,
        ]),
      );
      expect(submitted).toEqual({ status: 200, text: '' });

      const subscribed = await command(C, 'UC', 'CGAMMA', `subscribe +${JANE}`);
      expect(subscribed.response_type).toBe('in_channel');
      const first = simC.addRecording({ phone: JANE, durationSeconds: 77 });
      expect(await until(() => postsIn('CGAMMA').length >= 1)).toBe(true);
      expect(String(postsIn('CGAMMA')[0]?.body.text)).toContain(`New recording ${first.interactionId}`);
      expect(postsIn('CGAMMA')[0]?.token).toBe(tokenOf(C));

      // Removed: the poller on that tenant stops now, not at some later round.
      const removed = await press(CONNECTION_ACTIONS.remove);
      expect(JSON.stringify((await h.slack.publishedView(C_ADMIN, removed)).blocks)).toContain(
        'Removed the Focus connection',
      );
      expect(
        await until(() => logged('subscriptions.workspace_stopped', C.teamId, 'connection_changed') > 0),
      ).toBe(true);
      const searches = simC.requests().length;
      simC.addRecording({ phone: JANE });
      await twoRounds();
      expect(postsIn('CGAMMA')).toHaveLength(1);
      // The old tenant is not asked again, and no poller is started for the workspace.
      expect(simC.requests().length).toBe(searches);
      expect(logged('subscriptions.workspace_started', C.teamId)).toBe(1);
    });

    it('an org-wide install: a workspace answered from its own connection is told subscriptions are not available there', async () => {
      await install(ORG1);
      const refused = await command(ORG1, 'UO1', 'CORG1', `subscribe +${JANE}`);
      expect(refused.response_type).not.toBe('in_channel');
      expect(JSON.stringify(refused)).toContain('Subscriptions are not available in this workspace');
      // Lookups there work as usual, from its own tenant.
      const help = await command(ORG1, 'UO1', 'CORG1', 'help');
      expect(JSON.stringify(help)).not.toContain('not connected');
      // The organisation's other workspace, answered from the organisation's connection, subscribes.
      const accepted = await command(ORG2, 'UO2', 'CORG2', `subscribe +${JANE}`);
      expect(accepted.response_type).toBe('in_channel');
      const list = await command(ORG2, 'UO2', 'CORG2', 'subscriptions');
      expect(JSON.stringify(list.blocks)).toMatch(/1\. \+44 7700 900123/);
      expect(JSON.stringify(list.blocks)).not.toContain('CORG1');
      const recording = simA.addRecording({ phone: JANE });
      expect(
        await until(() =>
          postsIn('CORG2').some((c) =>
            String(c.body.text).includes(`New recording ${recording.interactionId}`),
          ),
        ),
      ).toBe(true);
      expect(postsIn('CORG2').every((c) => c.token === tokenOf(ORG2))).toBe(true);
      expect(postsIn('CORG1')).toEqual([]);
    });

    describe.skipIf(!backend.shared)('with a second replica on the same Redis', () => {
      const secondLogs: string[] = [];

      it('only the lease holder polls and posts, and each recording is posted exactly once', async () => {
        const loaded = loadConfig({
          SLACK_BOT_TOKEN: '',
          SLACK_SIGNING_SECRET: SECRET,
          SLACK_CLIENT_ID: OAUTH.clientId,
          SLACK_CLIENT_SECRET: OAUTH.clientSecret,
          SLACK_STATE_SECRET: OAUTH.stateSecret,
          STATE_ENCRYPTION_KEY: OAUTH.encryptionKey,
          SLACK_API_URL: h.slack.apiUrl,
          FOCUS_TENANTS_FILE: tenantsFile,
          STATE_PATH: secondState.path,
          PORT: '0',
          LOG_LEVEL: 'debug',
          ...FAST_SUBSCRIPTIONS,
          ...place.env,
        });
        if (!loaded.ok) throw new Error(loaded.problems.join('; '));
        second = await startDistribution(
          loaded.config,
          createLogger({ level: 'debug', write: (line) => secondLogs.push(line) }),
        );
        const replicas = [h.app, second];
        const held = async (app: DistributedApp) =>
          /^focus_slack_poller_lease_held 1$/m.test((await app.metrics.render()).body);
        // The first replica keeps the lease it holds; the second waits.
        expect(await Promise.all(replicas.map(held))).toEqual([true, false]);

        const before = postsIn('CALPHA').length;
        const recording = simA.addRecording({ phone: JANE, durationSeconds: 42 });
        const rounds = async () => {
          for (let i = 0; i < 3; i++) await Promise.all(replicas.map((app) => app.subscriptions.tick()));
        };
        await rounds();
        expect(await until(() => postsIn('CALPHA').length > before)).toBe(true);
        await rounds();
        await new Promise((r) => setTimeout(r, 300));
        const posts = postsIn('CALPHA').slice(before);
        expect(posts).toHaveLength(1);
        expect(String(posts[0]?.body.text)).toContain(`New recording ${recording.interactionId}`);
        expect(posts[0]?.token).toBe(tokenOf(A));
        // The second replica started no poller and polled nothing.
        expect(secondLogs.some((l) => l.includes('"subscriptions.workspace_started"'))).toBe(false);
        expect(secondLogs.some((l) => l.includes('"subscriptions.polled"'))).toBe(false);
        expect(secondLogs.some((l) => l.includes('"distribution.started"'))).toBe(true);
      });
    });
  });
}

describeSubscriptions({ name: 'SQLite', shared: false, place: () => ({ env: {}, remove: async () => {} }) });

const redisUrl = sharedRedisUrl();
describe.skipIf(!redisUrl)('with Redis', () => {
  describeSubscriptions({
    name: 'Redis',
    shared: true,
    place: () => {
      const url = redisUrl as string;
      const prefix = uniquePrefix('dist-subs');
      return {
        env: { REDIS_URL: url, REDIS_KEY_PREFIX: prefix },
        remove: async () => {
          await deletePrefix(url, prefix);
        },
      };
    },
  });
});
