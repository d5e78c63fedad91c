/**
 * The shared state backend: Redis, for two or more replicas. Same semantics as `SqliteState`
 * (the shared contract suites run against both), with every multi-key step one Lua script.
 *
 * Keys, under a prefix (default `focus:`; on Redis Cluster use a hash tag, `{focus}:`):
 *
 * | key | type | what |
 * |---|---|---|
 * | `kv:<key>` | string + PX | `StateStore` keys (`event:…`, `unfurl:…`, `linked:…`, `sig:…`) |
 * | `subs:next` | counter | the last subscription id issued (INCR; ids are never reused) |
 * | `subs:all`, `subs:active` | zset (id by id) | every subscription; those not paused |
 * | `sub:<id>` | hash | one subscription (see `redis-scripts.ts`) |
 * | `sub:<id>:cursor` | hash | start, ms, ids at that instant |
 * | `sub:<id>:delivered` | zset | recording ids delivered, scored by start (ms) |
 * | `channel:<channel>:subs` | zset | the channel's subscription ids |
 * | `channel:<channel>:targets` | hash | target key (`phone:…`/`person:…`) -> id: one per target |
 * | `lease:<name>:holder`, `lease:<name>:fence` | string + PX, counter | see `redis-lease.ts` |
 * | `sub:<id>:sending:<recording id>` | string + PX | a post's intent: see `redis-fence.ts` |
 *
 * Delivered ids are kept while their recording started no earlier than the cursor minus
 * `deliveredRetentionMs` (default 7 days), pruned when the cursor moves, as in SQLite.
 *
 * Every call has a deadline and none waits for a connection that is down: see
 * `redis-connection.ts`. A call that fails rejects with a `StateError` (`state_unreachable`
 * while Redis is down or slow), and the caller decides: fall back, or pause.
 */

import { RedisConnection, type RedisConnectionOptions } from './redis-connection.js';
import { COUNT_TEAM } from './redis-count.js';
import { CREATED_BY } from './redis-created-by.js';
import { RedisPostFence, type RedisPostFenceOptions } from './redis-fence.js';
import { RedisLease } from './redis-lease.js';
import {
  ADD,
  LIST,
  MARK_DELIVERED,
  PAUSE,
  PAUSE_CHANNEL,
  REMOVE,
  REMOVE_CHANNEL,
  RESTORE,
  RESUME,
  START_AT,
} from './redis-scripts.js';
import { type SubscriptionArchive, type SubscriptionRecord, sortDelivered } from './snapshot.js';
import { readTarget } from './sqlite-rows.js';
import type { StateStore } from './store.js';
import { startMs, targetKey } from './subscription-keys.js';
import type { Cursor, NewSubscription, Subscription, SubscriptionStore } from './subscriptions.js';

const DAY_MS = 86_400_000;
/** The longest TTL sent to Redis (100 years): longer ones overflow its clock arithmetic. */
const MAX_TTL_MS = 100 * 365 * DAY_MS;

export interface RedisStateOptions extends RedisConnectionOptions {
  /** Prepended to every key (default `focus:`), so several apps or tests can share one Redis. */
  prefix?: string;
  /** Delivered ids kept behind the cursor (default 7 days). */
  deliveredRetentionMs?: number;
}

/** What the open found, for the start-up log line (no password). */
export interface RedisStateInfo {
  /** `redis://host:port/db`. */
  where: string;
  prefix: string;
}

/**
 * Connects to `url` (`redis://[:password@]host[:port][/db]`, `rediss://` for TLS) and checks it
 * with a PING. Throws a `StateError` naming the host, never the password: `state_invalid_url`,
 * `state_auth` or `state_unreachable`.
 */
export async function openRedisState(url: string, options: RedisStateOptions = {}): Promise<RedisState> {
  const connection = await RedisConnection.open(url, options);
  return new RedisState(connection, options);
}

export class RedisState implements StateStore, SubscriptionStore, SubscriptionArchive {
  readonly info: RedisStateInfo;
  private readonly p: string;
  private readonly retentionMs: number;

  /** Use `openRedisState`: it checks the connection first. */
  constructor(
    private readonly connection: RedisConnection,
    options: Pick<RedisStateOptions, 'prefix' | 'deliveredRetentionMs'> = {},
  ) {
    this.p = options.prefix ?? 'focus:';
    this.retentionMs = options.deliveredRetentionMs ?? 7 * DAY_MS;
    this.info = { where: connection.where, prefix: this.p };
  }

  /** Whether the connection is up now (for `/metrics`; a call may still fail). */
  get isReady(): boolean {
    return this.connection.isReady;
  }

  /** The poller lease, on the same connection and prefix. */
  lease(): RedisLease {
    return new RedisLease(this.connection, this.p);
  }

  /** The check before each subscription post, against that lease (`redis-fence.ts`). */
  postFence(options: RedisPostFenceOptions): RedisPostFence {
    return new RedisPostFence(this.connection, this.p, options);
  }

  // ---- StateStore -------------------------------------------------------------------------

  async claim(key: string, ttlMs: number, value = '1'): Promise<boolean> {
    const reply = await this.connection.run('claim', (c) =>
      c.set(this.kv(key), value, { condition: 'NX', expiration: { type: 'PX', value: px(ttlMs) } }),
    );
    return reply !== null;
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.connection.run('get', (c) => c.get(this.kv(key)));
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.connection.run('set', (c) =>
      c.set(this.kv(key), value, { expiration: { type: 'PX', value: px(ttlMs) } }),
    );
  }

  async release(key: string): Promise<void> {
    await this.connection.run('release', (c) => c.del(this.kv(key)));
  }

  /** Closes the connection (idempotent); what is in Redis stays. */
  async close(): Promise<void> {
    await this.connection.close();
  }

  // ---- SubscriptionStore ------------------------------------------------------------------

  async add(
    sub: NewSubscription,
    now: Date,
  ): Promise<{ added: true; subscription: Subscription } | { added: false; subscription: Subscription }> {
    const reply = await this.connection.script(
      ADD,
      [this.k('subs:next'), this.targets(sub.channel), this.channelSubs(sub.channel), ...this.sets()],
      [
        this.p,
        targetKey(sub.target),
        sub.channel,
        JSON.stringify(sub.target),
        sub.createdBy,
        now.toISOString(),
        sub.team ?? '',
        sub.team === undefined ? '0' : '1',
      ],
    );
    const [added, id, fields] = reply as [number, string | number, string[]];
    const subscription = toSubscription(id, fields);
    return added === 1 ? { added: true, subscription } : { added: false, subscription };
  }

  async list(channel: string): Promise<Subscription[]> {
    return this.listOf(this.channelSubs(channel));
  }

  async createdBy(user: string): Promise<Subscription[]> {
    const reply = await this.connection.script(CREATED_BY, [this.k('subs:all')], [this.p, user]);
    return (reply as Array<[string, string[]]>).map(([id, fields]) => toSubscription(id, fields));
  }

  async active(): Promise<Subscription[]> {
    return this.listOf(this.k('subs:active'));
  }

  async countTeam(team: string | undefined): Promise<number> {
    const reply = await this.connection.script(
      COUNT_TEAM,
      [this.k('subs:all')],
      [this.p, team ?? '', team === undefined ? '0' : '1'],
    );
    return Number(reply);
  }

  async remove(channel: string, ids: readonly number[]): Promise<Subscription[]> {
    const wanted = [...new Set(ids)].filter(Number.isSafeInteger).sort((a, b) => a - b);
    if (wanted.length === 0) return [];
    const reply = await this.connection.script(
      REMOVE,
      [this.targets(channel), this.channelSubs(channel), ...this.sets()],
      [this.p, channel, ...wanted.map(String)],
    );
    return (reply as Array<[string, string[]]>).map(([id, fields]) => toSubscription(id, fields));
  }

  async pause(id: number, reason: string, now: Date): Promise<void> {
    await this.connection.script(
      PAUSE,
      [this.sub(id), this.k('subs:active')],
      [id, reason, now.toISOString()],
    );
  }

  async pauseChannel(channel: string, reason: string, now: Date): Promise<Subscription[]> {
    const reply = await this.connection.script(
      PAUSE_CHANNEL,
      [this.channelSubs(channel), this.k('subs:active')],
      [this.p, reason, now.toISOString()],
    );
    return (reply as Array<[string, string[]]>).map(([id, fields]) => toSubscription(id, fields));
  }

  async removeChannel(channel: string): Promise<Subscription[]> {
    const reply = await this.connection.script(
      REMOVE_CHANNEL,
      [this.targets(channel), this.channelSubs(channel), ...this.sets()],
      [this.p, channel],
    );
    return (reply as Array<[string, string[]]>).map(([id, fields]) => toSubscription(id, fields));
  }

  async resume(id: number): Promise<void> {
    await this.connection.script(RESUME, [this.sub(id), this.k('subs:active')], [id]);
  }

  async cursor(id: number): Promise<Cursor> {
    const [start, ids] = await this.connection.run('cursor', (c) =>
      c.hmGet(`${this.sub(id)}:cursor`, ['start', 'ids']),
    );
    if (start === null || start === undefined) return { newestStart: undefined, idsAtNewest: [] };
    return { newestStart: String(start), idsAtNewest: parseIds(ids === null ? undefined : String(ids)) };
  }

  async startAt(id: number, cursor: Cursor): Promise<void> {
    if (cursor.newestStart === undefined) return;
    const ms = startMs(cursor.newestStart);
    await this.connection.script(
      START_AT,
      [this.sub(id), `${this.sub(id)}:cursor`],
      [cursor.newestStart, ms, [...new Set(cursor.idsAtNewest)].join(',')],
    );
  }

  async delivered(id: number, recordingId: number): Promise<boolean> {
    const score = await this.connection.run('delivered', (c) =>
      c.zScore(`${this.sub(id)}:delivered`, String(recordingId)),
    );
    return score !== null;
  }

  async markDelivered(id: number, recording: { id: number; start: string }, _now: Date): Promise<void> {
    const ms = Date.parse(recording.start);
    if (!Number.isFinite(ms)) {
      // As in SQLite: a mark for a subscription that is gone is ignored before its start is read.
      const exists = await this.connection.run('exists', (c) => c.exists(this.sub(id)));
      if (exists === 0) return;
      startMs(recording.start);
    }
    await this.connection.script(
      MARK_DELIVERED,
      [this.sub(id), `${this.sub(id)}:cursor`, `${this.sub(id)}:delivered`],
      [recording.id, recording.start, ms, ms - this.retentionMs],
    );
  }

  /** Delivered ids held for a subscription (tests, metrics). */
  async deliveredCount(id: number): Promise<number> {
    return this.connection.run('delivered count', (c) => c.zCard(`${this.sub(id)}:delivered`));
  }

  // ---- SubscriptionArchive ----------------------------------------------------------------

  async dumpSubscriptions(): Promise<SubscriptionRecord[]> {
    const records: SubscriptionRecord[] = [];
    for (const subscription of await this.listOf(this.k('subs:all'))) {
      const id = subscription.id;
      const cursor = await this.cursor(id);
      const scored = await this.connection.run('dump delivered', (c) =>
        c.zRangeWithScores(`${this.sub(id)}:delivered`, 0, -1),
      );
      const delivered = sortDelivered(scored.map((s) => ({ id: Number(s.value), startMs: s.score })));
      records.push({ subscription, cursor, delivered });
    }
    return records;
  }

  async restoreSubscription(record: SubscriptionRecord): Promise<{ added: boolean; id: number }> {
    const { subscription: s, cursor, delivered } = record;
    const hasCursor = cursor.newestStart !== undefined;
    const reply = await this.connection.script(
      RESTORE,
      [this.k('subs:next'), this.targets(s.channel), this.channelSubs(s.channel), ...this.sets()],
      [
        this.p,
        s.id,
        targetKey(s.target),
        s.channel,
        JSON.stringify(s.target),
        s.createdBy,
        s.createdAt,
        s.team ?? '',
        s.team === undefined ? '0' : '1',
        s.paused?.reason ?? '',
        s.paused?.at ?? '',
        s.paused ? '1' : '0',
        cursor.newestStart ?? '',
        hasCursor && cursor.newestStart !== undefined ? startMs(cursor.newestStart) : 0,
        [...new Set(cursor.idsAtNewest)].join(','),
        hasCursor ? '1' : '0',
        ...delivered.flatMap((d) => [d.id, d.startMs]),
      ],
    );
    const [added, id] = reply as [number, string | number];
    return { added: added === 1, id: Number(id) };
  }

  // ---- keys -------------------------------------------------------------------------------

  private k(name: string): string {
    return `${this.p}${name}`;
  }

  private kv(key: string): string {
    return `${this.p}kv:${key}`;
  }

  private sub(id: number): string {
    return `${this.p}sub:${id}`;
  }

  private targets(channel: string): string {
    return `${this.p}channel:${channel}:targets`;
  }

  private channelSubs(channel: string): string {
    return `${this.p}channel:${channel}:subs`;
  }

  /** All ids, active ids: the last two keys of ADD, REMOVE and RESTORE. */
  private sets(): [string, string] {
    return [this.k('subs:all'), this.k('subs:active')];
  }

  private async listOf(key: string): Promise<Subscription[]> {
    const reply = await this.connection.script(LIST, [key], [this.p]);
    return (reply as Array<[string, string[]]>).map(([id, fields]) => toSubscription(id, fields));
  }
}

/** A subscription from its hash (HGETALL's flat field, value list). */
function toSubscription(id: string | number, flat: readonly string[]): Subscription {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(String(flat[i]), String(flat[i + 1]));
  const pausedReason = f.get('pausedReason');
  return {
    id: Number(id),
    team: f.get('team'),
    channel: f.get('channel') ?? '',
    target: readTarget(f.get('target')),
    createdBy: f.get('createdBy') ?? '',
    createdAt: f.get('createdAt') ?? '',
    paused: pausedReason === undefined ? undefined : { reason: pausedReason, at: f.get('pausedAt') ?? '' },
  };
}

function parseIds(ids: string | undefined): number[] {
  return ids ? ids.split(',').map(Number) : [];
}

/** A TTL Redis accepts: a whole number of ms, at least 1, at most 100 years. */
function px(ttlMs: number): number {
  if (!(ttlMs > 0)) return 1;
  return Math.min(Math.ceil(ttlMs), MAX_TTL_MS);
}
