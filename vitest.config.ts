import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // One temporary directory for the run, removed at its end (test/helpers/temp-global.ts), and
    // one redis-server for the whole run (test/helpers/redis.ts); each file uses its own key prefix.
    globalSetup: ['test/helpers/temp-global.ts', 'test/helpers/redis-global.ts'],
  },
});
