import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Each worker a process of its own (the soak test's memory figures are then its own; threads
    // saved little CPU here). Four files at once: most end-to-end files wait on polls, timers
    // and other processes rather than the CPU.
    pool: 'forks',
    maxWorkers: 4,
    // A worker runs file after file importing src/ (Bolt and all) once, not once per file: a
    // quarter less CPU for the run, which is what bounds it on two cores. Safe because no test
    // file leaves state behind: each stops what it starts and removes the process listeners it
    // adds, none mocks a module, and the shared helpers cache only what nobody changes.
    isolate: false,
    // One temporary directory for the run, removed at its end (test/helpers/temp-global.ts), and
    // one redis-server for the whole run (test/helpers/redis.ts); each file uses its own key prefix.
    globalSetup: ['test/helpers/temp-global.ts', 'test/helpers/redis-global.ts'],
  },
});
