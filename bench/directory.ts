/**
 * The directory phase (`npm run bench -- --only directory`, and part of the full run): a
 * simulated tenant of 100,000 people (about 300,000 endpoints) at 50 ms latency. The app's
 * lookup stack runs as its own process (bench/directory-child.ts, with npm start's node flags)
 * and reports its build time, memory, the answer to a person-by-name lookup started with the
 * build, and in-process name search times; the simulator counts the Focus calls.
 *
 * Three tenants: endpoint records without the owner's name, with a total (the headline: every
 * name needs people.get); the same as a bare array with no total (pages read ahead until a
 * short one); and records that carry the owner's name (no people.get at all).
 *
 * Then the tenant-wide rate limit, in this process: one 429 with `Retry-After: 2`, twenty
 * lookups started 25 ms later, and the Focus calls that reached the simulator before the 2 s
 * were up (the goal is none).
 */
import { spawn } from 'node:child_process';
import { silentLogger } from '../src/domain/logger.js';
import type { FocusLookupRequest } from '../src/domain/request.js';
import { FocusCache } from '../src/focus/cache.js';
import { FocusClient } from '../src/focus/client.js';
import { nameKey } from '../src/lookup/normalise.js';
import { LookupService } from '../src/lookup/service.js';
import {
  createRng,
  type Dataset,
  FIXTURES,
  type FocusSimulator,
  generateDataset,
  type SimulatorOptions,
  startFocusSimulator,
} from '../src/sandbox/index.js';
import type { ChildInput, ChildReport } from './directory-child.js';
import { npmStartArgs, ROOT } from './processes.js';
import { percentile, round, table } from './stats.js';

const PEOPLE = 100_000;
const LATENCY_MS = 50;
const LOOKUP_DEADLINE_MS = 8_000;
const SEARCHES = 2_000;
/** Endpoint records without their owner's name. */
const NAMELESS: SimulatorOptions['fields'] = {
  endpoint: { id: true, endpoint: true, type: true, personId: true },
};

const TENANTS = {
  '': { fields: NAMELESS },
  _bare: { fields: NAMELESS, endpointSearchShape: 'array' },
  _named: {},
} satisfies Record<string, SimulatorOptions>;

export interface DirectoryFigures {
  [name: string]: number | string | boolean;
}

/** A query mix as people type names: full names, single names, prefixes, accents and case, misses. */
function queries(dataset: Dataset, count: number): string[] {
  const rng = createRng(11);
  const people = dataset.people;
  const out: string[] = [];
  const someone = () => rng.pick(people).fullName;
  while (out.length < count) {
    const name = someone();
    const words = nameKey(name).split(' ');
    const key = nameKey(name);
    switch (out.length % 8) {
      case 0:
        out.push(name);
        break;
      case 1:
        out.push(rng.pick(words));
        break;
      case 2:
        out.push(key.slice(0, rng.int(3, Math.max(3, key.length))));
        break;
      case 3:
        out.push(words.map((w) => w.slice(0, 2)).join(' '));
        break;
      case 4:
        out.push(name.toUpperCase());
        break;
      case 5:
        out.push(key); // accents folded, as typed on a keyboard without them
        break;
      case 6:
        out.push(rng.pick(words).slice(1, 5)); // inside a word
        break;
      default:
        out.push(rng.hex(6)); // nobody
    }
  }
  return out;
}

function runChild(sim: FocusSimulator, input: ChildInput): Promise<ChildReport> {
  const nodeFlags = npmStartArgs().filter((a) => a.startsWith('--') && a !== '--import');
  // --expose-gc only lets the child weigh the directory's live heap after measuring its RSS.
  const args = [...nodeFlags, '--expose-gc', '--import', 'tsx', 'bench/directory-child.ts'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      FOCUS_BASE_URL: sim.url,
      FOCUS_CLIENT_ID: String(sim.credentials.clientId),
      FOCUS_API_KEY: sim.credentials.apiKey,
      FOCUS_USERNAME: sim.credentials.username,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    err = (err + c.toString()).slice(-4_000);
  });
  child.stdin.end(JSON.stringify(input));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`directory-child exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as ChildReport);
    });
  });
}

/** Builds the directory against one tenant; its figures carry `suffix`. */
async function buildPhase(
  dataset: Dataset,
  suffix: string,
  options: SimulatorOptions,
  input: ChildInput,
  log: (line: string) => void,
): Promise<{ figures: DirectoryFigures; notes: string[] }> {
  const sim = await startFocusSimulator({ dataset, ...options, faults: { latencyMs: LATENCY_MS } });
  try {
    const report = await runChild(sim, input);
    const stats = sim.stats();
    const byEndpoint = Object.entries(stats.byEndpoint)
      .filter(([, n]) => n > 0)
      .map(([e, n]) => `${e} ${n}`)
      .join(', ');
    const line = `directory${suffix || ' (names by people.get)'}: ${report.people} people in ${round(report.buildMs / 1000, 2)} s, Focus calls ${stats.total} (${byEndpoint}), at most ${stats.peakInFlight} in flight; first lookup ${round(report.firstLookupMs)} ms: ${report.firstLookupStatus}${report.firstLookupLoading ? ' (still loading)' : ''} with ${report.firstLookupChoices} choices; rss ${round(report.rssMbBefore)} MB before, ${round(report.rssMbAfterBuild)} MB after (heap ${round(report.heapMbAfterBuild)} MB; the directory's live heap ${round(report.directoryHeapMb)} MB)`;
    log(`    ${line}`);
    const slowest = report.slowest.map(([q, ms]) => `${JSON.stringify(q)} ${round(ms, 2)} ms`).join(', ');
    if (suffix === '') log(`    slowest name searches: ${slowest}`);
    const figures: DirectoryFigures = {
      [`directory_build_s_100k${suffix}`]: round(report.buildMs / 1000, 2),
      [`directory_focus_calls_100k${suffix}`]: stats.total,
    };
    if (suffix === '') {
      Object.assign(figures, {
        name_search_ms_p50_100k: round(percentile(report.searchMs, 50), 3),
        name_search_ms_p99_100k: round(percentile(report.searchMs, 99), 3),
        name_search_ms_max_100k: round(Math.max(...report.searchMs), 2),
        rss_mb_directory_100k: round(report.rssMbAfterBuild),
        rss_mb_before_directory: round(report.rssMbBefore),
        heap_mb_directory_100k: round(report.directoryHeapMb),
        first_name_lookup_during_build_ms: round(report.firstLookupMs),
        first_name_lookup_during_build_answer: report.firstLookupStatus,
      });
    }
    return { figures, notes: [line] };
  } finally {
    await sim.close();
  }
}

/** After one 429 with Retry-After: 2, the Focus calls of twenty lookups that reached Focus within the 2 s. */
async function rateLimitPhase(
  log: (line: string) => void,
): Promise<{ figures: DirectoryFigures; notes: string[] }> {
  const sim = await startFocusSimulator({ faults: { latencyMs: LATENCY_MS } });
  const client = new FocusClient({
    baseUrl: sim.url,
    credentials: sim.credentials,
    logger: silentLogger,
    deadlineMs: LOOKUP_DEADLINE_MS,
  });
  try {
    const lookups = new LookupService({
      cache: new FocusCache(client),
      logger: silentLogger,
      deadlineMs: LOOKUP_DEADLINE_MS,
    });
    await client.authenticate();
    sim.resetStats();
    sim.setFaults({ forceStatus: 429, retryAfter: 2, forceEndpoints: ['recording.search'] });
    const run = (request: FocusLookupRequest) => lookups.run(request, { requestId: 'bench' });
    const first = run({ kind: 'recording', id: FIXTURES.jane.recordingIds[0] });
    let told = sim.requests().find((r) => r.status === 429);
    while (!told) {
      await new Promise((r) => setTimeout(r, 2));
      told = sim.requests().find((r) => r.status === 429);
    }
    sim.setFaults({ forceStatus: undefined, forceEndpoints: undefined });
    // The other lookups start once the client has read the 429 (the simulator logs it first).
    while (client.pausedUntil() <= Date.now()) await new Promise((r) => setTimeout(r, 2));
    const others: FocusLookupRequest[] = [
      ...FIXTURES.jane.recordingIds.slice(1, 11).map((id) => ({ kind: 'recording' as const, id })),
      ...[2, 3, 4, 5, 6, 7, 8, 9, 100, 101].map((id) => ({ kind: 'person' as const, id })),
    ];
    const outcomes = await Promise.all([first, ...others.map(run)]);
    const at = told.answeredAt;
    const during = sim.requests().filter((r) => r.receivedAt > at && r.receivedAt < at + 2_000).length;
    const after = sim.requests().filter((r) => r.receivedAt >= at + 2_000);
    const answered = outcomes.filter((o) => o.status !== 'failed').length;
    const line = `rate limit: after one 429 (Retry-After: 2) ${during} Focus calls within 2 s; the first after ${after.length > 0 ? Math.min(...after.map((r) => r.receivedAt)) - at : Number.NaN} ms; ${answered} of ${outcomes.length} lookups answered`;
    log(`    ${line}`);
    return {
      figures: { rate_limit_calls_during_pause: during, rate_limit_lookups_answered: answered },
      notes: [line],
    };
  } finally {
    await client.close();
    await sim.close();
  }
}

export async function directoryPhase(
  log: (line: string) => void,
): Promise<{ figures: DirectoryFigures; notes: string[] }> {
  const t0 = performance.now();
  const dataset = generateDataset({ people: PEOPLE });
  log(
    `    simulated tenant: ${dataset.people.length} people, ${dataset.endpoints.length} endpoints, generated in ${round((performance.now() - t0) / 1000, 2)} s`,
  );
  const input: ChildInput = { firstQuery: FIXTURES.accented.fullName, queries: queries(dataset, SEARCHES) };
  const figures: DirectoryFigures = {};
  const notes: string[] = [];
  for (const [suffix, options] of Object.entries(TENANTS)) {
    const phase = await buildPhase(dataset, suffix, options as SimulatorOptions, input, log);
    Object.assign(figures, phase.figures);
    notes.push(...phase.notes);
  }
  const limit = await rateLimitPhase(log);
  Object.assign(figures, limit.figures);
  notes.push(...limit.notes, `lookup deadline ${LOOKUP_DEADLINE_MS} ms; Focus latency ${LATENCY_MS} ms`);
  return { figures, notes };
}

/** [target, met, value shown] for the directory figures. */
export function directoryTargets(f: DirectoryFigures): Array<[string, boolean, string]> {
  const n = (k: string) => Number(f[k]);
  return [
    ['directory_build_s_100k <= 10', n('directory_build_s_100k') <= 10, `${f.directory_build_s_100k}`],
    [
      'directory_focus_calls_100k <= 900',
      n('directory_focus_calls_100k') <= 900,
      `${f.directory_focus_calls_100k}`,
    ],
    ['name_search_ms_p99_100k <= 5', n('name_search_ms_p99_100k') <= 5, `${f.name_search_ms_p99_100k}`],
    ['rss_mb_directory_100k <= 250', n('rss_mb_directory_100k') <= 250, `${f.rss_mb_directory_100k}`],
    [
      `first_name_lookup_during_build_ms < ${LOOKUP_DEADLINE_MS}, answered`,
      n('first_name_lookup_during_build_ms') < LOOKUP_DEADLINE_MS &&
        !String(f.first_name_lookup_during_build_answer).startsWith('failed'),
      `${f.first_name_lookup_during_build_ms} (${f.first_name_lookup_during_build_answer})`,
    ],
    [
      'rate_limit_calls_during_pause = 0',
      n('rate_limit_calls_during_pause') === 0,
      `${f.rate_limit_calls_during_pause}`,
    ],
  ];
}

/** The directory figures and their targets, as the readable report prints them. */
export function directoryReport(f: DirectoryFigures): string {
  const lines = directoryTargets(f).map(
    ([name, ok, value]) => `  ${ok ? 'met   ' : 'MISSED'}  ${name}  (${value})`,
  );
  return [
    '\nDirectory and rate limit',
    table(Object.entries(f).map(([k, v]) => [k, String(v)])),
    '\nTargets',
    ...lines,
    '',
  ].join('\n');
}
