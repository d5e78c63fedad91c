/**
 * Sealed records (tenant-stores.ts) in Redis: one hash per kind (`<prefix>installations`,
 * `<prefix>connections`), installation key -> sealed JSON, so every replica reads the same ones.
 * No fallback to memory while Redis is down: a call fails with `state_unreachable`.
 */
import { lua, type RedisConnection } from './redis-connection.js';
import type { SealedTable } from './tenant-stores.js';

/** KEYS: the hash. ARGV: field, expected value, new value. 1 when replaced. */
const REPLACE = lua(
  'sealed-replace',
  `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1
`,
);

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

  async add(key: string, sealed: string): Promise<boolean> {
    return (await this.connection.run('sealed add', (c) => c.hSetNX(this.hash, key, sealed))) === 1;
  }

  async replace(key: string, expected: string, sealed: string): Promise<boolean> {
    return (await this.connection.script(REPLACE, [this.hash], [key, expected, sealed])) === 1;
  }

  async delete(key: string): Promise<boolean> {
    return (await this.connection.run('sealed delete', (c) => c.hDel(this.hash, key))) > 0;
  }

  async keys(): Promise<string[]> {
    return this.connection.run('sealed keys', (c) => c.hKeys(this.hash));
  }
}
