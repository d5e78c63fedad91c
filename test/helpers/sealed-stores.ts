/**
 * A distribution-mode app's installations and Focus connections read back from its state store
 * (the SQLite file, through a read-only connection of its own; or Redis, the hashes
 * `<prefix>installations` and `<prefix>connections`), opened with the app's key; and every byte
 * the store holds, for a test to search for secrets in clear.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createClient } from '@redis/client';
import Database from 'better-sqlite3';
import { parseEncryptionKeys } from '../../src/config-tenancy.js';
import { openRedisState } from '../../src/state/redis.js';
import { SqliteSealedTable } from '../../src/state/sqlite-sealed.js';
import {
  SealedConnectionStore,
  SealedInstallationStore,
  type SealedKind,
} from '../../src/state/tenant-stores.js';
import { OAUTH } from './harness.js';

export interface SealedStores {
  installations: SealedInstallationStore;
  connections: SealedConnectionStore;
  /** Everything the store holds, as bytes: the SQLite file with its -wal and -shm, or every Redis key and value. */
  everything(): Promise<Buffer>;
  close(): Promise<void>;
}

/** `redis`: the store is Redis under that prefix; otherwise the SQLite file at `statePath`. */
export async function openSealedStores(
  statePath: string,
  redis?: { url: string; prefix: string },
): Promise<SealedStores> {
  const keys = parseEncryptionKeys(OAUTH.encryptionKey);
  if (!keys.ok) throw new Error('the test key does not parse');
  if (!redis) {
    const db = new Database(statePath, { readonly: true });
    const table = (kind: SealedKind) => new SqliteSealedTable(db, kind);
    return {
      installations: new SealedInstallationStore(table('installations'), keys.value),
      connections: new SealedConnectionStore(table('connections'), keys.value),
      everything: async () =>
        Buffer.concat(
          [statePath, `${statePath}-wal`, `${statePath}-shm`]
            .filter((path) => existsSync(path))
            .map((path) => readFileSync(path)),
        ),
      close: async () => {
        db.close();
      },
    };
  }
  const client = createClient({ url: redis.url, RESP: 2 });
  client.on('error', () => {});
  await client.connect();
  // The app's own Redis tables, on a connection of the test's.
  const state = await openRedisState(redis.url, { prefix: redis.prefix });
  const table = (kind: SealedKind) => state.sealedTable(kind);
  return {
    installations: new SealedInstallationStore(table('installations'), keys.value),
    connections: new SealedConnectionStore(table('connections'), keys.value),
    everything: async () => {
      const parts: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: `${redis.prefix}*`, COUNT: 500 })) {
        for (const key of batch) {
          parts.push(key);
          const type = await client.type(key);
          if (type === 'string') parts.push((await client.get(key)) ?? '');
          else if (type === 'hash') parts.push(JSON.stringify(await client.hGetAll(key)));
          else if (type === 'set') parts.push(JSON.stringify(await client.sMembers(key)));
          else if (type === 'zset') parts.push(JSON.stringify(await client.zRange(key, 0, -1)));
          else if (type === 'list') parts.push(JSON.stringify(await client.lRange(key, 0, -1)));
          else if (type === 'stream') parts.push(JSON.stringify(await client.xRange(key, '-', '+')));
          else parts.push(`<${type}>`);
        }
      }
      return Buffer.from(parts.join('\n'), 'utf8');
    },
    close: async () => {
      client.destroy();
      await state.close();
    },
  };
}
