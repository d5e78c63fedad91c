/**
 * KEYS: all ids. ARGV: prefix, team, has team ('1'/'0'). Returns how many subscriptions belong to
 * that workspace (none: those stored without one). O(subscriptions): they are few (a workspace
 * holds at most `SUBSCRIPTION_LIMITS.perWorkspace`), and only `/focus subscribe` and import ask.
 */
import { lua } from './redis-connection.js';

export const COUNT_TEAM = lua(
  'count-team',
  `
local n = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local team = redis.call('HGET', ARGV[1] .. 'sub:' .. id, 'team')
  if (ARGV[3] == '1' and team == ARGV[2]) or (ARGV[3] == '0' and not team) then n = n + 1 end
end
return n
`,
);
