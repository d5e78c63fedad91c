/**
 * Everything a state store holds, as text, to search for a workspace's id after it was forgotten:
 * every row of every SQLite table (each column), every Redis key under a prefix with its value
 * (strings, hashes' fields and values, sets' and sorted sets' members).
 */
import { createClient } from '@redis/client';
import Database from 'better-sqlite3';

/** One line per SQLite row: `<table>: <column values joined by |>`. */
export function sqliteRows(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((t) => t.name);
    return tables.flatMap((table) =>
      db
        .prepare(`SELECT * FROM "${table}"`)
        .all()
        .map((row) => `${table}: ${Object.values(row as Record<string, unknown>).join('|')}`),
    );
  } finally {
    db.close();
  }
}

/** Under `prefix`, one line per string key, hash field, or set member: `<key> [<field>] => <value>`. */
export async function redisEntries(url: string, prefix: string): Promise<string[]> {
  const client = createClient({ url, RESP: 2 });
  client.on('error', () => {});
  await client.connect();
  try {
    const lines: string[] = [];
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      for (const key of keys) {
        const type = await client.type(key);
        if (type === 'string') lines.push(`${key} => ${await client.get(key)}`);
        else if (type === 'hash')
          for (const [field, value] of Object.entries(await client.hGetAll(key)))
            lines.push(`${key} [${field}] => ${value}`);
        else if (type === 'zset')
          for (const member of await client.zRange(key, 0, -1)) lines.push(`${key} <${member}>`);
        else if (type === 'set')
          for (const member of await client.sMembers(key)) lines.push(`${key} <${member}>`);
        else lines.push(`${key} (${type})`);
      }
    }
    return lines;
  } finally {
    client.destroy();
  }
}

/** The lines naming `id` as a whole id (`T100` is not found in `T1000`). */
export function naming(lines: readonly string[], id: string): string[] {
  const pattern = new RegExp(`(?<![A-Za-z0-9])${id}(?![A-Za-z0-9])`);
  return lines.filter((line) => pattern.test(line));
}
