/**
 * Sealed records (tenant-stores.ts) in Redis: one hash per kind (`<prefix>installations`,
 * `<prefix>connections`), installation key -> sealed JSON, so every replica reads the same ones.
 * No fallback to memory while Redis is down: a call fails with `state_unreachable`.
 */
import type { RedisConnection } from './redis-connection.js';
import type { SealedTable } from './tenant-stores.js';

export class RedisSealedTable implements SealedTable {
  constructor(
    private readonly connection: RedisConnection,
    private readonly hash: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.connection.run('sealed get', (c) => c.hGet(this.hash, key))) ?? undefined;
  }

  async put(key: string, sealed: string): Promise<void> {
    await this.connection.run('sealed put', (c) => c.hSet(this.hash, key, sealed));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.connection.run('sealed delete', (c) => c.hDel(this.hash, key))) > 0;
  }

  async keys(): Promise<string[]> {
    return this.connection.run('sealed keys', (c) => c.hKeys(this.hash));
  }
}
