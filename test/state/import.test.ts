/**
 * `npm run state -- import` checks every subscription: channels are Slack channel ids (never a DM
 * or a user), users are user ids, ids are in range, dates are dates (not ahead of the clock),
 * targets are numbers or people, and the limits per channel and workspace hold. The good ones
 * are imported, each bad one is named with its index and line, and the exit code is 3. Large
 * input streams: the reader hands each subscription on before it reads the next, and a 200 MB file
 * imports in a process whose V8 heap is capped at 64 MB, with its peak resident memory far below
 * the file's size.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/state/snapshot-reader.js';
import { runCli } from '../helpers/state-cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NOW = new Date('2026-11-28T12:00:00.000Z');

const run = (args: string[], env: Record<string, string>, stdin: string) =>
  runCli(args, env, stdin, { now: () => NOW, chunk: 97 });

const good = (id: number, over: Record<string, unknown> = {}) => ({
  id,
  team: 'T1',
  channel: 'C0GOOD',
  target: { kind: 'phone', phone: `4477009${String(id).padStart(5, '0')}`, display: '+44 7700 900123' },
  createdBy: 'U1',
  createdAt: '2026-11-01T09:00:00.000Z',
  paused: null,
  cursor: { newestStart: null, idsAtNewest: [] },
  delivered: [],
  ...over,
});

/** One subscription a line, so each starts on line index + 2. */
const document = (rows: unknown[]) =>
  `{"format":"focus-for-slack/subscriptions","version":1,"subscriptions":[\n${rows.map((r) => JSON.stringify(r)).join(',\n')}\n]}\n`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'focus-import-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('import checks each subscription', () => {
  it('imports the good ones and names each bad one with its index and line (exit 3)', async () => {
    const rows = [
      good(1),
      good(2, { channel: 'D024BE91L' }),
      good(3, { channel: 'U0123ABCD' }),
      good(4, { channel: 'general' }),
      { ...good(5), id: 2 ** 53 - 1 },
      good(6, { createdAt: 'yesterday' }),
      good(7, { createdAt: '2031-01-01T00:00:00Z' }),
      good(8, { createdBy: 'bob' }),
      good(9, { target: { kind: 'phone', phone: '+44 7700', display: 'x' } }),
      good(10, { target: { kind: 'email', value: 'a@b.c' } }),
      good(11, { target: { kind: 'person', personId: -4, name: 'x' } }),
      good(12, { cursor: { newestStart: 'soon', idsAtNewest: [] } }),
      good(13, { delivered: [{ id: 1, startMs: -5 }] }),
      good(14, { team: 'workspace' }),
      good(15, { paused: { reason: 'is_archived', at: 'then' } }),
      good(16, { cursor: { newestStart: '2031-01-01T00:00:00.000Z', idsAtNewest: [5] } }),
      good(17, {
        target: { kind: 'person', personId: 42, name: 'Jane Smith' },
        channel: 'G0PRIVATE',
        team: null,
      }),
      good(18, { filters: { directions: ['sideways'] } }),
      good(19, { filters: { longerThanSeconds: 0 } }),
      good(20, { filters: { shorterThanSeconds: 60 } }),
      good(21, { format: 'tiny' }),
      good(22, { filters: { directions: ['outbound'], longerThanSeconds: 90 }, format: 'compact' }),
    ];
    const path = join(dir, 'checks.sqlite');
    const result = await run(['import'], { STATE_PATH: path }, document(rows));
    expect(result.code).toBe(3);
    const skipped = result.err.split('\n').filter((l) => l.startsWith('skipped'));
    expect(skipped).toEqual([
      expect.stringMatching(
        /^skipped subscriptions\[1\] \(line 3\): channel is not a Slack channel id \(C… or G…\)/,
      ),
      expect.stringMatching(/^skipped subscriptions\[2\] \(line 4\): channel is not a Slack channel id/),
      expect.stringMatching(/^skipped subscriptions\[3\] \(line 5\): channel is not a Slack channel id/),
      'skipped subscriptions[4] (line 6): id is above 2147483647',
      'skipped subscriptions[5] (line 7): createdAt is not an ISO-8601 date',
      'skipped subscriptions[6] (line 8): createdAt is in the future',
      'skipped subscriptions[7] (line 9): createdBy is not a Slack user id (U…, W…)',
      'skipped subscriptions[8] (line 10): target.phone is not 3 to 15 digits',
      'skipped subscriptions[9] (line 11): target.kind: target is neither a phone number nor a person',
      'skipped subscriptions[10] (line 12): target.personId is not positive',
      'skipped subscriptions[11] (line 13): cursor.newestStart is not an ISO-8601 date',
      'skipped subscriptions[12] (line 14): delivered.0.startMs: delivered startMs is before 2000',
      'skipped subscriptions[13] (line 15): team is not a Slack workspace id (T…, E…)',
      'skipped subscriptions[14] (line 16): paused.at is not an ISO-8601 date',
      'skipped subscriptions[17] (line 19): filters.directions.0: filters.directions names a direction that is not one',
      'skipped subscriptions[18] (line 20): filters.longerThanSeconds is not positive',
      'skipped subscriptions[19] (line 21): filters names a filter this version does not know',
      'skipped subscriptions[20] (line 22): format is neither full nor compact',
    ]);
    expect(result.err).toContain(
      'note subscriptions[15] (line 17): cursor 2031-01-01T00:00:00.000Z is in the future: taken as now',
    );
    expect(result.err).toContain('imported 4 subscription(s) into STATE_PATH');
    expect(result.err).toContain(
      '4 added, 0 already there (cursor and delivered ids merged); 18 skipped (listed above)',
    );
    const exported = JSON.parse((await run(['export'], { STATE_PATH: path }, '')).out);
    expect(exported.subscriptions.map((s: { id: number }) => s.id)).toEqual([1, 16, 17, 22]);
    expect(exported.subscriptions[3]).toMatchObject({
      filters: { directions: ['outbound'], longerThanSeconds: 90 },
      format: 'compact',
    });
    expect(exported.subscriptions[1].cursor).toEqual({ newestStart: NOW.toISOString(), idsAtNewest: [] });
  });

  it('holds the limits: 51 subscriptions of one channel import 50, the 51st is named', async () => {
    const rows = Array.from({ length: 51 }, (_, i) => good(i + 1));
    const path = join(dir, 'limits.sqlite');
    const result = await run(['import'], { STATE_PATH: path }, document(rows));
    expect(result.code).toBe(3);
    expect(result.err).toContain(
      'skipped subscriptions[50] (line 52): channel C0GOOD already has 50 subscriptions, the most one channel can',
    );
    expect(result.err).toContain('imported 50 subscription(s)');
    // Again: all 50 are already there (merged), the 51st still refused.
    const again = await run(['import'], { STATE_PATH: path }, document(rows));
    expect(again.err).toContain('0 added, 50 already there');
  });

  it('a cut-short file: what came before is imported, and it says where it ends (exit 2)', async () => {
    const text = document([good(1), good(2)]);
    const result = await run(
      ['import'],
      { STATE_PATH: join(dir, 'cut.sqlite') },
      text.slice(0, text.length - 40),
    );
    expect(result.code).toBe(2);
    expect(result.err).toContain('the input ends inside subscriptions[1]');
    expect(result.err).toContain('(1 record(s) before it were imported)');
  });
});

describe('large input streams', () => {
  it('the reader holds one subscription at a time: each is handed on before the next is read', async () => {
    const row = JSON.stringify(
      good(1, { target: { kind: 'person', personId: 1, name: 'x'.repeat(1_000_000) } }),
    );
    const count = 256;
    let started = 0;
    async function* input() {
      yield '{"format":"focus-for-slack/subscriptions","version":1,"subscriptions":[';
      for (let i = 0; i < count; i++) {
        started++;
        const text = (i > 0 ? ',' : '') + row;
        for (let j = 0; j < text.length; j += 65_536) yield text.slice(j, j + 65_536);
      }
      yield ']}';
    }
    let rows = 0;
    let furthestAhead = 0;
    for await (const item of readSnapshot(input())) {
      if (item.kind !== 'row') continue;
      expect(item.text.length).toBe(row.length);
      rows++;
      // Row k is handed on once the input reached the comma that ends it: at most one row on.
      furthestAhead = Math.max(furthestAhead, started - rows);
    }
    expect(rows).toBe(count);
    expect(furthestAhead).toBeLessThanOrEqual(1);
  }, 60_000);

  it('npm run state -- import of a 200 MB file: node with a 64 MB heap, peak RSS well under the file', async () => {
    const file = join(dir, 'large.json');
    const out = createWriteStream(file);
    const write = (text: string) =>
      new Promise<void>((resolve) => (out.write(text) ? resolve() : out.once('drain', () => resolve())));
    await write('{"format":"focus-for-slack/subscriptions","version":1,"subscriptions":[\n');
    await write(`${JSON.stringify(good(1))},\n`);
    // 200 rows of 1 MB each whose team is not a workspace id: read, checked, skipped.
    const bad = JSON.stringify(good(2, { team: `T${'x'.repeat(1_000_000)}` }));
    for (let i = 0; i < 200; i++) await write(`${bad},\n`);
    await write(`${JSON.stringify(good(3))}\n]}\n`);
    await new Promise<void>((resolve) => out.end(() => resolve()));
    expect(statSync(file).size).toBeGreaterThan(200_000_000);

    const child = spawn(
      process.execPath,
      ['--max-old-space-size=64', '--import', 'tsx', 'src/state/cli.ts', 'import'],
      {
        cwd: ROOT,
        env: { ...process.env, STATE_PATH: join(dir, 'large.sqlite'), REDIS_URL: '', NODE_ENV: '' },
        stdio: [openSync(file, 'r'), 'ignore', 'pipe'],
      },
    );
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.length > 100_000) err = err.slice(-50_000);
    });
    let peakKb = 0;
    const sample = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (hwm) peakKb = Math.max(peakKb, Number(hwm[1]));
      } catch {
        // exited
      }
    }, 20);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearInterval(sample);
    expect(err).toContain('imported 2 subscription(s)');
    expect(err).toContain('; 200 skipped (listed above)');
    expect(code).toBe(3);
    // Resident memory at its peak: the runtime and the modules, not the file.
    expect(peakKb).toBeGreaterThan(0);
    expect(peakKb * 1024).toBeLessThan(200_000_000);
  }, 120_000);
});
