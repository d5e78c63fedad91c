/**
 * The poller lease in Redis, shared by every replica, and the fence each subscription post passes
 * against it. Keys, under the store's prefix:
 *
 * - `lease:<name>:holder` holds `<token>:<holderId>` with a PX time to live (set only while
 *   absent, like `SET NX PX`), and `lease:<name>:fence` counts grants (INCR), so each grant's
 *   token is greater than every earlier one's. Renew and release compare the holder first, in one
 *   script (compare-and-PEXPIRE, compare-and-DEL): a holder whose lease ran out and went to
 *   another cannot extend or drop the new holder's.
 * - `sub:<id>:sending:<recording id>` holds the holder id of the replica posting it (a post's
 *   intent, see subscriptions/fence.ts), with a PX time to live of `INTENT_TTL_MS` (an intent
 *   nobody withdraws, its post marked, is dropped then).
 *
 * The fence's `enter` is one script: the holder key must read `<token>:<holderId>` (this replica's
 * own grant: a replica that lost the lease and took it again has a new token) with at least
 * `minLeftMs` of its time to live left, the subscription must still be there and not paused (a
 * person on another replica may have unsubscribed while the post was queued), and then the
 * intents are set. The caller also times the
 * round trip on its own clock: when it took longer than half the margin (the process was paused
 * or starved meanwhile), the answer is stale and the intents are withdrawn. So when `enter`
 * resolves true, the lease is still this replica's for at least half the margin, by Redis's
 * clock, at that instant.
 */
import type { PostFence } from '../domain/post-fence.js';
import type { Lease } from './lease.js';
import { lua, type RedisConnection } from './redis-connection.js';
import type { RedisKeys } from './redis-scripts.js';

/** An intent nobody withdrew (its writer died) expires after this long. */
const INTENT_TTL_MS = 3_600_000;

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

/** KEYS: holder. ARGV: holder id, then a ttl in ms to renew (none: to release). 1 when done. */
const KEEP = lua(
  'lease-keep',
  `
local current = redis.call('GET', KEYS[1])
if not current then return 0 end
local sep = string.find(current, ':', 1, true)
if string.sub(current, sep + 1) ~= ARGV[1] then return 0 end
if ARGV[2] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return redis.call('DEL', KEYS[1])
`,
);

/** KEYS: lease holder, subscription, intents. ARGV: expected holder value, min ms left, intent ttl, holder id. */
const ENTER = lua(
  'fence-enter',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 or redis.call('HEXISTS', KEYS[2], 'pausedReason') == 1 then return 0 end
for i = 3, #KEYS do redis.call('SET', KEYS[i], ARGV[4], 'PX', ARGV[3]) end
return 1
`,
);

/** KEYS: intents. ARGV: holder id. Deletes those that are this holder's. */
const LEAVE = lua(
  'fence-leave',
  `
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
return 1
`,
);

export class RedisLease implements Lease {
  /** Use `RedisState.lease()`: the lease shares its connection and prefix. */
  constructor(
    private readonly connection: RedisConnection,
    private readonly k: RedisKeys,
  ) {}

  async acquire(name: string, holderId: string, ttlMs: number): Promise<number | undefined> {
    const keys = [this.k.leaseHolder(name), this.k.leaseFence(name)];
    const token = await this.connection.script(ACQUIRE, keys, [holderId, ttl(ttlMs)]);
    return token === null || token === undefined ? undefined : Number(token);
  }

  async renew(name: string, holderId: string, ttlMs: number): Promise<boolean> {
    return (await this.connection.script(KEEP, [this.k.leaseHolder(name)], [holderId, ttl(ttlMs)])) === 1;
  }

  async release(name: string, holderId: string): Promise<boolean> {
    return (await this.connection.script(KEEP, [this.k.leaseHolder(name)], [holderId])) === 1;
  }
}

function ttl(ttlMs: number): number {
  return Math.max(1, Math.ceil(ttlMs));
}

export interface RedisPostFenceOptions {
  /** The lease's name, and this replica's holder id in it. */
  lease: string;
  holderId: string;
  /** The token of this replica's grant now, if it holds the lease (`LeaseKeeper.token`). */
  token: () => number | undefined;
  /** Lease time that must be left at the check (the lease TTL / 3, renewed every third). */
  minLeftMs: number;
  graceMs: number;
}

export class RedisPostFence implements PostFence {
  readonly graceMs: number;

  /** Use `RedisState.postFence()`: the fence shares the store's connection and prefix. */
  constructor(
    private readonly connection: RedisConnection,
    private readonly k: RedisKeys,
    private readonly options: RedisPostFenceOptions,
  ) {
    this.graceMs = options.graceMs;
  }

  async enter(
    subscription: number,
    recordingIds: readonly number[],
    also: readonly number[] = [],
  ): Promise<boolean> {
    const { holderId, minLeftMs } = this.options;
    const token = this.options.token();
    if (token === undefined) return false;
    const started = performance.now();
    const reply = await this.connection.script(
      ENTER,
      [
        this.k.leaseHolder(this.options.lease),
        this.k.sub(subscription),
        ...[subscription, ...also].flatMap((s) => this.intents(s, recordingIds)),
      ],
      [`${token}:${holderId}`, Math.ceil(minLeftMs), INTENT_TTL_MS, holderId],
    );
    if (reply !== 1) return false;
    if (performance.now() - started <= minLeftMs / 2) return true;
    // Paused or starved during the round trip: the answer may be stale by now.
    await this.leave(subscription, recordingIds, also).catch(() => undefined);
    return false;
  }

  async othersSending(subscription: number, recordingIds: readonly number[]): Promise<Set<number>> {
    if (recordingIds.length === 0) return new Set();
    const keys = this.intents(subscription, recordingIds);
    const values = await this.connection.run('fence intents', (c) => c.mGet(keys));
    const others = new Set<number>();
    values.forEach((value, i) => {
      if (value !== null && value !== this.options.holderId) others.add(recordingIds[i] as number);
    });
    return others;
  }

  async leave(
    subscription: number,
    recordingIds: readonly number[],
    also: readonly number[] = [],
  ): Promise<void> {
    if (recordingIds.length === 0) return;
    const keys = [subscription, ...also].flatMap((s) => this.intents(s, recordingIds));
    await this.connection.script(LEAVE, keys, [this.options.holderId]);
  }

  private intents(subscription: number, recordingIds: readonly number[]): string[] {
    return recordingIds.map((id) => this.k.sending(subscription, id));
  }
}
