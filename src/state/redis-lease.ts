/**
 * The lease in Redis, shared by every replica. Keys, under the store's prefix:
 * `lease:<name>:holder` holds `<token>:<holderId>` with a PX time to live (set only while absent,
 * like `SET NX PX`), and `lease:<name>:fence` counts grants (INCR), so each grant's token is
 * greater than every earlier one's. Renew and release compare the holder first, in one script
 * (compare-and-PEXPIRE, compare-and-DEL): a holder whose lease ran out and went to another
 * cannot extend or drop the new holder's. The check before each post reads the same holder key
 * (`redis-fence.ts`).
 */
import type { Lease } from './lease.js';
import { lua, type RedisConnection } from './redis-connection.js';

/** KEYS: holder, fence. ARGV: holder id, ttl ms. Returns the token, or nil when another holds it. */
const ACQUIRE = lua(
  'lease-acquire',
  `
local current = redis.call('GET', KEYS[1])
if current then
  local sep = string.find(current, ':', 1, true)
  if string.sub(current, sep + 1) ~= ARGV[1] then return false end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(string.sub(current, 1, sep - 1))
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. ':' .. ARGV[1], 'NX', 'PX', ARGV[2])
return token
`,
);

/** KEYS: holder. ARGV: holder id, ttl ms. 1 when renewed. */
const RENEW = lua(
  'lease-renew',
  `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local sep = string.find(current, ':', 1, true)
if string.sub(current, sep + 1) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
`,
);

/** KEYS: holder. ARGV: holder id. 1 when released. */
const RELEASE = lua(
  'lease-release',
  `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local sep = string.find(current, ':', 1, true)
if string.sub(current, sep + 1) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`,
);

export class RedisLease implements Lease {
  /** Use `RedisState.lease()`: the lease shares its connection and prefix. */
  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
  ) {}

  async acquire(name: string, holderId: string, ttlMs: number): Promise<number | undefined> {
    const token = await this.connection.script(ACQUIRE, this.keys(name), [holderId, ttl(ttlMs)]);
    return token === null || token === undefined ? undefined : Number(token);
  }

  async renew(name: string, holderId: string, ttlMs: number): Promise<boolean> {
    return (await this.connection.script(RENEW, [this.holderKey(name)], [holderId, ttl(ttlMs)])) === 1;
  }

  async release(name: string, holderId: string): Promise<boolean> {
    return (await this.connection.script(RELEASE, [this.holderKey(name)], [holderId])) === 1;
  }

  private holderKey(name: string): string {
    return `${this.prefix}lease:${name}:holder`;
  }

  private keys(name: string): [string, string] {
    return [this.holderKey(name), `${this.prefix}lease:${name}:fence`];
  }
}

function ttl(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}
