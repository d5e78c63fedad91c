/**
 * `npm run bench:subscriptions [-- --json] [-- --stress N] [-- --log FILE] [-- --profile]`: the subscriptions phase. The app runs as its own
 * process (as `npm start` runs it) against the simulator (50 ms latency) with 1,000 person
 * subscriptions, one channel each, over 2,000 phone endpoints; 5,000 new recordings arrive over
 * about 25 s. A local fake Slack takes the posts. Reports Focus calls per poll (against the
 * goal ceil(endpoints / 100) + pages of what is new), whether every recording was posted exactly
 * once, the delivery lag, and the app's memory afterwards. `--stress N` keeps N more cores busy
 * (processes spinning in a loop, started before the app and killed at the end), as noisy
 * neighbours do; `--log FILE` keeps the app's log (LOG_LEVEL warn) there; `--profile` runs the
 * app with `--cpu-prof` (bench/profiles/; summarise with profile-top.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateDataset, startFocusSimulator } from '../src/sandbox/index.js';
import { signSlackRequest, slashCommandBody } from '../test/helpers/fake-slack.js';
import { ChannelHistory } from '../test/helpers/slack-history.js';
import { scrapeMetrics } from './diagnostics.js';
import { burnCpu, npmStartArgs, runBench, startChild } from './processes.js';
import { printFigures } from './report.js';
import { percentile, round } from './stats.js';

const SUBSCRIPTIONS = 1_000;
const RECORDINGS = 5_000;
const ARRIVAL_MS = 25_000;
const POLL_SECONDS = 2;
const PACE_MS = 1_000;
const IDS_PER_SEARCH = 100;
const SECRET = 'bench-signing-secret-0123456789';
const json = process.argv.includes('--json');
const option = (name: string) => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const STRESS = Number(option('--stress') ?? 0);
const LOG_FILE = option('--log');
const PROFILE = process.argv.includes('--profile');
const log = (line: string) => process.stderr.write(`${line}\n`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A fake Slack that notes, for each recording id posted, when it arrived; keeps each channel's
 * messages with their metadata and answers `conversations.history` from them (as the test
 * helper does); and takes response_url posts.
 */
async function startPostSink() {
  const posts = new Map<number, number[]>();
  const history = new ChannelHistory();
  let historyReads = 0;
  let summarised = 0;
  /** The text of the last response_url post to each `/response/<n>`. */
  const responses = new Map<number, string>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c;
    });
    req.on('end', () => {
      const at = Date.now();
      res.setHeader('content-type', 'application/json');
      const path = req.url ?? '';
      if (path.startsWith('/response/')) {
        const text = (JSON.parse(body || '{}') as { text?: string }).text ?? '';
        responses.set(Number(path.slice('/response/'.length)), text);
      } else if (path.startsWith('/api/chat.postMessage')) {
        const form = new URLSearchParams(body);
        const text = form.get('text') ?? '';
        const id = /New recording (\d+)/.exec(text)?.[1];
        const more = /and (\d+) more new recordings/.exec(text)?.[1];
        if (id) posts.set(Number(id), [...(posts.get(Number(id)) ?? []), at]);
        if (more) summarised += Number(more);
        const { ts } = history.post({
          channel: form.get('channel'),
          metadata: form.get('metadata') ?? undefined,
        });
        res.end(`{"ok":true,"channel":${JSON.stringify(form.get('channel'))},"ts":"${ts}"}`);
        return;
      } else if (path.startsWith('/api/conversations.history')) {
        historyReads++;
        res.end(JSON.stringify(history.history(Object.fromEntries(new URLSearchParams(body)))));
        return;
      }
      res.end(
        path.startsWith('/api/auth.test')
          ? '{"ok":true,"user_id":"UBOT","bot_id":"BBOT","team_id":"T1"}'
          : '{"ok":true}',
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 1024, resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    responseUrl: (n: number) => `${base}/response/${n}`,
    posts,
    get summarised() {
      return summarised;
    },
    get historyReads() {
      return historyReads;
    },
    responses,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main(): Promise<void> {
  const dataset = generateDataset({ people: 300 + SUBSCRIPTIONS });
  const followed = dataset.people.slice(-SUBSCRIPTIONS);
  const phones = new Map<string, number>(); // number -> person id
  for (const p of followed)
    for (const e of p.endpoints) if (e.endpoint.type === 'phone') phones.set(e.endpoint.endpoint, p.id);
  const sim = await startFocusSimulator({ dataset, faults: { latencyMs: 50 } });
  const slack = await startPostSink();
  if (!(Number.isInteger(STRESS) && STRESS >= 0)) throw new Error('--stress takes a number of cores');
  if (STRESS > 0) log(`stress: ${STRESS} processes keep a core busy each`);
  const stress = burnCpu(STRESS);
  const app = await startChild(
    'app',
    [...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : []), ...npmStartArgs()],
    {
      FOCUS_BASE_URL: sim.url,
      FOCUS_CLIENT_ID: String(sim.credentials.clientId),
      FOCUS_API_KEY: sim.credentials.apiKey,
      FOCUS_USERNAME: sim.credentials.username,
      SLACK_BOT_TOKEN: 'xoxb-bench-bot-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
      SUBSCRIPTION_POLL_SECONDS: String(POLL_SECONDS),
      SUBSCRIPTION_POST_INTERVAL_MS: String(PACE_MS),
      LOG_LEVEL: 'warn',
    },
    LOG_FILE,
  );
  try {
    log(`subscribing ${SUBSCRIPTIONS} channels (one person each, ${phones.size} phone endpoints)`);
    const subscribed = (i: number) => /^(Already s|S)ubscribed to/.test(slack.responses.get(i) ?? '');
    // A subscribe the app could not complete (Focus slow on a loaded machine) is sent again, so
    // that the burst below always meets all the subscriptions.
    for (let round = 1; ; round++) {
      const todo = followed.map((_, i) => i).filter((i) => !subscribed(i));
      if (todo.length === 0) break;
      if (round > 5)
        throw new Error(
          `${todo.length} subscriptions could not be made: ${slack.responses.get(todo[0] as number)}`,
        );
      if (round > 1) log(`subscribing again ${todo.length} that failed`);
      for (const i of todo) slack.responses.delete(i);
      let next = 0;
      const subscribeOne = async () => {
        while (next < todo.length) {
          const i = todo[next++] as number;
          const person = followed[i];
          if (!person) return;
          const body = slashCommandBody(`subscribe person ${person.id}`, slack.responseUrl(i), {
            channel_id: `CB${i}`,
            channel_name: `desk-${i}`,
          });
          await fetch(`${app.origin}/slack/events`, {
            method: 'POST',
            body,
            headers: signSlackRequest(SECRET, body),
          });
        }
      };
      await Promise.all(Array.from({ length: 16 }, subscribeOne));
      while (todo.some((i) => !slack.responses.has(i))) await pause(100);
    }
    await pause(3 * POLL_SECONDS * 1000); // a few polls: the people directory, and the steady state
    const before = await scrapeMetrics(app.origin);
    const searchesBefore = sim.stats().byEndpoint['recording.search'];
    const rssBefore = app.rssMb();
    const appCpuBefore = app.cpuSeconds();
    const benchCpuBefore = process.cpuUsage();

    log(`${RECORDINGS} new recordings over ${ARRIVAL_MS / 1000} s`);
    const numbers = [...phones.keys()];
    const added = new Map<number, number>(); // recording id -> start ms
    const started = Date.now();
    for (let i = 0; i < RECORDINGS; i++) {
      const due = started + (i * ARRIVAL_MS) / RECORDINGS;
      // Always yield, behind schedule too: the fake Slack and the simulator share this process.
      await pause(Math.max(0, due - Date.now()));
      const phone = numbers[Math.floor(Math.random() * numbers.length)] as string;
      const r = sim.addRecording({ phone });
      added.set(r.interactionId, Date.parse(r.startDatetimeUTC));
    }
    const deadline = Date.now() + 60_000;
    const delivered = () => [...added.keys()].filter((id) => slack.posts.has(id)).length + slack.summarised;
    while (delivered() < RECORDINGS && Date.now() < deadline) await pause(250);
    await pause(2 * POLL_SECONDS * 1000); // anything posted twice shows up by now
    const after = await scrapeMetrics(app.origin);
    const appCpu = app.cpuSeconds() - appCpuBefore;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const polls =
      (after.get('focus_slack_subscription_poll_focus_calls_count') ?? 0) -
      (before.get('focus_slack_subscription_poll_focus_calls_count') ?? 0);
    const callsInPolls =
      (after.get('focus_slack_subscription_poll_focus_calls_sum') ?? 0) -
      (before.get('focus_slack_subscription_poll_focus_calls_sum') ?? 0);
    const searches = sim.stats().byEndpoint['recording.search'] - searchesBefore;
    const lags: number[] = [];
    let doubles = 0;
    for (const [id, start] of added) {
      const times = slack.posts.get(id);
      if (!times) continue;
      lags.push(((times[0] as number) - start) / 1000);
      doubles += times.length - 1;
    }
    const endpoints = phones.size;
    const figures = {
      subs_stress_cores: STRESS,
      subs_subscriptions: SUBSCRIPTIONS,
      subs_endpoints: endpoints,
      subs_recordings: RECORDINGS,
      subs_polls: polls,
      subs_focus_calls_per_poll: round(callsInPolls / Math.max(1, polls)),
      subs_recording_searches: searches,
      subs_focus_calls_goal_floor: Math.ceil(endpoints / IDS_PER_SEARCH),
      subs_posted: lags.length,
      subs_summarised: slack.summarised,
      subs_missing: RECORDINGS - lags.length - slack.summarised,
      subs_posts_exact: lags.length + slack.summarised === RECORDINGS && doubles === 0,
      subs_doubles: doubles,
      // Posts that got no answer were looked for in their channel's history this many times.
      subs_history_reads: slack.historyReads,
      subs_lag_p50_s: round(percentile(lags, 50)),
      subs_lag_p99_s: round(percentile(lags, 99)),
      subs_lag_goal_s: 2 * POLL_SECONDS + PACE_MS / 1000,
      // CPU seconds from the first new recording to the end: the app's, and the bench's own (the
      // simulator and the fake Slack run in the bench process).
      subs_app_cpu_s: round(appCpu),
      subs_bench_cpu_s: round((benchCpu.user + benchCpu.system) / 1e6),
      rss_mb_before_subs: round(rssBefore),
      rss_mb_after_subs: round(app.rssMb()),
    };
    printFigures(figures, json);
  } finally {
    stress.stop();
    await app.stop();
    await sim.close();
    await slack.close();
    if (PROFILE) log('cpu profile of the app written to bench/profiles/');
  }
}

runBench(main);
