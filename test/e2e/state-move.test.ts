/**
 * A distribution-mode deployment outgrows one replica: its SQLite file's installation and Focus
 * connection are exported (still sealed) and imported into Redis with `npm run state`, and the
 * real app running on that Redis answers the workspace from its tenant, posting with the moved bot token.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEncryptionKeys } from '../../src/config-tenancy.js';
import type { DistributedApp } from '../../src/distribution.js';
import { openSqliteState } from '../../src/state/sqlite.js';
import { SealedConnectionStore, SealedInstallationStore } from '../../src/state/tenant-stores.js';
import { type Harness, OAUTH, startDistributionHarness } from '../helpers/harness.js';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { slackInstalls } from '../helpers/slack-install.js';
import { runCli } from '../helpers/state-cli.js';

const url = sharedRedisUrl();
const TEAM = 'TMOVED001';
const BOT_TOKEN = 'xoxb-moved-0123456789-botTOKEN';

describe.skipIf(!url)('moving a distribution deployment from SQLite to Redis', () => {
  const prefix = uniquePrefix('state-move');
  let h: Harness<DistributedApp>;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'focus-state-move-'));
    h = await startDistributionHarness({ REDIS_URL: url as string, REDIS_KEY_PREFIX: prefix });
  });
  afterAll(async () => {
    await h?.stop();
    await deletePrefix(url as string, prefix);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the app on the new store answers the moved workspace with its moved token', async () => {
    // The old deployment's file, as its app wrote it (the same sealed stores, the same key).
    const keys = parseEncryptionKeys(OAUTH.encryptionKey);
    if (!keys.ok) throw new Error('the test key does not parse');
    const file = join(dir, 'old.sqlite');
    const old = openSqliteState(file);
    await new SealedInstallationStore(old.sealedTable('installations'), keys.value).storeInstallation({
      team: { id: TEAM, name: 'Moved' },
      enterprise: undefined,
      isEnterpriseInstall: false,
      user: { id: 'UINSTALL', token: undefined, scopes: undefined },
      bot: { id: 'BMOVED', userId: 'UBOTMOVED', token: BOT_TOKEN, scopes: ['commands', 'chat:write'] },
      tokenType: 'bot',
      appId: 'A1',
      authVersion: 'v2',
    });
    await new SealedConnectionStore(old.sealedTable('connections'), keys.value).put(TEAM, {
      baseUrl: h.sim.url,
      credentials: h.sim.credentials,
      kind: 'tenant',
      requireLinkedUsers: false,
    });
    await old.close();

    const exported = await runCli(['export'], { STATE_PATH: file });
    expect(exported.code).toBe(0);
    expect(exported.out).not.toContain(BOT_TOKEN);
    expect(exported.out).not.toContain(h.sim.credentials.apiKey);
    const imported = await runCli(
      ['import'],
      { REDIS_URL: url as string, REDIS_KEY_PREFIX: prefix, STATE_ENCRYPTION_KEY: OAUTH.encryptionKey },
      exported.out,
    );
    expect(imported.code).toBe(0);
    expect(imported.err).toContain(': 1 added, 0 already there\n');

    const id = h.sim.dataset.recordings[0]?.interactionId as number;
    const slack = slackInstalls(h);
    const { status, responseUrl } = await slack.command(
      `recording ${id}`,
      { teamId: TEAM },
      'UASKER01',
      'CMOVED01',
    );
    expect(status).toBe(200);
    const answer = JSON.stringify((await h.slack.responseAt(responseUrl)).body);
    expect(answer).toContain(`Recording ${id}`);
    // A DM's answer is posted with the moved installation's bot token.
    const event = {
      type: 'message',
      channel_type: 'im',
      channel: 'DMOVED01',
      user: 'UASKER01',
      team: TEAM,
      text: `recording ${id}`,
      ts: `${Math.floor(Date.now() / 1000)}.000001`,
    };
    expect((await slack.event(event, { teamId: TEAM })).status).toBe(200);
    const posted = await h.slack.waitForCall(
      'chat.postMessage',
      (c) => c.body.channel === 'DMOVED01' && JSON.stringify(c.body).includes(`Recording ${id}`),
    );
    expect(posted.token).toBe(BOT_TOKEN);
    expect(h.logLines.join('\n')).not.toContain(BOT_TOKEN);
  });
});
