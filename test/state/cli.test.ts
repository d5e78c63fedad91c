/**
 * `npm run state -- export|import`: SQLite -> JSON -> Redis -> JSON gives the same JSON, and
 * back to a new SQLite file; importing twice adds nothing; an import into a store that already
 * follows a target merges cursor and delivered ids; bad input and bad stores exit 2 saying why.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRedisState } from '../../src/state/redis.js';
import { openSqliteState, type SqliteState } from '../../src/state/sqlite.js';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { runCli } from '../helpers/state-cli.js';

const url = sharedRedisUrl();
const T0 = new Date('2026-11-28T09:00:00.000Z');

/** Runs the command in process; returns its exit code and what it wrote. */
const run = (args: string[], env: Record<string, string | undefined>, stdin = '') => runCli(args, env, stdin);

/**
 * A SQLite file with a bit of everything: a paused subscription, a person with filters and the
 * compact format, no team, ties, a gap in the ids.
 */
async function seed(store: SqliteState): Promise<void> {
  const jane = { kind: 'phone', phone: '447700900123', display: '+44 7700 900123' } as const;
  const a = (await store.add({ team: 'T1', channel: 'C1', target: jane, createdBy: 'U1' }, T0)).subscription;
  const gone = (
    await store.add(
      { team: 'T1', channel: 'C1', target: { kind: 'phone', phone: '1', display: '1' }, createdBy: 'U1' },
      T0,
    )
  ).subscription;
  const b = (
    await store.add(
      {
        team: undefined,
        channel: 'C2',
        target: { kind: 'person', personId: 42, name: 'Jane' },
        createdBy: 'U2',
        filters: { directions: ['inbound', 'internal'], longerThanSeconds: 120 },
        format: 'compact',
      },
      T0,
    )
  ).subscription;
  const c = (await store.add({ team: 'T1', channel: 'C3', target: jane, createdBy: 'U3' }, T0)).subscription;
  await store.remove('C1', [gone.id]);
  await store.markDelivered(a.id, { id: 100, start: '2026-11-28T09:01:00Z' }, T0);
  await store.markDelivered(a.id, { id: 99, start: '2026-11-28T08:59:00Z' }, T0);
  await store.markDelivered(a.id, { id: 101, start: '2026-11-28T09:01:00.000Z' }, T0);
  await store.startAt(b.id, { newestStart: '2026-11-28T08:00:00Z', idsAtNewest: [7, 8] });
  await store.pause(c.id, 'is_archived', new Date('2026-11-28T10:00:00Z'));
}

describe.skipIf(!url)('npm run state -- export|import', () => {
  const redisUrl = url as string;
  const prefix = uniquePrefix('cli');
  let dir: string;
  let source: string;
  let exported: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'focus-state-cli-'));
    source = join(dir, 'source.sqlite');
    const store = openSqliteState(source);
    await seed(store);
    await store.close();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await deletePrefix(redisUrl, prefix);
  });

  it('exports the SQLite file: every subscription with its cursor and delivered ids', async () => {
    const result = await run(['export'], { STATE_PATH: source });
    expect(result.code).toBe(0);
    expect(result.err).toBe(`exported 3 subscription(s) from STATE_PATH ${source}\n`);
    exported = result.out;
    const doc = JSON.parse(exported);
    expect(doc.format).toBe('focus-for-slack/subscriptions');
    expect(doc.version).toBe(1);
    expect(doc.subscriptions.map((s: { id: number }) => s.id)).toEqual([1, 3, 4]);
    expect(doc.subscriptions[0]).toMatchObject({
      channel: 'C1',
      team: 'T1',
      paused: null,
      cursor: { newestStart: '2026-11-28T09:01:00Z', idsAtNewest: [100, 101] },
      delivered: [
        { id: 99, startMs: Date.parse('2026-11-28T08:59:00Z') },
        { id: 100, startMs: Date.parse('2026-11-28T09:01:00Z') },
        { id: 101, startMs: Date.parse('2026-11-28T09:01:00Z') },
      ],
    });
    // Filters and format only where set.
    expect(doc.subscriptions[0]).not.toHaveProperty('filters');
    expect(doc.subscriptions[0]).not.toHaveProperty('format');
    expect(doc.subscriptions[1]).toMatchObject({
      team: null,
      filters: { directions: ['inbound', 'internal'], longerThanSeconds: 120 },
      format: 'compact',
      cursor: { newestStart: '2026-11-28T08:00:00Z', idsAtNewest: [7, 8] },
      delivered: [],
    });
    expect(doc.subscriptions[2].paused).toEqual({ reason: 'is_archived', at: '2026-11-28T10:00:00.000Z' });
  });

  it('sqlite -> json -> redis -> json is the same JSON; importing again adds nothing', async () => {
    const env = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, STATE_PATH: join(dir, 'unused.sqlite') };
    const first = await run(['import'], env, exported);
    expect(first.code).toBe(0);
    expect(first.err).toMatch(
      /^imported 3 subscription\(s\) into redis:\/\/127\.0\.0\.1:\d+\/0 \(prefix test:cli:.*\): 3 added, 0 already there/,
    );
    const back = await run(['export'], env);
    expect(back.code).toBe(0);
    expect(back.out).toBe(exported);

    const second = await run(['import'], env, exported);
    expect(second.err).toContain(': 0 added, 3 already there (cursor and delivered ids merged)');
    expect((await run(['export'], env)).out).toBe(exported);

    // The imported subscriptions work in Redis: same ids, no double, delivered known, new ids above.
    const store = await openRedisState(redisUrl, { prefix });
    try {
      const again = await store.add(
        {
          team: 'T1',
          channel: 'C1',
          target: { kind: 'phone', phone: '447700900123', display: 'x' },
          createdBy: 'U9',
        },
        new Date(),
      );
      expect(again).toMatchObject({ added: false, subscription: { id: 1, createdBy: 'U1' } });
      expect(await store.delivered(1, 99)).toBe(true);
      expect((await store.active()).map((s) => s.id)).toEqual([1, 3]);
      const fresh = await store.add(
        { team: 'T1', channel: 'C9', target: { kind: 'person', personId: 1, name: 'x' }, createdBy: 'U1' },
        new Date(),
      );
      expect(fresh.subscription.id).toBe(5);
      await store.remove('C9', [fresh.subscription.id]);
    } finally {
      await store.close();
    }
  });

  it('redis -> json -> a new SQLite file -> json is the same JSON', async () => {
    const target = join(dir, 'target.sqlite');
    const fromRedis = await run(['export'], { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix });
    const imported = await run(['import'], { STATE_PATH: target }, fromRedis.out);
    expect(imported.code).toBe(0);
    expect(imported.err).toBe(
      `imported 3 subscription(s) into STATE_PATH ${target}: 3 added, 0 already there (cursor and delivered ids merged)\n`,
    );
    expect((await run(['export'], { STATE_PATH: target })).out).toBe(exported);
    expect((await run(['import'], { STATE_PATH: target }, fromRedis.out)).err).toContain(
      '0 added, 3 already there',
    );
    expect((await run(['export'], { STATE_PATH: target })).out).toBe(exported);
  });

  it('into a store that already follows a target: the newer cursor wins, ties and delivered ids are merged', async () => {
    for (const kind of ['sqlite', 'redis'] as const) {
      const file = join(dir, `merge-${kind}.sqlite`);
      const mergePrefix = uniquePrefix('cli-merge');
      const env =
        kind === 'sqlite' ? { STATE_PATH: file } : { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: mergePrefix };
      const store =
        kind === 'sqlite' ? openSqliteState(file) : await openRedisState(redisUrl, { prefix: mergePrefix });
      try {
        // Already there: C0 holds the exported id 1; C1 follows Jane with a cursor at the export's
        // instant (a tie) and other deliveries; C2 follows the person with a newer cursor.
        await store.add(
          { team: 'T1', channel: 'C0', target: { kind: 'phone', phone: '2', display: '2' }, createdBy: 'U' },
          T0,
        );
        const jane = { kind: 'phone', phone: '447700900123', display: 'x' } as const;
        const c1 = (await store.add({ team: 'T1', channel: 'C1', target: jane, createdBy: 'U7' }, T0))
          .subscription;
        await store.markDelivered(c1.id, { id: 50, start: '2026-11-28T08:00:00Z' }, T0);
        await store.markDelivered(c1.id, { id: 102, start: '2026-11-28T09:01:00Z' }, T0);
        const person = { kind: 'person', personId: 42, name: 'J' } as const;
        const c2 = (await store.add({ team: 'T1', channel: 'C2', target: person, createdBy: 'U8' }, T0))
          .subscription;
        await store.startAt(c2.id, { newestStart: '2026-11-28T08:30:00Z', idsAtNewest: [9] });
        // Id 4 was issued here once (and removed): never reused.
        const gone = { kind: 'phone', phone: '4', display: '4' } as const;
        const c9 = (await store.add({ team: 'T1', channel: 'C9', target: gone, createdBy: 'U' }, T0))
          .subscription;
        expect(c9.id).toBe(4);
        await store.remove('C9', [c9.id]);

        const result = await run(['import'], env, exported);
        expect(result.code).toBe(0);
        expect(result.err).toContain(': 1 added, 2 already there');
        const doc = JSON.parse((await run(['export'], env)).out);
        const byChannel = (channel: string) =>
          doc.subscriptions.find((s: { channel: string }) => s.channel === channel);
        // Kept as they were here (id, creator), with the ties and delivered ids merged in.
        expect(byChannel('C1')).toMatchObject({ id: c1.id, createdBy: 'U7' });
        expect(byChannel('C1').cursor).toEqual({
          newestStart: '2026-11-28T09:01:00Z',
          idsAtNewest: [102, 100, 101],
        });
        expect(byChannel('C1').delivered.map((d: { id: number }) => d.id)).toEqual([50, 99, 100, 101, 102]);
        // The newer cursor here wins over the export's older one.
        expect(byChannel('C2').cursor).toEqual({ newestStart: '2026-11-28T08:30:00Z', idsAtNewest: [9] });
        // The exported id 4 was issued here already, so C3 gets a new one.
        expect(doc.subscriptions.map((s: { id: number }) => s.id)).toEqual([1, 2, 3, 5]);
        expect(byChannel('C3')).toMatchObject({ id: 5, createdBy: 'U3', paused: { reason: 'is_archived' } });
      } finally {
        await store.close();
        if (kind === 'redis') await deletePrefix(redisUrl, mergePrefix);
      }
    }
  });

  it('bad input or a bad store exits 2 saying why, and never names the Redis password', async () => {
    const notJson = await run(['import'], { STATE_PATH: join(dir, 'x.sqlite') }, '{oops');
    expect(notJson).toMatchObject({ code: 2, out: '' });
    expect(notJson.err).toContain('standard input is not JSON');
    const wrong = await run(
      ['import'],
      { STATE_PATH: join(dir, 'x.sqlite') },
      '{"format":"focus-for-slack/subscriptions","version":1,"subscriptions":[{"id":"1"}]}',
    );
    // A bad subscription is skipped and named; the file is still an export.
    expect(wrong.code).toBe(3);
    expect(wrong.err).toContain('skipped subscriptions[0] (line 1): id is not a number');
    expect(wrong.err).toContain('imported 0 subscription(s)');
    const notExport = await run(
      ['import'],
      { STATE_PATH: join(dir, 'x.sqlite') },
      '{"format":"x","subscriptions":[]}',
    );
    expect(notExport.code).toBe(2);
    expect(notExport.err).toContain(
      'not a state export (focus-for-slack/subscriptions v1 or v2): format is "x"',
    );
    const missing = await run(['export'], { STATE_PATH: join(dir, 'nope', 'none.sqlite') });
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('does not exist: nothing to export');
    const usage = await run(['dump'], {});
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('usage: npm run -s state -- export');
    const secret = 'cli-s3cret-7d2';
    const down = await run(['export'], { REDIS_URL: `redis://:${secret}@127.0.0.1:1/0` });
    expect(down.code).toBe(2);
    expect(down.err).toContain('Redis at redis://127.0.0.1:1/0 cannot be reached');
    expect(down.err).not.toContain(secret);
  }, 15_000);

  it("an export saved without -s (npm's banner first) still imports; other text before the JSON does not", async () => {
    const banner = '\n> focus-for-slack@0.1.0 state\n> tsx src/state/cli.ts export\n\n';
    const target = join(dir, 'banner.sqlite');
    const withBanner = await run(['import'], { STATE_PATH: target }, banner + exported);
    expect(withBanner.code).toBe(0);
    expect((await run(['export'], { STATE_PATH: target })).out).toBe(exported);
    const other = await run(['import'], { STATE_PATH: target }, `hello\n${exported}`);
    expect(other.code).toBe(2);
    expect(other.err).toContain('standard input is not JSON');
  });

  it('npm run -s state -- export writes only the JSON on stdout', () => {
    const result = spawnSync('npm', ['run', '-s', 'state', '--', 'export'], {
      env: { ...process.env, STATE_PATH: source, REDIS_URL: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).toContain('exported 3 subscription(s)');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(exported);
  }, 40_000);
});
