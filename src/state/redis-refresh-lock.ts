/**
 * The installations' refresh lock in Redis (token-refresh.ts), shared by every replica:
 * `refresh-lock:<installation key>` holds a random token, set only while absent (`SET NX PX`);
 * release deletes it only while it still holds that token (one script), so a holder whose lock ran
 * out and went to another replica cannot free that one's.
 */
import { randomUUID } from 'node:crypto';
import { lua, type RedisConnection } from './redis-connection.js';
import type { RedisKeys } from './redis-scripts.js';
import type { RefreshLock } from './token-refresh.js';

/** KEYS: the lock. ARGV: the token. */
const RELEASE = lua(
  'refresh-lock-release',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
);

export class RedisRefreshLock implements RefreshLock {
  constructor(
    private readonly connection: RedisConnection,
    private readonly k: RedisKeys,
  ) {}

  async acquire(key: string, ttlMs: number): Promise<string | undefined> {
    const token = randomUUID();
    const reply = await this.connection.run('refresh lock', (c) =>
      c.set(this.k.refreshLock(key), token, {
        condition: 'NX',
        expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) },
      }),
    );
    return reply === null ? undefined : token;
  }

  async release(key: string, token: string): Promise<void> {
    await this.connection.script(RELEASE, [this.k.refreshLock(key)], [token]);
  }
}
