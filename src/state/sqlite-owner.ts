/**
 * One app process per SQLite state file. Two processes on one file (two containers on one
 * volume, a second `npm start`) would each poll and post every recording, so the second one
 * refuses to start (`state_locked`, exit 2).
 *
 * The lock is SQLite's own, on a small file beside the state file (`<STATE_PATH>.owner`): the
 * owner opens it, writes who it is (pid, host, since), and keeps a write transaction open for
 * its lifetime (`BEGIN IMMEDIATE`, a RESERVED lock: an OS advisory lock on the file). A second
 * process can still read who holds it, and cannot take the lock. The operating system drops the
 * lock when its process ends, however it ends (SIGKILL, a crash), so a stale owner never blocks
 * a restart. It is not on the state file itself, so a live backup (`sqlite3 … .backup`) and the
 * `state` command still read that file while the app runs. Advisory locks hold between processes
 * on one host, containers sharing a local volume included; a network filesystem may not honour
 * them.
 */

import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { StateError } from './errors.js';

export interface StateFileOwner {
  /** Gives the file up (idempotent). */
  release(): void;
}

/** Takes `path` for this process, or throws `state_locked` naming the process that has it. */
export function ownStateFile(path: string): StateFileOwner {
  if (path === ':memory:') return { release: () => {} };
  const ownerPath = `${path}.owner`;
  let db: Database | undefined;
  try {
    // Before the state file itself: its folder may not exist yet (a first start).
    mkdirSync(dirname(ownerPath), { recursive: true });
    db = new BetterSqlite3(ownerPath, { timeout: 0 });
    db.pragma('journal_mode = DELETE');
    db.exec('CREATE TABLE IF NOT EXISTS owner (pid INTEGER, host TEXT, since TEXT)');
    // Under the lock: who owns it, committed so the next process can read it; then held.
    db.exec('BEGIN IMMEDIATE');
    db.exec('DELETE FROM owner');
    db.prepare('INSERT INTO owner (pid, host, since) VALUES (?, ?, ?)').run(
      process.pid,
      hostname(),
      new Date().toISOString(),
    );
    db.exec('COMMIT');
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    const holder = db ? describeOwner(db) : undefined;
    db?.close();
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      throw new StateError(
        'state_locked',
        path,
        `STATE_PATH ${path} is in use by another process of the app${holder ? ` (${holder})` : ''}: ` +
          'one process per state file. Stop the other one, give this one its own STATE_PATH, or ' +
          'set REDIS_URL to run several replicas',
        { cause: error },
      );
    }
    throw new StateError(
      'state_unwritable',
      path,
      `STATE_PATH ${path}: its lock file ${ownerPath} cannot be created or written (${code || String(error)})`,
      { cause: error },
    );
  }
  const owner = db;
  return {
    release: () => {
      if (owner.open) owner.close(); // rolls back: the lock goes, the file stays
    },
  };
}

/** "pid 123 on host web-1 since …", from the owner's committed row (readable under its lock). */
function describeOwner(db: Database): string | undefined {
  try {
    const row = db.prepare('SELECT pid, host, since FROM owner LIMIT 1').get() as
      | { pid: number; host: string; since: string }
      | undefined;
    return row && `pid ${row.pid} on host ${row.host}, since ${row.since}`;
  } catch {
    return undefined;
  }
}
