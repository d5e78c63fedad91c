/**
 * `npm run bench [-- --json] [-- --profile] [-- --only directory] [-- --app tsx]`: the real app
 * against a floor Bolt app, both as their own processes in HTTP mode, driven with signed slash
 * commands; Focus is the built-in simulator with a fixed 50 ms latency; Slack is a local fake
 * that also times card arrival. The app runs as the Docker image runs it (compiled first, with
 * the image's command and environment);
 * `--app tsx` runs it as `npm start` does.
 * Progress and evidence go to stderr; the table (or with --json one JSON object) to stdout.
 * `--profile` runs the app with `--cpu-prof` (bench/profiles/; summarise with profile-top.ts).
 * The directory phase (bench/directory.ts: 100,000 people, and the tenant-wide rate limit) runs
 * last; `--only directory` runs it alone. `--only throughput` (three alternating rounds of the
 * throughput phase) and `--only memory` (the two memory phases) are quick checks while working on
 * the app's speed or memory; the full run is the one to report.
 */
import { startFocusSimulator } from '../src/sandbox/index.js';
import { directRoundTripMs, focusCalls, meanMs, scrapeMetrics, simQuiet } from './diagnostics.js';
import { directoryPhase, directoryReport } from './directory.js';
import { startBenchSlack } from './fake-slack.js';
import { knownNumbers, unknownLondonNumbers } from './numbers.js';
import { burst, maxBurst, runPool, sequentialCards, throughput } from './phases.js';
import {
  type Child,
  npmStartArgs,
  preloadedIn,
  productionArgs,
  productionEnv,
  runBench,
  startChild,
} from './processes.js';
import { figures, printFigures, readableReport } from './report.js';
import { SlackDriver } from './slack-driver.js';
import { percentile, round } from './stats.js';

/** The simulator's fixed latency per Focus request. */
const LATENCY_MS = 50;
/** Sequential Focus round trips of a cold phone lookup: endpoint.search, then people.get ∥ recording.search. */
const COLD_PHONE_ROUND_TRIPS = 2;
/** Auth phase: Focus answers at once but auth takes 500 ms, so 500 cold lookups pile up behind it. */
const AUTH_PHASE_FAULTS = { latencyMs: 0, forceEndpoints: ['auth' as const], hangMs: 500 };
const SECRET = 'bench-signing-secret-0123456789';
const BOT_TOKEN = 'xoxb-bench-bot-token';
const BURSTS = [250, 500, 1_000, 2_000, 4_000];
const MEMORY_LOOKUPS = 50_000;
const ACK_ROUNDS = 3;

const json = process.argv.includes('--json');
const profile = process.argv.includes('--profile');
const appAt = process.argv.indexOf('--app');
const appCommand = appAt >= 0 ? process.argv[appAt + 1] : 'prod';
if (appCommand !== 'prod' && appCommand !== 'tsx')
  throw new Error(`--app takes prod or tsx, not "${appCommand}"`);
let notesAppCommand = '';
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const log = (line: string) => process.stderr.write(`${line}\n`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const began = performance.now();

/** Runs one phase and logs its wall time and the CPU each process used (100% = one core). */
async function phase<T>(name: string, procs: Child[], run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  log(`[${((t0 - began) / 1000).toFixed(1)} s] ${name}`);
  const cpu0 = procs.map((p) => p.cpuSeconds());
  const bench0 = process.cpuUsage();
  const result = await run();
  const wall = (performance.now() - t0) / 1000;
  const pct = (s: number) => `${Math.round((100 * s) / wall)}%`;
  const bench = process.cpuUsage(bench0);
  const cpu = procs.map((p, i) => `${p.name} ${pct(p.cpuSeconds() - (cpu0[i] as number))}`);
  log(`    ${wall.toFixed(1)} s; cpu ${cpu.join(', ')}, bench ${pct((bench.user + bench.system) / 1e6)}`);
  return result;
}

const DIRECTORY_PHASE = 'directory: 100,000 people at 50 ms latency, then one 429 for twenty lookups';

/** `--only directory`: the directory phase alone. */
async function directoryOnly(): Promise<void> {
  const dir = await phase(DIRECTORY_PHASE, [], () => directoryPhase(log));
  log(`[${((performance.now() - began) / 1000).toFixed(0)} s] done`);
  if (json) process.stdout.write(`${JSON.stringify(dir.figures)}\n`);
  else
    process.stdout.write(
      `${directoryReport(dir.figures)}\nNotes\n${dir.notes.map((n) => `  ${n}`).join('\n')}\n`,
    );
}

async function main(): Promise<void> {
  if (only === 'directory') return directoryOnly();
  if (only !== undefined && only !== 'throughput' && only !== 'memory')
    throw new Error(`--only takes directory, throughput or memory, not "${only}"`);
  const sim = await startFocusSimulator({ faults: AUTH_PHASE_FAULTS });
  const slack = await startBenchSlack();
  const slackEnv = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl };
  const appEnv = {
    ...slackEnv,
    FOCUS_BASE_URL: sim.url,
    FOCUS_CLIENT_ID: String(sim.credentials.clientId),
    FOCUS_API_KEY: sim.credentials.apiKey,
    FOCUS_USERNAME: sim.credentials.username,
  };
  const profileFlags = profile ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : [];
  // What operators run: the Docker image's command on the compiled build (`--app tsx`: npm start's).
  const startArgs = appCommand === 'tsx' ? npmStartArgs() : productionArgs();
  const imageEnv = appCommand === 'tsx' ? {} : productionEnv();
  notesAppCommand = `app command: ${Object.entries(imageEnv)
    .map(([k, v]) => `${k}=${v} `)
    .join('')}node ${startArgs.join(' ')}`;
  const authBefore = sim.stats().byEndpoint.auth;
  const [app, floor] = await Promise.all([
    startChild('app', [...profileFlags, ...startArgs], { ...imageEnv, ...appEnv }),
    startChild('floor', ['--import', 'tsx', 'bench/floor-app.ts'], slackEnv),
  ]);
  const preloaded = preloadedIn(app.pid, imageEnv);
  if (imageEnv.LD_PRELOAD && preloaded.length === 0)
    throw new Error(`the app did not load ${imageEnv.LD_PRELOAD}`);
  const notes: string[] = [
    `${notesAppCommand}${preloaded.length > 0 ? ` (preloaded and mapped: ${preloaded.join(', ')})` : ''}`,
    `app rss at start ${round(app.rssMb())} MB (${app.rssParts()}), floor ${round(floor.rssMb())} MB (${floor.rssParts()})`,
  ];
  const appDriver = new SlackDriver(app.origin, SECRET, slack);
  const floorDriver = new SlackDriver(floor.origin, SECRET, slack);
  const procs = [app, floor];
  try {
    const known = knownNumbers(sim.dataset, 100);
    const rewarm = () => runPool(appDriver, known, 32).then(() => {});
    if (only === 'throughput' || only === 'memory') {
      sim.setFaults({ latencyMs: LATENCY_MS, jitterMs: 0, forceEndpoints: undefined, hangMs: undefined });
      const quick: Record<string, number> = {};
      if (only === 'throughput') {
        for (let i = 1; i <= 3; i++) {
          await rewarm();
          const a = await phase(`throughput (${i}/3)`, procs, () => throughput(appDriver, known, 32, 10));
          const f = await phase('floor throughput', procs, () => throughput(floorDriver, known, 32, 10));
          quick[`lookups_per_s_${i}`] = round(a);
          quick[`floor_lookups_per_s_${i}`] = round(f);
          quick[`throughput_vs_floor_${i}`] = round(a / f, 2);
        }
      } else {
        sim.setFaults({ latencyMs: 0 });
        const numbers = unknownLondonNumbers(sim.dataset, MEMORY_LOOKUPS, '7946');
        for (const [from, to] of [
          [0, MEMORY_LOOKUPS / 2],
          [MEMORY_LOOKUPS / 2, MEMORY_LOOKUPS],
        ] as const) {
          await phase(`memory: lookups ${from}-${to}`, procs, () =>
            runPool(appDriver, numbers.slice(from, to), 64),
          );
          await pause(500);
          const m = await scrapeMetrics(app.origin);
          const mb = (name: string) => round((m.get(name) ?? Number.NaN) / 2 ** 20);
          quick[`rss_mb_${to / 1000}k`] = round(app.rssMb());
          quick[`heap_used_mb_${to / 1000}k`] = mb('nodejs_heap_size_used_bytes');
          quick[`heap_total_mb_${to / 1000}k`] = mb('nodejs_heap_size_total_bytes');
          quick[`external_mb_${to / 1000}k`] = mb('nodejs_external_memory_bytes');
        }
      }
      for (const n of notes) log(`  ${n}`);
      printFigures(quick, json);
      return;
    }

    // A fresh app: every auth it makes from its start through 500 concurrent cold lookups.
    await phase('auth: 500 concurrent cold lookups on a fresh app (auth delayed 500 ms)', procs, () =>
      burst(appDriver, unknownLondonNumbers(sim.dataset, 500, '8123')),
    );
    const authCalls = sim.stats().byEndpoint.auth - authBefore;

    sim.setFaults({ latencyMs: LATENCY_MS, jitterMs: 0, forceEndpoints: undefined, hangMs: undefined });
    await simQuiet(sim);
    const direct = await directRoundTripMs(sim);
    const [before, m0] = [sim.stats(), await scrapeMetrics(app.origin)];
    const cold = await phase(`cold cards: ${known.length} known numbers, one at a time`, procs, () =>
      sequentialCards(appDriver, known),
    );
    const [after, m1] = [sim.stats(), await scrapeMetrics(app.origin)];
    const calls = focusCalls(before, after);
    const callsPerLookup = Object.values(calls).reduce((a, b) => a + b, 0) / known.length;
    notes.push(
      `cold phase Focus calls ${JSON.stringify(calls)}; direct Focus round trip from the bench p50 ${round(direct)} ms, so the cold card p50 implies ${Math.floor(percentile(cold, 50) / direct)} sequential round trips`,
      `app's own means in the cold phase: Focus call ${round(meanMs(m0, m1, 'focus_slack_focus_call_duration_seconds'))} ms, lookup ${round(meanMs(m0, m1, 'focus_slack_lookup_duration_seconds'))} ms`,
    );

    const warm = await phase('warm cards: the same numbers again', procs, () =>
      sequentialCards(appDriver, known),
    );
    const floorCards = await phase('floor cards: the same sequence', procs, () =>
      sequentialCards(floorDriver, known),
    );

    // Three rounds, app and floor taking turns, so one unlucky burst does not decide the p99.
    const burst200 = known.concat(known).slice(0, 200);
    const acks: number[] = [];
    const floorAcks: number[] = [];
    for (let i = 1; i <= ACK_ROUNDS; i++) {
      await rewarm();
      const a = await phase(`ack: a burst of 200 concurrent warm lookups (${i}/${ACK_ROUNDS})`, procs, () =>
        burst(appDriver, burst200),
      );
      const f = await phase('floor ack: the same burst', procs, () => burst(floorDriver, burst200));
      acks.push(...a.sent.map((x) => (x.status === 200 ? x.ackMs : Number.POSITIVE_INFINITY)));
      floorAcks.push(...f.sent.map((x) => (x.status === 200 ? x.ackMs : Number.POSITIVE_INFINITY)));
    }

    await rewarm();
    const perSecond = await phase('throughput: 32 in flight for 10 s', procs, () =>
      throughput(appDriver, known, 32, 10),
    );
    const floorPerSecond = await phase('floor throughput', procs, () =>
      throughput(floorDriver, known, 32, 10),
    );

    const appBurst = await phase(`max burst acked within 3 s (${BURSTS.join(', ')})`, procs, () =>
      maxBurst(appDriver, BURSTS, known, 3_000, rewarm, log),
    );
    const floorBurst = await phase('floor max burst', procs, () =>
      maxBurst(floorDriver, BURSTS, known, 3_000, async () => {}, log),
    );

    sim.setFaults({ latencyMs: 0 });
    const numbers = unknownLondonNumbers(sim.dataset, MEMORY_LOOKUPS, '7946');
    const half = MEMORY_LOOKUPS / 2;
    const memory = async (from: number, to: number) => {
      const { failed } = await runPool(appDriver, numbers.slice(from, to), 64);
      await pause(500);
      const rss = app.rssMb();
      const m = await scrapeMetrics(app.origin);
      const mb = (name: string) => round((m.get(name) ?? Number.NaN) / 2 ** 20);
      const line = `after ${to} lookups: rss ${round(rss)} MB (${app.rssParts()}), V8 heap used ${mb('nodejs_heap_size_used_bytes')} of ${mb('nodejs_heap_size_total_bytes')} MB, external ${mb('nodejs_external_memory_bytes')} MB; cards missing ${failed}`;
      log(`    ${line}`);
      notes.push(line);
      return rss;
    };
    const rss25 = await phase(`memory: ${half} distinct lookups, 64 in flight, Focus latency 0`, procs, () =>
      memory(0, half),
    );
    const rss50 = await phase(`memory: ${half} more`, procs, () => memory(half, MEMORY_LOOKUPS));
    const dir = await phase(DIRECTORY_PHASE, procs, () => directoryPhase(log));
    notes.push(...dir.notes);

    const r = figures({
      criticalPathMs: COLD_PHONE_ROUND_TRIPS * LATENCY_MS,
      callsPerLookup,
      cold,
      warm,
      floorCards,
      acks,
      floorAcks,
      perSecond,
      floorPerSecond,
      appBurst,
      floorBurst,
      authCalls,
      rss25,
      rss50,
    });
    const missing = [cold, warm, floorCards].flat().filter(Number.isNaN).length;
    notes.push(
      `cards that never arrived in the one-at-a-time phases: ${missing}; bursts run on pre-opened keep-alive connections`,
      `Focus latency ${LATENCY_MS} ms fixed, except: auth phase (0 ms, auth 500 ms) and memory phase (0 ms)`,
      'auth_calls: every auth from the app process start (its people directory signs in at boot) through the 500 concurrent cold lookups',
    );
    const seconds = ((performance.now() - began) / 1000).toFixed(0);
    log(`[${seconds} s] done`);
    if (json) {
      process.stdout.write(`${JSON.stringify({ ...r, ...dir.figures })}\n`);
      for (const n of notes) log(`  ${n}`);
    } else {
      process.stdout.write(readableReport(r, notes, seconds) + directoryReport(dir.figures));
    }
  } finally {
    await Promise.allSettled([appDriver.close(), floorDriver.close()]);
    await Promise.allSettled([app.stop(), floor.stop()]);
    await Promise.allSettled([slack.close(), sim.close()]);
    if (profile) log('cpu profile of the app written to bench/profiles/');
  }
}

runBench(main);
