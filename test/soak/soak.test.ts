/**
 * Soak: thousands of mixed `/focus` lookups through the real HTTP receiver, against a Focus
 * simulator that fails about 5% of requests. Every request is acked 200 and gets exactly one
 * response_url post, nothing rejects unhandled, /healthz still answers, and memory stays flat.
 *
 * Default size is 2,000 lookups (CI); the full run is
 *   SOAK_LOOKUPS=10000 npx vitest run test/soak
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { createRng } from '../../src/sandbox/index.js';
import { signSlackRequest, slashCommandBody } from '../helpers/fake-slack.js';
import { startSimulator } from '../helpers/focus.js';
import { tempStatePath } from '../helpers/state.js';
import { type SoakSlack, startSoakSlack } from './responses.js';

const LOOKUPS = Number(process.env.SOAK_LOOKUPS ?? 2_000);
const CONCURRENCY = 32;
const WARM_UP = 200;
const SECRET = 'soak-signing-secret-0123456789';
const FAULTS = {
  rate500: 0.02,
  rate503: 0.01,
  rate429: 0.01,
  retryAfter: 0,
  malformedShare: 0.01,
  jitterMs: 3,
};

let slack: SoakSlack;
let sim: Awaited<ReturnType<typeof startSimulator>>;
let app: RunningApp;
let base: string;
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
const errorEvents = new Map<string, number>();

/** A gc() even when node was started without --expose-gc. */
function gcFunction(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  slack = await startSoakSlack();
  sim = await startSimulator({ faults: FAULTS });
  const loaded = loadConfig({
    STATE_PATH: tempStatePath().path,
    FOCUS_BASE_URL: sim.url,
    FOCUS_CLIENT_ID: String(sim.credentials.clientId),
    FOCUS_API_KEY: sim.credentials.apiKey,
    FOCUS_USERNAME: sim.credentials.username,
    SLACK_BOT_TOKEN: 'xoxb-soak-bot-token',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    LOG_LEVEL: 'warn',
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const logger = createLogger({
    level: 'warn',
    write: (line) => {
      const { level, event } = JSON.parse(line) as { level?: string; event?: string };
      if (level === 'error') errorEvents.set(String(event), (errorEvents.get(String(event)) ?? 0) + 1);
    },
  });
  app = await startApp(loaded.config, logger);
  base = `http://127.0.0.1:${app.slack?.port}`;
});

afterAll(async () => {
  await app?.stop();
  await sim?.close();
  await slack?.close();
  process.off('unhandledRejection', onRejection);
});

/** A deterministic mix of what people type: known and unknown numbers, ids, junk, help. */
function commandTexts(n: number): string[] {
  const rng = createRng(7);
  const d = sim.dataset;
  const phones = d.endpoints.filter((e) => e.type === 'phone' && e.personId).map((e) => e.endpoint);
  const recordings = d.recordings.map((r) => r.interactionId);
  const people = d.people.map((p) => p.id);
  const kinds: Array<[number, () => string]> = [
    [30, () => `+${rng.pick(phones)}`],
    [10, () => `phone 020 7946 ${String(rng.int(0, 9999)).padStart(4, '0')}`],
    [5, () => `+1 212 555 01${String(rng.int(0, 99)).padStart(2, '0')}`],
    [10, () => `recording ${rng.pick(recordings)}`],
    [3, () => `#${rng.int(1, 99_999_999)}`],
    [10, () => `person ${rng.pick(people)}`],
    [4, () => `person ${rng.pick(d.people).fullName}`],
    [3, () => `user ${rng.pick(d.users).username}`],
    [3, () => `comments ${rng.pick(recordings)}`],
    [2, () => 'retention'],
    [5, () => rng.pick(['help', '', 'HELP'])],
    [8, () => rng.pick(['phone 12ab', 'recording abc', 'comments', '<!channel> hi', 'frobnicate', '“+44”'])],
    [7, () => `<tel:+${rng.pick(phones)}|${rng.pick(phones)}>`],
  ];
  const total = kinds.reduce((s, [w]) => s + w, 0);
  return Array.from({ length: n }, () => {
    let r = rng.int(0, total - 1);
    for (const [w, make] of kinds) {
      if (r < w) return make();
      r -= w;
    }
    return 'help';
  });
}

/** One signed slash command; resolves with the ack status once its card has been posted. */
async function lookup(text: string): Promise<number> {
  const responseUrl = slack.responseUrl();
  const body = slashCommandBody(text, responseUrl);
  const res = await fetch(`${base}/slack/events`, {
    method: 'POST',
    body,
    headers: signSlackRequest(SECRET, body),
  });
  await res.text();
  await slack.card(responseUrl, 30_000);
  return res.status;
}

async function runAll(texts: readonly string[]): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < texts.length) statuses.push(await lookup(texts[next++] as string));
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

describe(`soak: ${LOOKUPS} mixed lookups, ~5% Focus faults, ${CONCURRENCY} in flight`, () => {
  it('acks every request, answers each exactly once, and stays up and flat', {
    timeout: 60_000 + LOOKUPS * 20,
  }, async () => {
    const gc = gcFunction();
    const texts = commandTexts(LOOKUPS);
    const started = performance.now();
    const warm = await runAll(texts.slice(0, WARM_UP));
    gc?.();
    const before = process.memoryUsage();
    const rest = await runAll(texts.slice(WARM_UP));
    const seconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 300)); // any second post would land by now
    gc?.();
    const after = process.memoryUsage();
    const stats = sim.stats();
    console.log(
      `soak: ${LOOKUPS} lookups in ${seconds.toFixed(1)} s (${Math.round(LOOKUPS / seconds)}/s); ` +
        `Focus ${stats.total} requests, by status ${JSON.stringify(stats.byStatus)}; ` +
        `error log events ${JSON.stringify(Object.fromEntries(errorEvents))}; ` +
        `rss ${mb(before.rss)} -> ${mb(after.rss)} MB, heap used ${mb(before.heapUsed)} -> ${mb(after.heapUsed)} MB` +
        ` of ${mb(before.heapTotal)} -> ${mb(after.heapTotal)} MB, external ${mb(before.external)} -> ${mb(after.external)} MB` +
        `${gc ? ' (after gc)' : ' (no gc)'}`,
    );

    const statuses = [...warm, ...rest];
    expect(statuses).toHaveLength(LOOKUPS);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(slack.posts.size).toBe(LOOKUPS);
    expect([...slack.posts].filter(([, n]) => n !== 1)).toEqual([]);
    expect(rejections).toEqual([]);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // Faults were injected: the run proves nothing if Focus never failed.
    expect(Object.keys(stats.byStatus).some((s) => s !== '200')).toBe(true);
    if (gc) expect(after.heapUsed).toBeLessThan(3 * before.heapUsed);
  });
});
