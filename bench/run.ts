/**
 * `npm run bench [-- --json] [-- --profile]`: the real app against a floor Bolt app, both as
 * their own processes in HTTP mode, driven with signed slash commands; Focus is the built-in
 * simulator with a fixed 50 ms latency; Slack is a local fake that also times card arrival.
 * `--profile` runs the app with `--cpu-prof` (profiles land in bench/profiles/).
 */
import { startFocusSimulator } from '../src/sandbox/index.js';
import { startBenchSlack } from './fake-slack.js';
import { knownNumbers, londonNumbers, manchesterNumbers } from './numbers.js';
import { burst, maxBurst, runPool, sequentialCards, throughput } from './phases.js';
import { killAll, startChild } from './processes.js';
import { SlackDriver } from './slack-driver.js';
import { percentile, ratio, round, type Target, table } from './stats.js';

/** The simulator's fixed latency per Focus request. */
const LATENCY_MS = 50;
/** Sequential Focus round trips of a cold phone lookup: endpoint.search, then people.get ∥ recording.search. */
const COLD_PHONE_ROUND_TRIPS = 2;
const SECRET = 'bench-signing-secret-0123456789';
const BOT_TOKEN = 'xoxb-bench-bot-token';
const BURSTS = [250, 500, 1_000, 2_000, 4_000];

const json = process.argv.includes('--json');
const profile = process.argv.includes('--profile');
const log = (line: string) => process.stderr.write(`${line}\n`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const began = performance.now();
  const step = (name: string) => log(`[${((performance.now() - began) / 1000).toFixed(1)} s] ${name}`);
  const sim = await startFocusSimulator({ faults: { latencyMs: LATENCY_MS, jitterMs: 0 } });
  const slack = await startBenchSlack();
  const slackEnv = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl };
  const appEnv = {
    ...slackEnv,
    FOCUS_BASE_URL: sim.url,
    FOCUS_CLIENT_ID: String(sim.credentials.clientId),
    FOCUS_API_KEY: sim.credentials.apiKey,
    FOCUS_USERNAME: sim.credentials.username,
    LOG_LEVEL: 'warn',
  };
  const profileFlags = profile ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : [];
  const [app, floor] = await Promise.all([
    startChild('app', 'src/main.ts', appEnv, profileFlags),
    startChild('floor', 'bench/floor-app.ts', slackEnv),
  ]);
  const appDriver = new SlackDriver(app.origin, SECRET, slack);
  const floorDriver = new SlackDriver(floor.origin, SECRET, slack);
  try {
    const known = knownNumbers(sim.dataset, 100);
    const rewarm = () => runPool(appDriver, known, 32).then(() => {});

    // The token manager starts empty (only /healthz was asked): 500 concurrent cold lookups.
    step('auth: 500 concurrent cold lookups on a fresh app');
    let before = sim.stats();
    await burst(appDriver, manchesterNumbers(500));
    const authCalls = sim.stats().byEndpoint.auth - before.byEndpoint.auth;

    step(`cold cards: ${known.length} known numbers, one at a time`);
    before = sim.stats();
    const cold = await sequentialCards(appDriver, known);
    const after = sim.stats();
    const callsPerLookup =
      (after.total - before.total - (after.byEndpoint.auth - before.byEndpoint.auth)) / known.length;

    step('warm cards: the same numbers again; then the floor');
    const warm = await sequentialCards(appDriver, known);
    const floorCards = await sequentialCards(floorDriver, known);

    step('ack: a burst of 200 concurrent warm lookups, app then floor');
    await rewarm();
    const acks = (await burst(appDriver, known.concat(known).slice(0, 200))).sent.map((s) => s.ackMs);
    const floorAcks = (await burst(floorDriver, known.concat(known).slice(0, 200))).sent.map((s) => s.ackMs);

    step('throughput: 32 in flight for 10 s, app then floor');
    await rewarm();
    const perSecond = await throughput(appDriver, known, 32, 10);
    const floorPerSecond = await throughput(floorDriver, known, 32, 10);

    step(`max burst acked within 3 s (${BURSTS.join(', ')})`);
    const appBurst = await maxBurst(appDriver, BURSTS, known, 3_000, rewarm, log);
    const floorBurst = await maxBurst(floorDriver, BURSTS, known, 3_000, async () => {}, log);

    step('memory: 50,000 distinct lookups, 64 in flight (simulator latency 0 for this phase)');
    sim.setFaults({ latencyMs: 0 });
    const numbers = londonNumbers(50_000);
    const first = await runPool(appDriver, numbers.slice(0, 25_000), 64);
    await pause(500);
    const rss25 = app.rssMb();
    step(`  25k done (rss ${round(rss25)} MB); next 25k`);
    const second = await runPool(appDriver, numbers.slice(25_000), 64);
    await pause(500);
    const rss50 = app.rssMb();
    step(`  50k done (rss ${round(rss50)} MB); cards missing ${first.failed + second.failed}`);

    const critical = COLD_PHONE_ROUND_TRIPS * LATENCY_MS;
    const r = {
      critical_path_ms: critical,
      focus_calls_per_phone_lookup: round(callsPerLookup, 2),
      card_ms_p50: round(percentile(cold, 50)),
      card_ms_p99: round(percentile(cold, 99)),
      card_over_limit_ratio: round(ratio(percentile(cold, 50), critical), 3),
      warm_card_ms_p50: round(percentile(warm, 50)),
      floor_card_ms_p50: round(percentile(floorCards, 50)),
      warm_over_floor_ratio: round(ratio(percentile(warm, 50), percentile(floorCards, 50)), 2),
      ack_ms_p99: round(percentile(acks, 99)),
      floor_ack_ms_p99: round(percentile(floorAcks, 99)),
      ack_over_floor_ratio: round(ratio(percentile(acks, 99), percentile(floorAcks, 99)), 2),
      lookups_per_s_warm: round(perSecond),
      floor_lookups_per_s: round(floorPerSecond),
      throughput_vs_floor: round(ratio(perSecond, floorPerSecond), 2),
      max_burst_acked_in_3s: appBurst,
      floor_max_burst_acked_in_3s: floorBurst,
      auth_calls: authCalls,
      rss_mb_25k: round(rss25),
      rss_mb_50k: round(rss50),
    };
    const missing = [cold, warm, floorCards].flat().filter(Number.isNaN).length;
    const targets: Target[] = [
      check('card_over_limit_ratio <= 1.10', r.card_over_limit_ratio <= 1.1, r.card_over_limit_ratio),
      check('warm_over_floor_ratio <= 1.5', r.warm_over_floor_ratio <= 1.5, r.warm_over_floor_ratio),
      check('ack_over_floor_ratio <= 1.2', r.ack_over_floor_ratio <= 1.2, r.ack_over_floor_ratio),
      check('throughput_vs_floor >= 0.85', r.throughput_vs_floor >= 0.85, r.throughput_vs_floor),
      check('max_burst >= 0.9 x floor', appBurst >= 0.9 * floorBurst, `${appBurst} vs ${floorBurst}`),
      check('auth_calls = 1', authCalls === 1, authCalls),
      check(
        'rss_mb_50k <= 200 and <= 1.1 x rss_mb_25k',
        r.rss_mb_50k <= 200 && r.rss_mb_50k <= 1.1 * r.rss_mb_25k,
        `${r.rss_mb_50k} vs ${r.rss_mb_25k}`,
      ),
    ];
    if (json) {
      process.stdout.write(`${JSON.stringify(r)}\n`);
    } else {
      const notes = [
        `Focus simulator latency ${LATENCY_MS} ms fixed (0 ms in the memory phase); cold phone lookup = ${COLD_PHONE_ROUND_TRIPS} sequential round trips`,
        `cards that never arrived in the timed phases: ${missing}; bursts run on pre-opened keep-alive connections`,
      ];
      process.stdout.write(
        `\nFocus for Slack benchmark (${((performance.now() - began) / 1000).toFixed(0)} s)\n${table(
          Object.entries(r),
        )}\n\nTargets\n${targets.map((t) => `  ${t.ok ? 'met   ' : 'MISSED'}  ${t.name}  (${t.detail})`).join('\n')}\n\n${notes.map((n) => `  ${n}`).join('\n')}\n`,
      );
    }
    if (profile) log('cpu profile written to bench/profiles/ when the app exits');
  } finally {
    await Promise.allSettled([appDriver.close(), floorDriver.close()]);
    await Promise.allSettled([app.stop(), floor.stop()]);
    await Promise.allSettled([slack.close(), sim.close()]);
  }
}

function check(name: string, ok: boolean, value: unknown): Target {
  return { name, ok, detail: String(value) };
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}
main().catch((error: unknown) => {
  log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  killAll();
  process.exit(1);
});
