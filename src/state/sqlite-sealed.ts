/**
 * Sealed records (tenant-stores.ts) in the SQLite state file: one table per kind, created by
 * migration 3, on the connection `SqliteState` holds (one process per file).
 */
import type { Database } from 'better-sqlite3';
import type { SealedKind, SealedTable } from './tenant-stores.js';

export class SqliteSealedTable implements SealedTable {
  private readonly s: ReturnType<typeof prepare>;

  constructor(db: Database, kind: SealedKind) {
    this.s = prepare(db, kind);
  }

  async get(key: string): Promise<string | undefined> {
    return this.s.get.get(key)?.sealed;
  }

  async put(key: string, sealed: string): Promise<void> {
    this.s.put.run(key, sealed);
  }

  async add(key: string, sealed: string): Promise<boolean> {
    return this.s.add.run(key, sealed).changes > 0;
  }

  async replace(key: string, expected: string, sealed: string): Promise<boolean> {
    return this.s.replace.run(sealed, key, expected).changes > 0;
  }

  async delete(key: string): Promise<boolean> {
    return this.s.delete.run(key).changes > 0;
  }

  async keys(): Promise<string[]> {
    return this.s.keys.all().map((row) => row.key);
  }
}

/** `kind` is one of two literals, never input: the table name is safe to splice in. */
function prepare(db: Database, kind: SealedKind) {
  return {
    get: db.prepare<[string], { sealed: string }>(`SELECT sealed FROM ${kind} WHERE key = ?`),
    put: db.prepare<[string, string]>(
      `INSERT INTO ${kind} (key, sealed) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET sealed = excluded.sealed`,
    ),
    add: db.prepare<[string, string]>(
      `INSERT INTO ${kind} (key, sealed) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`,
    ),
    replace: db.prepare<[string, string, string]>(
      `UPDATE ${kind} SET sealed = ? WHERE key = ? AND sealed = ?`,
    ),
    delete: db.prepare<[string]>(`DELETE FROM ${kind} WHERE key = ?`),
    keys: db.prepare<[], { key: string }>(`SELECT key FROM ${kind}`),
  };
}
