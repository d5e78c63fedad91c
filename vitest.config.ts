import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // One redis-server for the whole run (test/helpers/redis.ts); each file uses its own key prefix.
    globalSetup: ['test/helpers/redis-global.ts'],
  },
});
