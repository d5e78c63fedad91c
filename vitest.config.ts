import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Most end-to-end files wait on polls, timers and other processes rather than the CPU: four
    // files at once on this 2-core machine ran the suite in 144 s instead of 447 s (vitest's
    // default here is one worker), every test passing.
    maxWorkers: 4,
    // One temporary directory for the run, removed at its end (test/helpers/temp-global.ts), and
    // one redis-server for the whole run (test/helpers/redis.ts); each file uses its own key prefix.
    globalSetup: ['test/helpers/temp-global.ts', 'test/helpers/redis-global.ts'],
  },
});
