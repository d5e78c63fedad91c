/**
 * `npm run bench:replicas [-- --json]`: two replicas on one Redis (a real redis-server started
 * here), each the app as the Docker image runs it, against the simulator (50 ms) and a local
 * fake Slack. Reports lookups per second through one replica and through both at once, how
 * many Slack retries that landed on the other replica were answered twice (goal 0), and how
 * long the other replica takes to hold the poller lease after the holder is killed (goal at
 * most two lease periods).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFocusSimulator } from '../src/sandbox/index.js';
import { signSlackRequest } from '../test/helpers/fake-slack.js';
import { startRedisServer } from '../test/helpers/redis.js';
import { startBenchSlack } from './fake-slack.js';
import { knownNumbers } from './numbers.js';
import { throughput } from './phases.js';
import { killAll, productionArgs, productionEnv, runBench, startChild } from './processes.js';
import { printFigures } from './report.js';
import { SlackDriver } from './slack-driver.js';
import { round } from './stats.js';

const SECRET = 'bench-signing-secret-0123456789';
const LEASE_SECONDS = 2;
const RETRIED_EVENTS = 200;
const json = process.argv.includes('--json');
const log = (line: string) => process.stderr.write(`${line}\n`);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts chat.postMessage per channel, besides what the bench fake does. */
async function startPostCounter() {
  const posts = new Map<string, number>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c;
    });
    req.on('end', () => {
      if ((req.url ?? '').startsWith('/api/chat.postMessage')) {
        const channel = new URLSearchParams(body).get('channel') ?? '';
        posts.set(channel, (posts.get(channel) ?? 0) + 1);
      }
      res.setHeader('content-type', 'application/json');
      res.end(
        (req.url ?? '').startsWith('/api/auth.test')
          ? '{"ok":true,"user_id":"UBOT","team_id":"T1"}'
          : '{"ok":true,"ts":"1.1"}',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    posts,
    close: () => server.close(),
  };
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const sim = await startFocusSimulator({ faults: { latencyMs: 50 } });
  const slack = await startBenchSlack();
  const counter = await startPostCounter();
  const env = (apiUrl: string) => ({
    ...productionEnv(),
    FOCUS_BASE_URL: sim.url,
    FOCUS_CLIENT_ID: String(sim.credentials.clientId),
    FOCUS_API_KEY: sim.credentials.apiKey,
    FOCUS_USERNAME: sim.credentials.username,
    SLACK_BOT_TOKEN: 'xoxb-bench-bot-token',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: apiUrl,
    REDIS_URL: redis.url,
    POLLER_LEASE_SECONDS: String(LEASE_SECONDS),
    LOG_LEVEL: 'warn',
  });
  const args = productionArgs();
  const [a, b] = await Promise.all([
    startChild('replica-a', args, env(slack.apiUrl)),
    startChild('replica-b', args, env(slack.apiUrl)),
  ]);
  try {
    const texts = knownNumbers(sim.dataset, 100);
    const driverA = new SlackDriver(a.origin, SECRET, slack, 256);
    const driverB = new SlackDriver(b.origin, SECRET, slack, 256);
    await throughput(driverA, texts, 32, 2); // warm both caches
    await throughput(driverB, texts, 32, 2);
    log('throughput: one replica, then both at once (32 in flight each), 10 s each');
    const one = await throughput(driverA, texts, 32, 10);
    const [x, y] = await Promise.all([
      throughput(driverA, texts, 32, 10),
      throughput(driverB, texts, 32, 10),
    ]);
    await driverA.close();
    await driverB.close();

    log(`dedupe: ${RETRIED_EVENTS} mentions, each delivered to A and retried to B`);
    // Replies to mentions are counted by a second fake Slack: a pair of replicas pointed at it.
    await Promise.all([a.stop(), b.stop()]);
    const [c, d] = await Promise.all([
      startChild('replica-c', args, env(counter.apiUrl)),
      startChild('replica-d', args, env(counter.apiUrl)),
    ]);
    for (let i = 0; i < RETRIED_EVENTS; i++) {
      const event = JSON.stringify({
        token: 't',
        team_id: 'T1',
        api_app_id: 'A1',
        type: 'event_callback',
        event_id: `EvBench${i}`,
        event_time: 1,
        event: {
          type: 'app_mention',
          user: 'U1',
          text: `<@UBOT> ${texts[i % texts.length]}`,
          ts: `1.${i}`,
          channel: `CD${i}`,
          event_ts: `1.${i}`,
        },
      });
      const send = (origin: string, retry?: string) =>
        fetch(`${origin}/slack/events`, {
          method: 'POST',
          body: event,
          headers: {
            ...signSlackRequest(SECRET, event),
            'content-type': 'application/json',
            ...(retry && { 'x-slack-retry-num': retry, 'x-slack-retry-reason': 'http_timeout' }),
          },
        }).then((r) => r.text());
      await Promise.all([send(c.origin), send(d.origin, '1')]);
    }
    await pause(3_000);
    let answered = 0;
    let doubles = 0;
    for (let i = 0; i < RETRIED_EVENTS; i++) {
      const n = counter.posts.get(`CD${i}`) ?? 0;
      if (n > 0) answered++;
      doubles += Math.max(0, n - 1);
    }

    log('takeover: the lease holder is killed');
    const holds = async (origin: string) =>
      /^focus_slack_poller_lease_held 1$/m.test(
        await fetch(`${origin}/metrics`).then(
          (r) => r.text(),
          () => '',
        ),
      );
    let holder = (await holds(c.origin)) ? c : (await holds(d.origin)) ? d : undefined;
    for (let i = 0; i < 50 && !holder; i++) {
      await pause(100);
      holder = (await holds(c.origin)) ? c : (await holds(d.origin)) ? d : undefined;
    }
    const other = holder === c ? d : c;
    process.kill(holder?.pid ?? 0, 'SIGKILL');
    const killed = Date.now();
    while (!(await holds(other.origin)) && Date.now() - killed < 30_000) await pause(50);
    const takeover = (Date.now() - killed) / 1000;
    await other.stop();

    const figures = {
      ha_lookups_per_s_one: round(one),
      ha_lookups_per_s_two: round(x + y),
      ha_two_over_one: round((x + y) / one, 2),
      ha_dedupe_events: RETRIED_EVENTS,
      ha_dedupe_answered: answered,
      ha_dedupe_doubles: doubles,
      ha_takeover_s: round(takeover, 2),
      ha_takeover_goal_s: 2 * LEASE_SECONDS,
    };
    printFigures(figures, json);
  } finally {
    killAll();
    await sim.close();
    await slack.close();
    counter.close();
    await redis.stop();
  }
}

runBench(main);
