/**
 * KEYS: all ids. ARGV: prefix, Slack user id. Returns {{id, fields}, ...} of the subscriptions that
 * user made, in id order. O(subscriptions), as `COUNT_TEAM`: a workspace holds at most
 * `SUBSCRIPTION_LIMITS.perWorkspace`, and only the Home tab asks.
 */
import { lua } from './redis-connection.js';

export const CREATED_BY = lua(
  'created-by',
  `
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. 'sub:' .. id
  if redis.call('HGET', key, 'createdBy') == ARGV[2] then out[#out + 1] = {id, redis.call('HGETALL', key)} end
end
return out
`,
);
