/**
 * How `RedisState` lays the store out in Redis: its keys, and the Lua scripts behind every
 * multi-key step. Each script runs atomically in Redis, so two replicas racing (two adds of one
 * subscription, two marks at one instant) see one order.
 *
 * Keys, under a prefix (`REDIS_KEY_PREFIX`):
 *
 * | key | type | what |
 * |---|---|---|
 * | `kv:<key>` | string + PX | `StateStore` keys (`event:…`, `unfurl:…`, `linked:…`, `sig:…`, `unanswered:…`) |
 * | `subs:next` | counter | the last subscription id issued (INCR; ids are never reused) |
 * | `subs:all`, `subs:active` | zset (id by id) | every subscription; those not paused |
 * | `sub:<id>` | hash | channel, targetKey, target (JSON), createdBy, createdAt; workspace, team, pausedReason, pausedAt, filters (JSON), format (`compact`) when set |
 * | `sub:<id>:cursor` | hash | start (as Focus wrote it), ms, ids (those at that instant, comma-separated, in the order marked) |
 * | `sub:<id>:delivered` | zset | recording ids delivered, scored by start (ms) |
 * | `channel:<channel>:subs` | zset | the channel's subscription ids |
 * | `channel:<channel>:targets` | hash | target key (`phone:…`/`person:…`) -> id: one per target |
 * | `ws:<key>:subs:all`, `ws:<key>:subs:active`, `ws:<key>:channel:<channel>:subs`, `ws:<key>:channel:<channel>:targets` | as above | distribution mode: the same indexes for one workspace's subscriptions (by installation key); the ones above are single-workspace mode's |
 * | `subs:workspaces` | set | the installation keys that have (or had) subscriptions |
 * | `lease:<name>:holder`, `lease:<name>:fence` | string + PX, counter | see `redis-lease.ts` |
 * | `sub:<id>:sending:<recording id>` | string + PX | a post's intent: see `redis-lease.ts` |
 * | `installations`, `connections` | hash | installation key -> sealed JSON: see `redis-sealed.ts` |
 * | `refresh-lock:<installation key>` | string + PX | one token refresh at a time: see `redis-refresh-lock.ts` |
 * | `uninstalls` | hash | installation key -> when it was uninstalled (ms): see `workspace-data.ts` |
 *
 * Scripts reach a subscription's keys through `ARGV[1]` (`<prefix>sub:`) and an id found inside
 * the script. Standalone Redis allows that; on Redis Cluster use a prefix with a hash tag
 * (`{focus}:`) so every key of the store is in one slot.
 */
import { lua } from './redis-connection.js';

/**
 * The keys under `prefix`; with `workspace`, its subscriptions' indexes are that workspace's own
 * (ids, subscription hashes, leases and the rest stay shared).
 */
export function redisKeys(prefix: string, workspace?: string) {
  const sub = (id: number) => `${prefix}sub:${id}`;
  const index = workspace === undefined ? prefix : `${prefix}ws:${workspace}:`;
  return {
    kv: (key: string) => `${prefix}kv:${key}`,
    next: `${prefix}subs:next`,
    all: `${index}subs:all`,
    active: `${index}subs:active`,
    workspaces: `${prefix}subs:workspaces`,
    subs: `${prefix}sub:`,
    sub,
    cursor: (id: number) => `${sub(id)}:cursor`,
    delivered: (id: number) => `${sub(id)}:delivered`,
    sending: (id: number, recording: number) => `${sub(id)}:sending:${recording}`,
    targets: (channel: string) => `${index}channel:${channel}:targets`,
    channelSubs: (channel: string) => `${index}channel:${channel}:subs`,
    leaseHolder: (name: string) => `${prefix}lease:${name}:holder`,
    leaseFence: (name: string) => `${prefix}lease:${name}:fence`,
    /** A hash of sealed records (installations, connections): installation key -> sealed JSON. */
    sealed: (kind: 'installations' | 'connections') => `${prefix}${kind}`,
    refreshLock: (installation: string) => `${prefix}refresh-lock:${installation}`,
    /** A hash: installation key -> when it was uninstalled (ms), while its data waits (workspace-data.ts). */
    uninstalls: `${prefix}uninstalls`,
  };
}

export type RedisKeys = ReturnType<typeof redisKeys>;

/** The newer cursor wins; at the same instant the ids join its ties. True when it moved forward. */
const MERGE_CURSOR = `
local function merge_cursor(cursor, start, ms, ids)
  local current = redis.call('HGET', cursor, 'ms')
  if not current or tonumber(ms) > tonumber(current) then
    redis.call('HSET', cursor, 'start', start, 'ms', ms, 'ids', ids)
    return true
  end
  if tonumber(ms) == tonumber(current) then
    local ties = redis.call('HGET', cursor, 'ids') or ''
    for id in string.gmatch(ids, '[^,]+') do
      if not string.find(',' .. ties .. ',', ',' .. id .. ',', 1, true) then
        if ties == '' then ties = id else ties = ties .. ',' .. id end
      end
    end
    redis.call('HSET', cursor, 'ids', ties)
  end
  return false
end
`;

/**
 * A new subscription, or an exported one imported. KEYS: next id, channel's target index, channel's
 * ids, all ids, active ids, workspaces. ARGV: subscription key prefix, exported id (0: none), target
 * key, channel, target JSON, createdBy, createdAt, team, has team, paused reason, paused at, is
 * paused, cursor start, cursor ms, cursor ids, has cursor, filters JSON ('': none), format ('':
 * full), workspace ('': none), then (recording id, start ms) pairs.
 *
 * When the channel already follows the target, the existing subscription is kept and only its
 * cursor (merged) and delivered ids (a union) take the record in. Otherwise it is added, under the
 * exported id when that is above every id issued here (ids are never reused), else under a new
 * one. Returns {1 = added / 0 = there already, id, fields}.
 */
export const PUT = lua(
  'put',
  `${MERGE_CURSOR}
local id = redis.call('HGET', KEYS[2], ARGV[3])
if id and redis.call('EXISTS', ARGV[1] .. id) == 0 then
  redis.call('HDEL', KEYS[2], ARGV[3])
  id = nil
end
local added = 0
if not id then
  added = 1
  if tonumber(ARGV[2]) > tonumber(redis.call('GET', KEYS[1]) or '0') then
    redis.call('SET', KEYS[1], ARGV[2])
    id = ARGV[2]
  else
    id = tostring(redis.call('INCR', KEYS[1]))
  end
  local key = ARGV[1] .. id
  redis.call('HSET', key, 'channel', ARGV[4], 'targetKey', ARGV[3], 'target', ARGV[5],
    'createdBy', ARGV[6], 'createdAt', ARGV[7])
  if ARGV[9] == '1' then redis.call('HSET', key, 'team', ARGV[8]) end
  redis.call('HSET', KEYS[2], ARGV[3], id)
  redis.call('ZADD', KEYS[3], id, id)
  redis.call('ZADD', KEYS[4], id, id)
  if ARGV[12] == '1' then
    redis.call('HSET', key, 'pausedReason', ARGV[10], 'pausedAt', ARGV[11])
  else
    redis.call('ZADD', KEYS[5], id, id)
  end
  if ARGV[17] ~= '' then redis.call('HSET', key, 'filters', ARGV[17]) end
  if ARGV[18] ~= '' then redis.call('HSET', key, 'format', ARGV[18]) end
  if ARGV[19] ~= '' then
    redis.call('HSET', key, 'workspace', ARGV[19])
    redis.call('SADD', KEYS[6], ARGV[19])
  end
end
local key = ARGV[1] .. id
if ARGV[16] == '1' then merge_cursor(key .. ':cursor', ARGV[13], ARGV[14], ARGV[15]) end
for i = 20, #ARGV, 2 do
  redis.call('ZADD', key .. ':delivered', 'NX', ARGV[i + 1], ARGV[i])
end
return {added, id, redis.call('HGETALL', key)}
`,
);

/** KEYS: a sorted set of ids. ARGV: subscription key prefix. Returns {{id, fields}, ...} in id order. */
export const LIST = lua(
  'list',
  `
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local fields = redis.call('HGETALL', ARGV[1] .. id)
  if #fields > 0 then out[#out + 1] = {id, fields} end
end
return out
`,
);

/**
 * KEYS: all ids. ARGV: subscription key prefix, Slack user id. Returns {{id, fields}, ...} of the
 * subscriptions that user made, in id order. O(subscriptions), as `COUNT_TEAM`: a workspace holds
 * at most `SUBSCRIPTION_LIMITS.perWorkspace`, and only the Home tab asks.
 */
export const CREATED_BY = lua(
  'created-by',
  `
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. id
  if redis.call('HGET', key, 'createdBy') == ARGV[2] then out[#out + 1] = {id, redis.call('HGETALL', key)} end
end
return out
`,
);

/**
 * KEYS: all ids. ARGV: subscription key prefix, team, has team ('1'/'0'). Returns how many
 * subscriptions belong to that workspace (none: those stored without one). O(subscriptions): they
 * are few (a workspace holds at most `SUBSCRIPTION_LIMITS.perWorkspace`), and only
 * `/focus subscribe` and import ask.
 */
export const COUNT_TEAM = lua(
  'count-team',
  `
local n = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local team = redis.call('HGET', ARGV[1] .. id, 'team')
  if (ARGV[3] == '1' and team == ARGV[2]) or (ARGV[3] == '0' and not team) then n = n + 1 end
end
return n
`,
);

/**
 * KEYS: channel's target index, channel's ids, all ids, active ids. ARGV: subscription key prefix,
 * channel, then the ids to remove (ascending, distinct), or `*` for every one of the channel (its
 * two index keys go too). Only the channel's own are removed (in these indexes: the workspace's),
 * each with its cursor and delivered ids. Returns {{id, fields}, ...} of those removed, in id order.
 */
export const REMOVE = lua(
  'remove',
  `
local everyone = ARGV[3] == '*'
local ids = {}
if everyone then ids = redis.call('ZRANGE', KEYS[2], 0, -1) else for i = 3, #ARGV do ids[#ids + 1] = ARGV[i] end end
local removed = {}
for _, id in ipairs(ids) do
  local key = ARGV[1] .. id
  local mine = redis.call('HGET', key, 'channel') == ARGV[2] and redis.call('ZSCORE', KEYS[2], id) ~= false
  if mine then
    removed[#removed + 1] = {id, redis.call('HGETALL', key)}
    local targetKey = redis.call('HGET', key, 'targetKey')
    if redis.call('HGET', KEYS[1], targetKey) == id then redis.call('HDEL', KEYS[1], targetKey) end
    redis.call('ZREM', KEYS[2], id)
    redis.call('DEL', key, key .. ':cursor', key .. ':delivered')
  end
  if mine or everyone then
    redis.call('ZREM', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
  end
end
if everyone then redis.call('DEL', KEYS[1], KEYS[2]) end
return removed
`,
);

/**
 * KEYS: subscription, active ids, all ids. ARGV: id, then reason and at to pause (none: to
 * resume). Only a subscription of these indexes (its workspace's) changes.
 */
export const SET_PAUSED = lua(
  'set-paused',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('ZSCORE', KEYS[3], ARGV[1]) == false then return 0 end
if ARGV[2] then
  redis.call('HSET', KEYS[1], 'pausedReason', ARGV[2], 'pausedAt', ARGV[3])
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('HDEL', KEYS[1], 'pausedReason', 'pausedAt')
  redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1])
end
return 1
`,
);

/** KEYS: subscription. ARGV: filters JSON, format ('' for either: none). Sets both, or removes them. */
export const TUNE = lua(
  'tune',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i, field in ipairs({'filters', 'format'}) do
  if ARGV[i] == '' then redis.call('HDEL', KEYS[1], field) else redis.call('HSET', KEYS[1], field, ARGV[i]) end
end
return 1
`,
);

/**
 * KEYS: channel's ids, active ids. ARGV: subscription key prefix, reason, at. Pauses every
 * subscription of the channel not paused yet. Returns {{id, fields}, ...} of those it paused.
 */
export const PAUSE_CHANNEL = lua(
  'pause-channel',
  `
local paused = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. id
  if redis.call('EXISTS', key) == 1 and redis.call('HEXISTS', key, 'pausedReason') == 0 then
    redis.call('HSET', key, 'pausedReason', ARGV[2], 'pausedAt', ARGV[3])
    redis.call('ZREM', KEYS[2], id)
    paused[#paused + 1] = {id, redis.call('HGETALL', key)}
  end
end
return paused
`,
);

/** KEYS: subscription, cursor. ARGV: start, ms, ids. Sets the cursor only while it is unset. */
export const START_AT = lua(
  'start-at',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HEXISTS', KEYS[2], 'ms') == 1 then return 0 end
redis.call('HSET', KEYS[2], 'start', ARGV[1], 'ms', ARGV[2], 'ids', ARGV[3])
return 1
`,
);

/**
 * KEYS: subscription, cursor, delivered. ARGV: recording id, start, start ms, prune bound (ms).
 * Marks the recording delivered and merges it into the cursor; when that moves the cursor,
 * delivered ids that started before the bound go.
 */
export const MARK_DELIVERED = lua(
  'mark-delivered',
  `${MERGE_CURSOR}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[1])
if merge_cursor(KEYS[2], ARGV[2], ARGV[3], ARGV[1]) then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[4])
end
return 1
`,
);

/**
 * Deletes keys of a workspace being forgotten, while its uninstall mark stands. KEYS: the
 * uninstalls hash, then the keys to delete. ARGV: installation key, the mark's time ('': no
 * guard). Returns how many were deleted, or -1 when the mark is gone or changed (reinstalled).
 */
export const FORGET_KEYS = lua(
  'forget-keys',
  `
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return -1 end
if #KEYS < 2 then return 0 end
return redis.call('DEL', unpack(KEYS, 2))
`,
);

/**
 * The last step of forgetting a workspace, while its mark stands: its installation, its
 * connection and the mark itself. KEYS: uninstalls, installations, connections hashes. ARGV: as
 * FORGET_KEYS. Returns {installation deleted, connection deleted}, or -1 (reinstalled).
 */
export const FORGET_RECORDS = lua(
  'forget-records',
  `
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return -1 end
local installation = redis.call('HDEL', KEYS[2], ARGV[1])
local connection = redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
return {installation, connection}
`,
);
