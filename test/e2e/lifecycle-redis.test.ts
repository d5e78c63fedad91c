/** Slack's channel and app lifecycle events end to end (`lifecycle.ts`), with state on Redis. */
import { describe } from 'vitest';
import { deletePrefix, sharedRedisUrl, uniquePrefix } from '../helpers/redis.js';
import { describeLifecycle } from './lifecycle.js';

const url = sharedRedisUrl();

describe.skipIf(!url)('on Redis', () => {
  const redisUrl = url as string;
  describeLifecycle({
    name: 'Redis',
    place: () => {
      const prefix = uniquePrefix('lifecycle');
      return {
        env: { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix },
        remove: async () => {
          await deletePrefix(redisUrl, prefix);
        },
      };
    },
  });
});
