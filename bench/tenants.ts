/**
 * `npm run bench:tenants [-- --json]`: distribution mode ("Add to Slack") with 1,000 installed
 * workspaces, the app as the Docker image runs it, against a local fake Slack.
 *
 * - Installations for 1,000 workspaces, each with its own bot token, are sealed into the app's
 *   SQLite state file with the app's own stores before it starts; FOCUS_TENANTS_FILE connects
 *   the first 50 ("active") each to its own Focus simulator (a data seed each: the same recording
 *   ids, other contents) and the other 950 to one shared simulator. Askers are linked Focus users
 *   (the fake Slack gives every asker a portal user's email), as distribution mode requires.
 * - `tenants_rss_mb_per_idle`: RSS of that app after each of the 1,000 workspaces answered one
 *   lookup and was released by the idle timeout, less the RSS of the same app with no
 *   installations after the same 1,000 commands (refused), over 1,000. Each figure is the median
 *   of samples taken after a full GC (asked for over the inspector: the image has no
 *   `--expose-gc`). Goal ≤ 0.5 MB.
 * - `tenants_lookup_p99_ms`: request-to-card p99 of `/focus recording <id>` round-robin over the
 *   50 active workspaces, against `single_tenant_lookup_p99_ms`, the same load to one of them,
 *   alternating in rounds in the same process; `tenants_lookup_p99_ratio` goal ≤ 1.2.
 * - `tenants_cross_answers`: answers whose recording card (its start time) is another tenant's
 *   recording of that id, over every answer of the run (goal 0); `tenants_failed_answers`:
 *   answers with no card of any tenant's (goal 0).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Installation } from '@slack/bolt';
import { parseEncryptionKeys } from '../src/config-tenancy.js';
import { createLogger } from '../src/log.js';
import {
  type Dataset,
  FIXTURES,
  type FocusSimulator,
  generateDataset,
  startFocusSimulator,
} from '../src/sandbox/index.js';
import { BOT_SCOPES } from '../src/slack/inbound/install.js';
import { openAppState } from '../src/state/open.js';
import { freePort } from '../test/helpers/ports.js';
import { startBenchSlack } from './fake-slack.js';
import { collectGarbage, inspectPortOption } from './inspector-gc.js';
import { type Child, killAll, productionArgs, productionEnv, runBench, startChild } from './processes.js';
import { printFigures } from './report.js';
import { SlackDriver } from './slack-driver.js';
import { percentile, ratio, round } from './stats.js';

const SECRET = 'bench-signing-secret-0123456789';
const WORKSPACES = 1_000;
const ACTIVE = 50;
/** Recording ids looked up: every tenant has each, with a start time of its own. */
const IDS = 20;
/** Short, so the bench sees every stack released; longer than a round of the latency phase. */
const IDLE_SECONDS = 10;
const IN_FLIGHT = 8;
const ROUNDS = 4;
const PER_ROUND = 600;
const RSS_SAMPLES = 5;
const json = process.argv.includes('--json');
const log = (line: string) => process.stderr.write(`${line}\n`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

const teamId = (i: number) => `TB${String(i).padStart(4, '0')}`;
const userId = (i: number) => `UB${String(i).padStart(4, '0')}`;

/** An installation as Bolt's InstallProvider stores one after `oauth.v2.access`, its own bot token. */
function installation(i: number): Installation<'v2', false> {
  return {
    team: { id: teamId(i), name: `Bench workspace ${i}` },
    enterprise: undefined,
    user: { id: userId(i), token: undefined, scopes: undefined },
    bot: {
      token: `xoxb-${i}-${randomBytes(12).toString('hex')}`,
      scopes: [...BOT_SCOPES],
      id: `BB${String(i).padStart(4, '0')}`,
      userId: `UBOT${i}`,
    },
    appId: 'A1',
    tokenType: 'bot',
    isEnterpriseInstall: false,
    authVersion: 'v2',
  };
}

/** Seals every installation into the state file with the app's own stores, then closes it. */
async function seedInstallations(statePath: string, encryptionKey: string): Promise<void> {
  const keys = parseEncryptionKeys(encryptionKey);
  if (!keys.ok) throw new Error(keys.problems.join('; '));
  const state = await openAppState(
    { path: statePath, redisUrl: undefined, redisPrefix: 'bench', encryptionKeys: keys.value },
    { logger: createLogger({ level: 'warn', write: log }), leaseTtlMs: 30_000 },
  );
  try {
    if (!state.installations) throw new Error('no installation store');
    for (let i = 0; i < WORKSPACES; i++) await state.installations.storeInstallation(installation(i));
  } finally {
    await state.close();
  }
}

/** `<!date^EPOCH^`: how a card shows a recording's start, the same id's differing across tenants. */
const startToken = (iso: string) => `<!date^${Math.floor(Date.parse(iso) / 1000)}^`;

/**
 * `count` recording ids every dataset has, each with a start second no two datasets share, and
 * per dataset the start token of each.
 */
function distinctRecordings(datasets: readonly Dataset[], count: number) {
  const byId = datasets.map((d) => new Map(d.recordings.map((r) => [r.interactionId, r.startDatetimeUTC])));
  const ids: number[] = [];
  for (const r of datasets[0]?.recordings ?? []) {
    if (ids.length >= count) break;
    const starts = byId.map((m) => m.get(r.interactionId));
    if (starts.some((s) => s === undefined)) continue;
    if (new Set(starts.map((s) => startToken(s as string))).size === datasets.length)
      ids.push(r.interactionId);
  }
  if (ids.length < count) throw new Error(`only ${ids.length} recording ids differ in every dataset`);
  const tokens = byId.map((m) => new Map(ids.map((id) => [id, startToken(m.get(id) as string)])));
  return { ids, tokens };
}

interface Verdicts {
  own: number;
  cross: number;
  failed: number;
  firstFailure?: string;
}

async function main(): Promise<void> {
  const started = performance.now();
  log(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  // Dataset `ACTIVE` is the shared simulator's (every idle workspace's).
  const datasets = Array.from({ length: ACTIVE + 1 }, (_, i) => generateDataset({ seed: 1_000 + i }));
  const { ids, tokens } = distinctRecordings(datasets, IDS);
  const sims: FocusSimulator[] = [];
  for (const [i, dataset] of datasets.entries())
    sims.push(
      await startFocusSimulator({
        dataset,
        credentials: { apiKey: `bench-api-key-${i}-${randomBytes(8).toString('hex')}` },
      }),
    );
  const simOf = (team: number) => sims[Math.min(team, ACTIVE)] as FocusSimulator;
  const datasetOf = (team: number) => Math.min(team, ACTIVE);
  const slack = await startBenchSlack({ emailOf: () => FIXTURES.users.jane.username, keepAnswers: true });

  const dir = mkdtempSync(join(tmpdir(), 'focus-bench-tenants-'));
  const statePath = join(dir, 'state.sqlite');
  const tenantsFile = join(dir, 'tenants.json');
  const encryptionKey = `k1:${randomBytes(32).toString('base64')}`;
  const verdicts: Verdicts = { own: 0, cross: 0, failed: 0 };
  try {
    const tenants: Record<string, unknown> = {};
    for (let i = 0; i < WORKSPACES; i++) {
      const sim = simOf(i);
      tenants[teamId(i)] = { baseUrl: sim.url, ...sim.credentials };
    }
    writeFileSync(tenantsFile, JSON.stringify(tenants), { mode: 0o600 });
    await seedInstallations(statePath, encryptionKey);

    const args = productionArgs();
    const env = {
      ...productionEnv(),
      SLACK_CLIENT_ID: '1111.2222',
      SLACK_CLIENT_SECRET: 'bench-client-secret-0123456789',
      SLACK_STATE_SECRET: 'bench-state-secret-0123456789abcdefghij',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      STATE_ENCRYPTION_KEY: encryptionKey,
      TENANT_IDLE_SECONDS: String(IDLE_SECONDS),
      LOG_LEVEL: 'info',
    };

    /** The 1,000 workspaces' commands, one each (8 at a time); every answer checked when `check`. */
    const oncePerWorkspace = async (driver: SlackDriver, check: boolean) => {
      let next = 0;
      let cards = 0;
      const worker = async () => {
        while (next < WORKSPACES) {
          const team = next++;
          const id = ids[team % IDS] as number;
          const r = await lookup(driver, team, id, check);
          if (!Number.isNaN(r.cardMs)) cards++;
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      return cards;
    };

    /** One signed command; `check`: wait for its card and judge it, else only for the ack. */
    const lookup = async (driver: SlackDriver, team: number, id: number, check = true) => {
      const p = driver.prepare(`recording ${id}`, 30_000, {
        team_id: teamId(team),
        team_domain: `bench${team}`,
        user_id: userId(team),
      });
      const sent = await driver.send(p);
      if (!check) return { cardMs: sent.status === 200 ? sent.ackMs : Number.NaN };
      const cardMs = await p.arrived.then(
        (at) => at - sent.startedAt,
        () => Number.NaN,
      );
      judge(Number.isNaN(cardMs) ? '' : await p.answer, team, id);
      return { cardMs };
    };

    const judge = (answer: string, team: number, id: number) => {
      const own = datasetOf(team);
      if (answer.includes(tokens[own]?.get(id) as string)) verdicts.own++;
      else if (tokens.some((t, d) => d !== own && answer.includes(t.get(id) as string))) verdicts.cross++;
      else {
        verdicts.failed++;
        verdicts.firstFailure ??= `${teamId(team)} recording ${id}: ${answer.slice(0, 300) || '(no card)'}`;
      }
    };

    // ---- memory: no installations, then 1,000 installed and released -----------------------------
    log('baseline: the app with no installations, 1,000 commands (refused: not installed)');
    const basePort = await freePort();
    const base = await startChild('no-installations', args, {
      ...env,
      NODE_OPTIONS: inspectPortOption(basePort),
    });
    const baseDriver = new SlackDriver(base.origin, SECRET, slack, 64);
    await oncePerWorkspace(baseDriver, false);
    await baseDriver.close();
    const baseRss = await settledRss(base, basePort);
    log(`  RSS ${round(baseRss)} MB (${base.rssParts()})`);
    await base.stop();

    log(`the app with ${WORKSPACES} installations: each workspace's first lookup`);
    const logFile = join(dir, 'app.log');
    const appPort = await freePort();
    const app = await startChild(
      'tenants',
      args,
      {
        ...env,
        STATE_PATH: statePath,
        FOCUS_TENANTS_FILE: tenantsFile,
        NODE_OPTIONS: inspectPortOption(appPort),
      },
      logFile,
    );
    const driver = new SlackDriver(app.origin, SECRET, slack, 64);
    const firstUse = performance.now();
    const answered = await oncePerWorkspace(driver, true);
    log(`  ${answered} of ${WORKSPACES} answered in ${round((performance.now() - firstUse) / 1000)} s`);
    log(`  waiting for every stack to be released (TENANT_IDLE_SECONDS=${IDLE_SECONDS})`);
    const { built, released } = await allReleased(logFile, IDLE_SECONDS * 1000 + 60_000);
    log(`  ${built} stacks built, ${released} released`);
    const idleRss = await settledRss(app, appPort);
    log(`  RSS ${round(idleRss)} MB (${app.rssParts()})`);

    // ---- latency: 50 active tenants against one, alternating rounds ------------------------------
    log(`latency: ${ACTIVE} active workspaces warm (${ACTIVE} x ${IDS} lookups)`);
    await runLookups(
      Array.from({ length: ACTIVE * IDS }, (_, k) => [k % ACTIVE, ids[Math.floor(k / ACTIVE)] as number]),
      (team, id) => lookup(driver, team, id),
    );
    const multi: number[] = [];
    const single: number[] = [];
    const multiLoad = Array.from(
      { length: PER_ROUND },
      (_, k) => [k % ACTIVE, ids[Math.floor(k / ACTIVE) % IDS] as number] as const,
    );
    const singleLoad = Array.from({ length: PER_ROUND }, (_, k) => [0, ids[k % IDS] as number] as const);
    for (let round_ = 0; round_ < ROUNDS; round_++) {
      const order = round_ % 2 === 0 ? (['multi', 'single'] as const) : (['single', 'multi'] as const);
      for (const mode of order) {
        const load = mode === 'multi' ? multiLoad : singleLoad;
        // Untimed: every workspace of the round once, so a stack released meanwhile is built again first.
        await runLookups(load.slice(0, mode === 'multi' ? ACTIVE : 1), (t, id) => lookup(driver, t, id));
        const times = await runLookups(load, (t, id) => lookup(driver, t, id));
        (mode === 'multi' ? multi : single).push(...times);
        log(
          `  round ${round_ + 1} ${mode.padEnd(6)} p50 ${round(percentile(times, 50))} ms, p99 ${round(percentile(times, 99))} ms`,
        );
      }
    }
    await driver.close();
    const load = loadavg();
    await app.stop();

    if (verdicts.firstFailure) log(`first answer without a card of any tenant: ${verdicts.firstFailure}`);
    const missing = (xs: number[]) => xs.filter((x) => Number.isNaN(x)).length;
    const p99 = (xs: number[]) =>
      percentile(
        xs.map((x) => (Number.isNaN(x) ? Number.POSITIVE_INFINITY : x)),
        99,
      );
    printFigures(
      {
        tenants_workspaces: WORKSPACES,
        tenants_active: ACTIVE,
        tenants_stacks_built: built,
        tenants_stacks_released: released,
        tenants_rss_mb_no_installations: round(baseRss),
        tenants_rss_mb_1000_idle: round(idleRss),
        tenants_rss_mb_per_idle: round((idleRss - baseRss) / WORKSPACES, 3),
        tenants_rss_mb_per_idle_goal: 0.5,
        tenants_lookup_p50_ms: round(percentile(multi, 50)),
        tenants_lookup_p99_ms: round(p99(multi)),
        single_tenant_lookup_p50_ms: round(percentile(single, 50)),
        single_tenant_lookup_p99_ms: round(p99(single)),
        tenants_lookup_p99_ratio: round(ratio(p99(multi), p99(single)), 2),
        tenants_lookup_p99_ratio_goal: 1.2,
        tenants_lookups_timed: multi.length + single.length,
        tenants_cards_missing: missing(multi) + missing(single),
        tenants_answers_checked: verdicts.own + verdicts.cross + verdicts.failed,
        tenants_cross_answers: verdicts.cross,
        tenants_failed_answers: verdicts.failed,
        load_average_1m_5m: `${load[0]?.toFixed(2)} ${load[1]?.toFixed(2)}`,
        seconds: round((performance.now() - started) / 1000),
      },
      json,
    );
  } finally {
    killAll();
    await Promise.all(sims.map((s) => s.close()));
    await slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs every (team, id) with IN_FLIGHT at a time; the request-to-card times (NaN: no card). */
async function runLookups(
  load: ReadonlyArray<readonly [number, number]>,
  one: (team: number, id: number) => Promise<{ cardMs: number }>,
): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < load.length) {
      const [team, id] = load[next++] as readonly [number, number];
      times.push((await one(team, id)).cardMs);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return times;
}

/** Waits until the app's log shows as many stacks released as built (it logs both). */
async function allReleased(logFile: string, timeoutMs: number): Promise<{ built: number; released: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readFileSync(logFile, 'utf8');
    const built = text.match(/"tenants\.built"/g)?.length ?? 0;
    const released = text.match(/"tenants\.released"/g)?.length ?? 0;
    if ((built > 0 && released >= built) || Date.now() > deadline) return { built, released };
    await pause(1_000);
  }
}

/**
 * The median of RSS_SAMPLES readings, each after a full GC and 2 s; the first GC is followed by
 * 12 s, for jemalloc to hand back what it freed (its pages decay over 10 s).
 */
async function settledRss(child: Child, inspectPort: number): Promise<number> {
  await collectGarbage(child.pid, inspectPort);
  await pause(12_000);
  const samples: number[] = [];
  for (let i = 0; i < RSS_SAMPLES; i++) {
    await collectGarbage(child.pid, inspectPort);
    await pause(2_000);
    samples.push(child.rssMb());
  }
  log(`  RSS samples ${samples.map((s) => round(s)).join(', ')} MB`);
  return percentile(samples, 50);
}

runBench(main);
