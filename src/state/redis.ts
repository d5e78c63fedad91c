/**
 * The shared state backend: Redis, for two or more replicas. Same semantics as `SqliteState`
 * (the shared contract suites run against both), with every multi-key step one Lua script; the
 * keys and scripts are in `redis-scripts.ts`.
 *
 * Every call has a deadline and none waits for a connection that is down: see
 * `redis-connection.ts`. A call that fails rejects with a `StateError` (`state_unreachable`
 * while Redis is down or slow), and the caller decides: fall back, or pause.
 */
import { type LuaScript, RedisConnection, type RedisConnectionOptions } from './redis-connection.js';
import { RedisLease, RedisPostFence, type RedisPostFenceOptions } from './redis-lease.js';
import { RedisRefreshLock } from './redis-refresh-lock.js';
import {
  COUNT_TEAM,
  CREATED_BY,
  FORGET_KEYS,
  FORGET_RECORDS,
  LIST,
  MARK_DELIVERED,
  PAUSE_CHANNEL,
  PUT,
  REMOVE,
  type RedisKeys,
  redisKeys,
  SET_PAUSED,
  START_AT,
  TUNE,
} from './redis-scripts.js';
import { RedisSealedTable } from './redis-sealed.js';
import type { SubscriptionArchive, SubscriptionRecord } from './snapshot.js';
import type { StateStore } from './store.js';
import * as rows from './subscription-rows.js';
import type { Cursor, NewSubscription, Subscription, SubscriptionStore, Tuning } from './subscriptions.js';
import type { SealedKind } from './tenant-stores.js';
import {
  checkWorkspaceKey,
  type Forgotten,
  type WorkspaceData,
  workspaceKeyPrefixes,
} from './workspace-data.js';

/** The longest TTL sent to Redis (100 years): longer ones overflow its clock arithmetic. */
const MAX_TTL_MS = 100 * 365 * 86_400_000;
/** Keys a forgetting SCAN asks for per page, and deletes per script. */
const FORGET_PAGE = 500;

export interface RedisStateOptions extends RedisConnectionOptions {
  /** Prepended to every key, so several apps or tests can share one Redis. */
  prefix: string;
}

/**
 * Connects to `url` (`redis://[:password@]host[:port][/db]`, `rediss://` for TLS) and checks it
 * with a PING. Throws a `StateError` naming the host, never the password: `state_invalid_url`,
 * `state_auth` or `state_unreachable`.
 */
export async function openRedisState(url: string, options: RedisStateOptions): Promise<RedisState> {
  return new RedisState(await RedisConnection.open(url, options), options.prefix);
}

export class RedisState implements StateStore, SubscriptionStore, SubscriptionArchive, WorkspaceData {
  /** `redis://host:port/db`, for the start-up log line (no password). */
  readonly where: string;
  private readonly k: RedisKeys;
  private readonly views = new Map<string, RedisState>();

  /** Use `openRedisState`: it checks the connection first. */
  constructor(
    private readonly connection: RedisConnection,
    private readonly prefix: string,
    /** The workspace whose subscriptions this sees (undefined: single-workspace mode's). */
    private readonly workspace?: string,
  ) {
    this.where = connection.where;
    this.k = redisKeys(prefix, workspace);
  }

  /**
   * One workspace's subscriptions (distribution mode): their indexes are the workspace's own
   * (`ws:<key>:…`), and what it adds is stored with its key. Undefined: this store itself.
   * Closed with this store.
   */
  subscriptionsOf(workspace: string | undefined): SubscriptionStore {
    if (workspace === undefined || this.workspace !== undefined) return this;
    let view = this.views.get(workspace);
    if (!view) {
      view = new RedisState(this.connection, this.prefix, workspace);
      this.views.set(workspace, view);
    }
    return view;
  }

  /** The workspaces (installation keys) with at least one subscription not paused. */
  async subscribedWorkspaces(): Promise<string[]> {
    const keys = await this.connection.run('workspaces', (c) => c.sMembers(this.k.workspaces));
    const out: string[] = [];
    for (const key of keys.sort()) {
      const active = await this.connection.run('workspace active', (c) =>
        c.zCard(redisKeys(this.prefix, key).active),
      );
      if (active > 0) out.push(key);
    }
    return out;
  }

  /** The poller lease, on the same connection and prefix. */
  lease(): RedisLease {
    return new RedisLease(this.connection, this.k);
  }

  /** The check before each subscription post, against that lease. */
  postFence(options: RedisPostFenceOptions): RedisPostFence {
    return new RedisPostFence(this.connection, this.k, options);
  }

  /** One token refresh per installation at a time, across replicas (token-refresh.ts). */
  refreshLock(): RedisRefreshLock {
    return new RedisRefreshLock(this.connection, this.k);
  }

  /** Installations or Focus connections, sealed, on the same connection and prefix. */
  sealedTable(kind: SealedKind): RedisSealedTable {
    return new RedisSealedTable(this.connection, this.k.sealed(kind));
  }

  // ---- WorkspaceData (workspace-data.ts) ---------------------------------------------------

  async markUninstalled(key: string, atMs: number): Promise<void> {
    await this.connection.run('mark uninstalled', (c) => c.hSetNX(this.k.uninstalls, key, String(atMs)));
  }

  async cancelUninstalled(key: string): Promise<boolean> {
    return (await this.connection.run('cancel uninstalled', (c) => c.hDel(this.k.uninstalls, key))) > 0;
  }

  async uninstalls(): Promise<Map<string, number>> {
    const all = await this.connection.run('uninstalls', (c) => c.hGetAll(this.k.uninstalls));
    return new Map(Object.entries(all).map(([key, at]) => [key, Number(at)]));
  }

  /**
   * Page by page (SCAN), each page deleted by a script that checks the mark first; then the
   * subscriptions; then, in one script, the installation, the connection and the mark. A
   * reinstall between two steps (the mark cleared) stops it before the next.
   */
  async forget(key: string, ifUninstalledAt?: number): Promise<Forgotten> {
    checkWorkspaceKey(key);
    const guard = ifUninstalledAt === undefined ? '' : String(ifUninstalledAt);
    const stopped = (keys: number, subscriptions: number): Forgotten => ({
      done: false,
      installation: false,
      connection: false,
      keys,
      subscriptions,
    });
    let keys = 0;
    for (const prefix of workspaceKeyPrefixes(key)) {
      const match = `${globEscape(this.k.kv(prefix))}*`;
      let cursor = '0';
      do {
        const page = await this.connection.run('forget scan', (c) =>
          c.scan(cursor, { MATCH: match, COUNT: FORGET_PAGE }),
        );
        cursor = String(page.cursor);
        const deleted = Number(
          await this.connection.script(FORGET_KEYS, [this.k.uninstalls, ...page.keys], [key, guard]),
        );
        if (deleted < 0) return stopped(keys, 0);
        keys += deleted;
      } while (cursor !== '0');
    }
    let subscriptions = 0;
    // The workspace's own (distribution mode, under its indexes), and those its team made in
    // single-workspace mode.
    for (const store of [this.subscriptionsOf(key) as RedisState, this]) {
      const theirs = (await store.subscriptions(LIST, [store.k.all], [store.k.subs])).filter(
        (s) => s.workspace === key || s.team === key,
      );
      for (const [channel, ids] of idsByChannel(theirs)) {
        if (guard !== '' && (await this.uninstalledAt(key)) !== guard) return stopped(keys, subscriptions);
        subscriptions += (await store.remove(channel, ids)).length;
      }
    }
    const keysOf = [this.k.uninstalls, this.k.sealed('installations'), this.k.sealed('connections')];
    const records = await this.connection.script(FORGET_RECORDS, keysOf, [key, guard]);
    if (!Array.isArray(records)) return stopped(keys, subscriptions);
    return {
      done: true,
      installation: Number(records[0]) > 0,
      connection: Number(records[1]) > 0,
      keys,
      subscriptions,
    };
  }

  private async uninstalledAt(key: string): Promise<string | undefined> {
    return (await this.connection.run('uninstalled at', (c) => c.hGet(this.k.uninstalls, key))) ?? undefined;
  }

  // ---- StateStore -------------------------------------------------------------------------

  async claim(key: string, ttlMs: number, value = '1'): Promise<boolean> {
    const reply = await this.connection.run('claim', (c) =>
      c.set(this.k.kv(key), value, { condition: 'NX', expiration: { type: 'PX', value: px(ttlMs) } }),
    );
    return reply !== null;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.connection.run('get', (c) => c.get(this.k.kv(key)))) ?? undefined;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.connection.run('set', (c) =>
      c.set(this.k.kv(key), value, { expiration: { type: 'PX', value: px(ttlMs) } }),
    );
  }

  async release(key: string): Promise<void> {
    await this.connection.run('release', (c) => c.del(this.k.kv(key)));
  }

  /** Closes the connection (idempotent); what is in Redis stays. A workspace's view closes nothing. */
  async close(): Promise<void> {
    if (this.workspace !== undefined) return;
    await this.connection.close();
  }

  // ---- SubscriptionStore ------------------------------------------------------------------

  async add(sub: NewSubscription, now: Date): Promise<{ added: boolean; subscription: Subscription }> {
    const [added, id, fields] = await this.put(rows.newRecord({ ...sub, workspace: this.workspace }, now));
    return { added: added === 1, subscription: fromHash(id, fields) };
  }

  async list(channel: string): Promise<Subscription[]> {
    return this.subscriptions(LIST, [this.k.channelSubs(channel)], [this.k.subs]);
  }

  async createdBy(user: string): Promise<Subscription[]> {
    return this.subscriptions(CREATED_BY, [this.k.all], [this.k.subs, user]);
  }

  async active(): Promise<Subscription[]> {
    return this.subscriptions(LIST, [this.k.active], [this.k.subs]);
  }

  async countTeam(team: string | undefined): Promise<number> {
    const args = [this.k.subs, team ?? '', team === undefined ? '0' : '1'];
    return Number(await this.connection.script(COUNT_TEAM, [this.k.all], args));
  }

  async remove(channel: string, ids: readonly number[]): Promise<Subscription[]> {
    const wanted = [...new Set(ids)].filter(Number.isSafeInteger).sort((a, b) => a - b);
    if (wanted.length === 0) return [];
    return this.removeOf(channel, wanted.map(String));
  }

  async removeChannel(channel: string): Promise<Subscription[]> {
    return this.removeOf(channel, ['*']);
  }

  async pause(id: number, reason: string, now: Date): Promise<void> {
    await this.setPaused(id, reason, now.toISOString());
  }

  async resume(id: number): Promise<void> {
    await this.setPaused(id);
  }

  async tune(id: number, tuning: Tuning): Promise<void> {
    const { filters, format } = rows.storedTuning(tuning);
    await this.connection.script(TUNE, [this.k.sub(id)], [filters ?? '', format ?? '']);
  }

  async pauseChannel(channel: string, reason: string, now: Date): Promise<Subscription[]> {
    const keys = [this.k.channelSubs(channel), this.k.active];
    return this.subscriptions(PAUSE_CHANNEL, keys, [this.k.subs, reason, now.toISOString()]);
  }

  async cursor(id: number): Promise<Cursor> {
    const [start, ids] = await this.connection.run('cursor', (c) =>
      c.hmGet(this.k.cursor(id), ['start', 'ids']),
    );
    if (start === null || start === undefined) return rows.noCursor();
    return { newestStart: String(start), idsAtNewest: ids ? String(ids).split(',').map(Number) : [] };
  }

  async startAt(id: number, cursor: Cursor): Promise<void> {
    if (cursor.newestStart === undefined) return;
    const ids = [...new Set(cursor.idsAtNewest)].join(',');
    const args = [cursor.newestStart, rows.startMs(cursor.newestStart), ids];
    await this.connection.script(START_AT, [this.k.sub(id), this.k.cursor(id)], args);
  }

  async delivered(id: number, recordingId: number): Promise<boolean> {
    const score = await this.connection.run('delivered', (c) =>
      c.zScore(this.k.delivered(id), String(recordingId)),
    );
    return score !== null;
  }

  async markDelivered(id: number, recording: { id: number; start: string }, _now: Date): Promise<void> {
    const ms = Date.parse(recording.start);
    if (!Number.isFinite(ms)) {
      // As in SQLite: a mark for a subscription that is gone is ignored before its start is read.
      const exists = await this.connection.run('exists', (c) => c.exists(this.k.sub(id)));
      if (exists === 0) return;
      rows.startMs(recording.start);
    }
    await this.connection.script(
      MARK_DELIVERED,
      [this.k.sub(id), this.k.cursor(id), this.k.delivered(id)],
      [recording.id, recording.start, ms, ms - rows.DELIVERED_RETENTION_MS],
    );
  }

  // ---- SubscriptionArchive ----------------------------------------------------------------

  async dumpSubscriptions(): Promise<SubscriptionRecord[]> {
    const records: SubscriptionRecord[] = [];
    // Single-workspace mode's, then each workspace's (a view dumps its own).
    const indexes = [this.k.all];
    if (this.workspace === undefined) {
      const keys = await this.connection.run('workspaces', (c) => c.sMembers(this.k.workspaces));
      indexes.push(...keys.sort().map((key) => redisKeys(this.prefix, key).all));
    }
    const all: Subscription[] = [];
    for (const index of indexes) all.push(...(await this.subscriptions(LIST, [index], [this.k.subs])));
    for (const subscription of all.sort((a, b) => a.id - b.id)) {
      const { id } = subscription;
      const scored = await this.connection.run('dump delivered', (c) =>
        c.zRangeWithScores(this.k.delivered(id), 0, -1),
      );
      const delivered = scored.map((s) => ({ id: Number(s.value), startMs: s.score }));
      records.push({ subscription, cursor: await this.cursor(id), delivered });
    }
    return records;
  }

  async restoreSubscription(record: SubscriptionRecord): Promise<{ added: boolean; id: number }> {
    // Into its workspace's indexes (single-workspace mode's when it has none).
    const into = this.subscriptionsOf(record.subscription.workspace) as RedisState;
    const [added, id] = await into.put(record);
    return { added: added === 1, id: Number(id) };
  }

  // ---- scripts ----------------------------------------------------------------------------

  private async put({ subscription: s, cursor, delivered }: SubscriptionRecord) {
    const start = cursor.newestStart;
    const { filters, format } = rows.storedTuning(s);
    const reply = await this.connection.script(
      PUT,
      [
        this.k.next,
        this.k.targets(s.channel),
        this.k.channelSubs(s.channel),
        this.k.all,
        this.k.active,
        this.k.workspaces,
      ],
      [
        this.k.subs,
        s.id,
        rows.targetKey(s.target),
        s.channel,
        JSON.stringify(s.target),
        s.createdBy,
        s.createdAt,
        s.team ?? '',
        s.team === undefined ? '0' : '1',
        s.paused?.reason ?? '',
        s.paused?.at ?? '',
        s.paused ? '1' : '0',
        start ?? '',
        start === undefined ? 0 : rows.startMs(start),
        [...new Set(cursor.idsAtNewest)].join(','),
        start === undefined ? '0' : '1',
        filters ?? '',
        format ?? '',
        s.workspace ?? '',
        ...delivered.flatMap((d) => [d.id, d.startMs]),
      ],
    );
    return reply as [number, string | number, string[]];
  }

  /** Pauses with (reason, at), or resumes with neither. */
  private setPaused(id: number, ...pause: string[]): Promise<unknown> {
    return this.connection.script(SET_PAUSED, [this.k.sub(id), this.k.active, this.k.all], [id, ...pause]);
  }

  private removeOf(channel: string, ids: string[]): Promise<Subscription[]> {
    const keys = [this.k.targets(channel), this.k.channelSubs(channel), this.k.all, this.k.active];
    return this.subscriptions(REMOVE, keys, [this.k.subs, channel, ...ids]);
  }

  /** Runs a script that answers {{id, fields}, ...}. */
  private async subscriptions(script: LuaScript, keys: string[], args: string[]): Promise<Subscription[]> {
    const reply = (await this.connection.script(script, keys, args)) as Array<[string, string[]]>;
    return reply.map(([id, fields]) => fromHash(id, fields));
  }
}

/** A subscription from its hash (HGETALL's flat field, value list). */
function fromHash(id: string | number, flat: readonly string[]): Subscription {
  const fields: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = String(flat[i + 1]);
  return rows.toSubscription({ ...fields, id });
}

/** `text` matched literally by a SCAN pattern (a prefix may hold `*`, `?`, `[`, `]` or `\\`). */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Subscription ids by channel. */
function idsByChannel(subs: readonly Subscription[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const sub of subs) out.set(sub.channel, [...(out.get(sub.channel) ?? []), sub.id]);
  return out;
}

/** A TTL Redis accepts: a whole number of ms, at least 1, at most 100 years. */
function px(ttlMs: number): number {
  if (!(ttlMs > 0)) return 1;
  return Math.min(Math.ceil(ttlMs), MAX_TTL_MS);
}
