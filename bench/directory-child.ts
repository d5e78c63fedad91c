/**
 * The directory phase's measured process: the app's lookup stack (Focus client, cache, people
 * directory, lookup service, configured as `src/app.ts` does with the default settings) and
 * nothing else, against the Focus tenant in FOCUS_* variables. Reads `{ firstQuery, queries }`
 * as JSON on stdin; starts the directory and, at once, a person-by-name lookup; waits for the
 * build; times a name search per query; writes one JSON object on stdout.
 */
import { silentLogger } from '../src/domain/logger.js';
import { FocusCache } from '../src/focus/cache.js';
import { FocusClient } from '../src/focus/client.js';
import { PeopleDirectory } from '../src/lookup/directory.js';
import { LookupService } from '../src/lookup/service.js';

const DEADLINE_MS = 8_000;
const CONCURRENCY = 8;

export interface ChildInput {
  firstQuery: string;
  queries: string[];
}

export interface ChildReport {
  rssMbBefore: number;
  rssMbAfterBuild: number;
  heapMbAfterBuild: number;
  /** Heap the built directory holds: live heap after a full GC, less the same before the build. */
  directoryHeapMb: number;
  buildMs: number;
  people: number;
  firstLookupMs: number;
  firstLookupStatus: string;
  firstLookupChoices: number;
  firstLookupLoading: boolean;
  /** Search times in ms, one per query (the second of two passes: the first warms up). */
  searchMs: number[];
  /** The slowest searches: query and ms. */
  slowest: Array<[string, number]>;
}

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`directory-child needs ${name}`);
  return value;
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const rssMb = () => process.memoryUsage().rss / 2 ** 20;
/** Live heap after a full collection (with --expose-gc; NaN without). */
const liveHeapMb = () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return Number.NaN;
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

async function main(): Promise<void> {
  const input = JSON.parse(await readStdin()) as ChildInput;
  const client = new FocusClient({
    baseUrl: env('FOCUS_BASE_URL'),
    credentials: {
      clientId: Number(env('FOCUS_CLIENT_ID')),
      apiKey: env('FOCUS_API_KEY'),
      username: env('FOCUS_USERNAME'),
    },
    logger: silentLogger,
    maxConcurrency: CONCURRENCY,
    deadlineMs: DEADLINE_MS,
  });
  const directory = new PeopleDirectory({
    client,
    logger: silentLogger,
    focusConcurrency: CONCURRENCY,
    loadingWaitMs: Math.min(2_000, Math.floor(DEADLINE_MS / 4)),
  });
  const lookups = new LookupService({
    cache: new FocusCache(client),
    logger: silentLogger,
    deadlineMs: DEADLINE_MS,
    directory,
  });
  const heapMbBefore = liveHeapMb();
  const rssMbBefore = rssMb();

  const started = performance.now();
  directory.start();
  const first = lookups
    .run({ kind: 'person', query: input.firstQuery }, { requestId: 'bench-first' })
    .then((outcome) => ({ outcome, ms: performance.now() - started }));
  await directory.refresh();
  const buildMs = performance.now() - started;
  const { outcome, ms: firstLookupMs } = await first;

  await new Promise((r) => setTimeout(r, 500));
  const rssMbAfterBuild = rssMb();
  const heapMbAfterBuild = process.memoryUsage().heapUsed / 2 ** 20;
  const directoryHeapMb = liveHeapMb() - heapMbBefore;

  let searchMs: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    searchMs = [];
    for (const query of input.queries) {
      const t0 = performance.now();
      await directory.find(query, 10);
      searchMs.push(performance.now() - t0);
    }
  }
  const slowest = input.queries
    .map((q, i): [string, number] => [q, searchMs[i] as number])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5);
  directory.stop();
  await client.close();

  const report: ChildReport = {
    rssMbBefore,
    rssMbAfterBuild,
    heapMbAfterBuild,
    directoryHeapMb,
    buildMs,
    people: directory.size,
    firstLookupMs,
    firstLookupStatus: outcome.status === 'failed' ? `failed: ${outcome.code}` : outcome.status,
    firstLookupChoices: outcome.status === 'ambiguous' ? outcome.choices.length : 0,
    firstLookupLoading:
      (outcome.status === 'ambiguous' || outcome.status === 'not_found') && outcome.directoryLoading === true,
    searchMs,
    slowest,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`directory-child failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
