import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { StateError } from '../../src/state/index.js';
import { MIGRATIONS, type Migration, migrate } from '../../src/state/migrations.js';
import { openSqliteState, type SqliteState, type SqliteStateOptions } from '../../src/state/sqlite.js';
import {
  checkDeliveredPruning,
  describeStateStore,
  describeSubscriptionStore,
  describeWorkspaceSubscriptions,
  type Place,
} from './contract.js';

/** Migrations are numbered 1, 2, ... with no gap: the last one's is the schema version. */
const SCHEMA_VERSION = MIGRATIONS.length;

/** A fresh directory under the OS temp dir per test, removed after. */
function tempPlace(options: SqliteStateOptions = {}): Place<SqliteState> {
  const dir = mkdtempSync(join(tmpdir(), 'focus-state-'));
  const file = join(dir, 'nested', 'state.sqlite');
  return {
    open: (now) => openSqliteState(file, { ...options, now }),
    destroy: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describeStateStore('SqliteState', () => tempPlace());
describeSubscriptionStore('SqliteState', () => tempPlace());
describeWorkspaceSubscriptions('SqliteState', () => tempPlace());

describe('SqliteState', () => {
  let dir: string;
  let opened: SqliteState[] = [];
  let now = 1_750_000_000_000;
  const open = (file: string, options: SqliteStateOptions = {}): SqliteState => {
    const store = openSqliteState(file, { now: () => now, ...options });
    opened.push(store);
    return store;
  };
  /** Opens the file a second time, read-only, to look at its rows. */
  const peek = <T>(file: string, sql: string): T => {
    const db = new BetterSqlite3(file, { readonly: true });
    try {
      return db.prepare(sql).pluck().get() as T;
    } finally {
      db.close();
    }
  };
  const openError = (file: string, options: SqliteStateOptions = {}): StateError => {
    try {
      open(file, options);
    } catch (e) {
      expect(e).toBeInstanceOf(StateError);
      expect(e).toBeInstanceOf(AppError);
      return e as StateError;
    }
    throw new Error(`${file} opened`);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'focus-state-'));
  });
  afterEach(async () => {
    for (const s of opened) await s.close();
    opened = [];
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the file and its missing directories, in WAL mode, at the newest schema', async () => {
    const file = join(dir, 'a', 'b', 'state.sqlite');
    const store = open(file);
    await store.set('k', 'v', 60_000);
    await store.close();
    expect(readFileSync(file).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\u0000');
    expect(peek<string>(file, 'PRAGMA journal_mode')).toBe('wal');
    expect(peek<number>(file, 'PRAGMA user_version')).toBe(SCHEMA_VERSION);
  });

  it('the file survives a restart: a new open sees keys and subscriptions', async () => {
    const file = join(dir, 'state.sqlite');
    const first = open(file);
    await first.set('unfurl:C1:link', 'seen', 60_000);
    const { subscription } = await first.add(
      { team: 'T1', channel: 'C1', target: { kind: 'person', personId: 7, name: 'Jane' }, createdBy: 'U1' },
      new Date('2026-11-28T09:00:00Z'),
    );
    await first.markDelivered(subscription.id, { id: 9, start: '2026-11-28T09:05:00Z' }, new Date());
    await first.close();
    await first.close();

    const second = open(file);
    expect(await second.get('unfurl:C1:link')).toBe('seen');
    expect(await second.list('C1')).toEqual([subscription]);
    expect(await second.delivered(subscription.id, 9)).toBe(true);
  });

  it('claim is one statement: an expired row is taken over, a live one is not', async () => {
    const file = join(dir, 'state.sqlite');
    const store = open(file);
    expect(await store.claim('k', 1_000, 'a')).toBe(true);
    now += 999;
    expect(await store.claim('k', 1_000, 'b')).toBe(false);
    expect(peek<string>(file, "SELECT value FROM kv WHERE key = 'k'")).toBe('a');
    now += 1;
    expect(await store.claim('k', 1_000, 'c')).toBe(true);
    expect(peek<string>(file, "SELECT value FROM kv WHERE key = 'k'")).toBe('c');
    expect(peek<number>(file, 'SELECT count(*) FROM kv')).toBe(1);
  });

  it('expired keys are purged lazily, at most one batch per write, at most once per interval', async () => {
    const file = join(dir, 'state.sqlite');
    const store = open(file);
    // Batches of 1000, at most once a minute.
    for (let i = 0; i < 2_500; i++) await store.set(`old:${i}`, 'v', 1_000);
    await store.set('live', 'v', 3_600_000);
    const rows = () => peek<number>(file, 'SELECT count(*) FROM kv');
    expect(rows()).toBe(2_501);
    now += 2_000;
    // Within the interval of the first write's purge: nothing is purged yet.
    await store.claim('x', 1);
    expect(rows()).toBe(2_502);
    now += 60_000;
    await store.claim('y', 3_600_000); // a full batch: the next write purges again
    expect(rows()).toBe(1_503);
    await store.claim('z', 3_600_000);
    expect(rows()).toBe(504);
    await store.claim('w', 3_600_000); // the last 501 expired (500 old + x): less than a batch
    expect(rows()).toBe(4);
    await store.claim('v', 1); // the interval starts again: no purge
    expect(rows()).toBe(5);
    expect(await store.get('live')).toBe('v');
  });

  it('delivered ids are pruned when the cursor moves: those started over the retention behind it go', async () => {
    await checkDeliveredPruning(open(join(dir, 'state.sqlite')));
  });

  it('markDelivered refuses a start that is not a date, and changes nothing', async () => {
    const store = open(join(dir, 'state.sqlite'));
    const { id } = (
      await store.add(
        { team: 'T1', channel: 'C1', target: { kind: 'phone', phone: '1', display: '1' }, createdBy: 'U' },
        new Date(),
      )
    ).subscription;
    await expect(store.markDelivered(id, { id: 1, start: 'yesterday' }, new Date())).rejects.toThrow(
      /not a date/,
    );
    expect(await store.delivered(id, 1)).toBe(false);
  });

  describe('migrations', () => {
    const extra: Migration = {
      version: SCHEMA_VERSION + 1,
      description: 'test',
      sql: 'CREATE TABLE extra (x INTEGER)',
    };

    it('are numbered 1, 2, ... and each runs once, in one transaction with the version', () => {
      expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
      const db = new BetterSqlite3(join(dir, 'm.sqlite'));
      try {
        expect(migrate(db, 'm.sqlite')).toEqual({ from: 0, to: SCHEMA_VERSION });
        expect(migrate(db, 'm.sqlite')).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
        expect(migrate(db, 'm.sqlite', [...MIGRATIONS, extra])).toEqual({
          from: SCHEMA_VERSION,
          to: SCHEMA_VERSION + 1,
        });
        // Ran once: running it again would fail ("table extra already exists").
        expect(migrate(db, 'm.sqlite', [...MIGRATIONS, extra]).from).toBe(SCHEMA_VERSION + 1);
      } finally {
        db.close();
      }
    });

    it('a file of version 1 gains filters and format: its rows read as before (no filter, the full card)', async () => {
      const file = join(dir, 'v1.sqlite');
      const db = new BetterSqlite3(file);
      migrate(db, file, MIGRATIONS.slice(0, 1));
      db.prepare(
        `INSERT INTO subscriptions (team, channel, target_key, target, created_by, created_at)
         VALUES ('T1', 'C1', 'phone:447700900123', ?, 'U1', '2026-11-28T09:00:00.000Z')`,
      ).run(JSON.stringify({ kind: 'phone', phone: '447700900123', display: '+44 7700 900123' }));
      db.close();
      const store = openSqliteState(file);
      try {
        const [old] = await store.list('C1');
        expect(old).toMatchObject({ id: 1, createdBy: 'U1', paused: undefined });
        expect(old).not.toHaveProperty('filters');
        expect(old).not.toHaveProperty('format');
        await store.tune(1, { filters: { directions: ['inbound'] } });
        expect((await store.active())[0]?.filters).toEqual({ directions: ['inbound'] });
      } finally {
        await store.close();
      }
      expect(peek<number>(file, 'PRAGMA user_version')).toBe(SCHEMA_VERSION);
    });

    it('a file of version 3 keeps its subscriptions, cursors, delivered ids and id counter: they are single-workspace ones', async () => {
      const file = join(dir, 'v3.sqlite');
      const db = new BetterSqlite3(file);
      db.pragma('foreign_keys = ON');
      migrate(db, file, MIGRATIONS.slice(0, 3));
      const insert = db.prepare(
        `INSERT INTO subscriptions (team, channel, target_key, target, created_by, created_at)
         VALUES ('T1', ?, 'phone:447700900123', ?, 'U1', '2026-11-28T09:00:00.000Z')`,
      );
      const target = JSON.stringify({ kind: 'phone', phone: '447700900123', display: '+44 7700 900123' });
      insert.run('C1', target);
      insert.run('C2', target);
      insert.run('C3', target);
      // The newest id issued was removed: it must never be issued again.
      db.prepare("DELETE FROM subscriptions WHERE channel = 'C3'").run();
      db.prepare("INSERT INTO cursors VALUES (1, '2026-11-28T10:00:00.000Z', ?, '[7]')").run(
        Date.parse('2026-11-28T10:00:00.000Z'),
      );
      db.prepare('INSERT INTO delivered VALUES (1, 7, ?, 1)').run(Date.parse('2026-11-28T10:00:00.000Z'));
      db.close();
      const store = openSqliteState(file);
      try {
        expect((await store.list('C1')).map((s) => s.id)).toEqual([1]);
        expect(await store.list('C1')).not.toHaveProperty('0.workspace');
        expect(await store.cursor(1)).toEqual({ newestStart: '2026-11-28T10:00:00.000Z', idsAtNewest: [7] });
        expect(await store.delivered(1, 7)).toBe(true);
        const added = await store.add(
          { team: 'T1', channel: 'C3', createdBy: 'U1', target: JSON.parse(target) },
          new Date(),
        );
        expect(added.subscription.id).toBe(4);
        // The children still cascade from the rebuilt table.
        await store.removeChannel('C1');
        expect(await store.cursor(1)).toEqual({ newestStart: undefined, idsAtNewest: [] });
        expect(peek<number>(file, 'SELECT count(*) FROM delivered')).toBe(0);
      } finally {
        await store.close();
      }
    });

    it('a failing step leaves the file as it was (no table, same version)', () => {
      const db = new BetterSqlite3(join(dir, 'm.sqlite'));
      try {
        const broken: Migration[] = [
          { version: 1, description: 'ok', sql: 'CREATE TABLE a (x)' },
          { version: 2, description: 'bad', sql: 'CREATE TABLE b (x); NOT SQL' },
        ];
        expect(() => migrate(db, 'm.sqlite', broken)).toThrow();
        expect(db.pragma('user_version', { simple: true })).toBe(0);
        expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name IN ('a', 'b')").pluck().get()).toBe(
          0,
        );
        expect(() => migrate(db, 'm.sqlite', [{ ...extra, version: 2 }])).toThrow(/numbered 2/);
      } finally {
        db.close();
      }
    });

    it('a file from a newer version of the app is refused, and left untouched', () => {
      const file = join(dir, 'future.sqlite');
      const db = new BetterSqlite3(file);
      db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
      db.close();
      const error = openError(file);
      expect(error.code).toBe('state_too_new');
      expect(error.path).toBe(file);
      expect(error.message).toBe(
        `STATE_PATH ${file} has schema version ${SCHEMA_VERSION + 5}, newer than this version of the app ` +
          `knows (${SCHEMA_VERSION}): run the newer version of the app, or point STATE_PATH at another file`,
      );
      expect(peek<number>(file, 'PRAGMA user_version')).toBe(SCHEMA_VERSION + 5);
      expect(peek<number>(file, "SELECT count(*) FROM sqlite_master WHERE name = 'kv'")).toBe(0);
    });
  });

  describe('a state file that cannot be used stops the open with a StateError saying what to do', () => {
    it('garbage bytes: not a SQLite database', () => {
      const file = join(dir, 'garbage.sqlite');
      writeFileSync(file, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256)));
      const error = openError(file);
      expect(error.code).toBe('state_corrupt');
      expect(error.message).toMatch(
        new RegExp(
          `^STATE_PATH ${file} is not a SQLite database \\(or is damaged\\): move it away .* restore a backup$`,
        ),
      );
      // The file is kept as it was, for whoever restores it.
      expect(readFileSync(file)).toHaveLength(4096);
    });

    it('a damaged database (its pages overwritten) is found by the check at open', async () => {
      const file = join(dir, 'damaged.sqlite');
      const store = open(file);
      for (let i = 0; i < 400; i++) await store.set(`key:${i}`, 'x'.repeat(100), 3_600_000);
      await store.close();
      const fd = openSync(file, 'r+');
      writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, 4096);
      const error = openError(file);
      expect(error.code).toBe('state_corrupt');
      expect(error.message).toContain(`STATE_PATH ${file} is not a SQLite database (or is damaged)`);
    });

    it('a path under a regular file: cannot be created', () => {
      const parent = join(dir, 'not-a-dir');
      writeFileSync(parent, 'x');
      for (const file of [join(parent, 'state.sqlite'), join(parent, 'deeper', 'state.sqlite')]) {
        const error = openError(file);
        expect(error.code).toBe('state_unwritable');
        expect(error.message).toBe(
          `STATE_PATH ${file} cannot be created or written (a parent of it is a file, not a directory): ` +
            'point STATE_PATH at a file in a directory the app can write (the Docker image has the volume /app/data for it)',
        );
      }
    });

    it('a path that is a directory: cannot be opened', () => {
      const file = join(dir, 'a-directory');
      mkdirSync(file);
      const error = openError(file);
      expect(error.code).toBe('state_unwritable');
      expect(error.message).toContain(`STATE_PATH ${file} cannot be created or written`);
    });

    it('a file another process holds locked past the busy timeout', () => {
      const file = join(dir, 'locked.sqlite');
      open(file);
      const holder = new BetterSqlite3(file);
      try {
        holder.exec('BEGIN EXCLUSIVE');
        const error = openError(file, { busyTimeoutMs: 50 });
        expect(error.code).toBe('state_locked');
        expect(error.message).toContain(`STATE_PATH ${file} is locked by another process`);
      } finally {
        holder.close();
      }
    });
  });
});

describe('SqliteState under SIGKILL', () => {
  it('a process killed mid-burst loses no committed mark: a new process sees every one it reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'focus-state-kill-'));
    const file = join(dir, 'state.sqlite');
    try {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(new URL('./kill-child.ts', import.meta.url)), file],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const reported: number[] = [];
      let sub = 0;
      let buffer = '';
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.once('exit', (_, signal) => resolve(signal)),
      );
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('utf8');
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) {
          if (line.startsWith('sub ')) sub = Number(line.slice(4));
          else reported.push(Number(line));
        }
        if (reported.length >= 300 && !child.killed) child.kill('SIGKILL');
      });
      expect(await exited).toBe('SIGKILL');
      const last = reported.at(-1) ?? 0;
      expect(last).toBeGreaterThanOrEqual(300);

      const store = openSqliteState(file);
      try {
        for (const id of reported) expect(await store.delivered(sub, id)).toBe(true);
        const cursor = await store.cursor(sub);
        // The cursor is the newest mark that committed: the last reported, or the one after it.
        const newest = cursor.idsAtNewest[0] ?? 0;
        expect([last, last + 1]).toContain(newest);
        // The delivered ids are those up to the cursor: marks are 1, 2, 3, ... in order.
        expect(await store.delivered(sub, newest)).toBe(true);
        expect(await store.delivered(sub, newest + 1)).toBe(false);
        expect(await store.claim(`event:${last}`, 1_000)).toBe(false);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
