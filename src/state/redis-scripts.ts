/**
 * The Lua scripts behind every multi-key step of `RedisState`: each runs atomically in Redis, so
 * two replicas racing (two adds of one subscription, two marks at one instant) see one order.
 *
 * Keys a script reaches only through the prefix (`ARGV[1] .. 'sub:' .. id`) are those whose name
 * depends on an id found inside the script. Standalone Redis allows that; on Redis Cluster use a
 * prefix with a hash tag (`{focus}:`) so every key of the store is in one slot.
 *
 * Subscription hash fields: channel, targetKey, target (JSON), createdBy, createdAt, and team,
 * pausedReason, pausedAt when set. Cursor hash fields: start (as Focus wrote it), ms, ids (the
 * recording ids at that instant, comma-separated, in the order they were marked).
 */
import { lua } from './redis-connection.js';

/**
 * KEYS: next id, channel's target index (hash), channel's ids, all ids, active ids.
 * ARGV: prefix, target key, channel, target JSON, createdBy, createdAt, team, has team ('1'/'0').
 * Returns {1, id, fields} when added, {0, id, fields} when the channel already follows the target.
 */
export const ADD = lua(
  'add',
  `
local existing = redis.call('HGET', KEYS[2], ARGV[2])
if existing then
  local fields = redis.call('HGETALL', ARGV[1] .. 'sub:' .. existing)
  if #fields > 0 then return {0, existing, fields} end
  redis.call('HDEL', KEYS[2], ARGV[2])
end
local id = redis.call('INCR', KEYS[1])
local key = ARGV[1] .. 'sub:' .. id
redis.call('HSET', key, 'channel', ARGV[3], 'targetKey', ARGV[2], 'target', ARGV[4],
  'createdBy', ARGV[5], 'createdAt', ARGV[6])
if ARGV[8] == '1' then redis.call('HSET', key, 'team', ARGV[7]) end
redis.call('HSET', KEYS[2], ARGV[2], id)
redis.call('ZADD', KEYS[3], id, id)
redis.call('ZADD', KEYS[4], id, id)
redis.call('ZADD', KEYS[5], id, id)
return {1, id, redis.call('HGETALL', key)}
`,
);

/** KEYS: a sorted set of ids. ARGV: prefix. Returns {{id, fields}, ...} in id order. */
export const LIST = lua(
  'list',
  `
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local fields = redis.call('HGETALL', ARGV[1] .. 'sub:' .. id)
  if #fields > 0 then out[#out + 1] = {id, fields} end
end
return out
`,
);

/**
 * KEYS: channel's target index, channel's ids, all ids, active ids.
 * ARGV: prefix, channel, ids (ascending, distinct). Returns {{id, fields}, ...} of those removed:
 * only the channel's own; each takes its cursor and delivered ids with it.
 */
export const REMOVE = lua(
  'remove',
  `
local removed = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local key = ARGV[1] .. 'sub:' .. id
  if redis.call('HGET', key, 'channel') == ARGV[2] then
    local fields = redis.call('HGETALL', key)
    local targetKey = redis.call('HGET', key, 'targetKey')
    if redis.call('HGET', KEYS[1], targetKey) == id then redis.call('HDEL', KEYS[1], targetKey) end
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZREM', KEYS[3], id)
    redis.call('ZREM', KEYS[4], id)
    redis.call('DEL', key, key .. ':cursor', key .. ':delivered')
    removed[#removed + 1] = {id, fields}
  end
end
return removed
`,
);

/** KEYS: subscription, active ids. ARGV: id, reason, at. */
export const PAUSE = lua(
  'pause',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'pausedReason', ARGV[2], 'pausedAt', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`,
);

/**
 * KEYS: channel's ids, active ids. ARGV: prefix, reason, at. Pauses every subscription of the
 * channel not paused yet. Returns {{id, fields}, ...} of those it paused, in id order.
 */
export const PAUSE_CHANNEL = lua(
  'pause-channel',
  `
local paused = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. 'sub:' .. id
  if redis.call('EXISTS', key) == 1 and redis.call('HEXISTS', key, 'pausedReason') == 0 then
    redis.call('HSET', key, 'pausedReason', ARGV[2], 'pausedAt', ARGV[3])
    redis.call('ZREM', KEYS[2], id)
    paused[#paused + 1] = {id, redis.call('HGETALL', key)}
  end
end
return paused
`,
);

/**
 * KEYS: channel's target index, channel's ids, all ids, active ids. ARGV: prefix, channel.
 * Removes every subscription of the channel with its cursor and delivered ids, and the channel's
 * two index keys. Returns {{id, fields}, ...} of those removed, in id order.
 */
export const REMOVE_CHANNEL = lua(
  'remove-channel',
  `
local removed = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local key = ARGV[1] .. 'sub:' .. id
  if redis.call('HGET', key, 'channel') == ARGV[2] then
    removed[#removed + 1] = {id, redis.call('HGETALL', key)}
    redis.call('DEL', key, key .. ':cursor', key .. ':delivered')
  end
  redis.call('ZREM', KEYS[3], id)
  redis.call('ZREM', KEYS[4], id)
end
redis.call('DEL', KEYS[1], KEYS[2])
return removed
`,
);

/** KEYS: subscription, active ids. ARGV: id. */
export const RESUME = lua(
  'resume',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[1], 'pausedReason', 'pausedAt')
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[1])
return 1
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
 * KEYS: subscription, cursor, delivered (sorted set: recording id scored by its start ms).
 * ARGV: recording id, start, start ms, prune bound (ms). Marks the recording delivered; a newer
 * one moves the cursor (and drops delivered ids that started before the bound), one at the same
 * instant joins the cursor's ties, an older one leaves the cursor.
 */
export const MARK_DELIVERED = lua(
  'mark-delivered',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[1])
local ms = tonumber(ARGV[3])
local current = redis.call('HGET', KEYS[2], 'ms')
if not current or ms > tonumber(current) then
  redis.call('HSET', KEYS[2], 'start', ARGV[2], 'ms', ARGV[3], 'ids', ARGV[1])
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[4])
elseif ms == tonumber(current) then
  local ids = redis.call('HGET', KEYS[2], 'ids') or ''
  if not string.find(',' .. ids .. ',', ',' .. ARGV[1] .. ',', 1, true) then
    if ids == '' then ids = ARGV[1] else ids = ids .. ',' .. ARGV[1] end
    redis.call('HSET', KEYS[2], 'ids', ids)
  end
end
return 1
`,
);

/**
 * The import of one exported subscription. KEYS: next id, channel's target index, channel's ids,
 * all ids, active ids. ARGV: prefix, exported id, target key, channel, target JSON, createdBy,
 * createdAt, team, has team, paused reason, paused at, is paused, cursor start, cursor ms,
 * cursor ids, has cursor, then (recording id, start ms) pairs.
 *
 * When the channel already follows the target, the existing subscription is kept and only its
 * cursor (the newer wins; ties are merged) and delivered ids (a union) take the import in.
 * Otherwise it is added, under its exported id when that id is above every id issued here (ids
 * are never reused), else under a new one. Returns {1 = added / 0 = merged, id}.
 */
export const RESTORE = lua(
  'restore',
  `
local prefix = ARGV[1]
local id = redis.call('HGET', KEYS[2], ARGV[3])
if id and redis.call('EXISTS', prefix .. 'sub:' .. id) == 0 then
  redis.call('HDEL', KEYS[2], ARGV[3])
  id = nil
end
local added = 0
if not id then
  added = 1
  local wanted = tonumber(ARGV[2])
  local issued = tonumber(redis.call('GET', KEYS[1]) or '0')
  if wanted > issued then
    redis.call('SET', KEYS[1], ARGV[2])
    id = ARGV[2]
  else
    id = tostring(redis.call('INCR', KEYS[1]))
  end
  local key = prefix .. 'sub:' .. id
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
end
local key = prefix .. 'sub:' .. id
if ARGV[16] == '1' then
  local cursor = key .. ':cursor'
  local current = redis.call('HGET', cursor, 'ms')
  local ms = tonumber(ARGV[14])
  if not current or ms > tonumber(current) then
    redis.call('HSET', cursor, 'start', ARGV[13], 'ms', ARGV[14], 'ids', ARGV[15])
  elseif ms == tonumber(current) then
    local ids = redis.call('HGET', cursor, 'ids') or ''
    for recording in string.gmatch(ARGV[15], '[^,]+') do
      if not string.find(',' .. ids .. ',', ',' .. recording .. ',', 1, true) then
        if ids == '' then ids = recording else ids = ids .. ',' .. recording end
      end
    end
    redis.call('HSET', cursor, 'ids', ids)
  end
end
for i = 17, #ARGV, 2 do
  redis.call('ZADD', key .. ':delivered', 'NX', ARGV[i + 1], ARGV[i])
end
return {added, id}
`,
);
