/** Slack's channel and app lifecycle events end to end (`lifecycle.ts`), with state in a SQLite file. */
import { describeLifecycle } from './lifecycle.js';

// Each harness makes a SQLite file of its own (the gate test names one for its two apps).
describeLifecycle({ name: 'SQLite', place: () => ({ env: {}, remove: async () => {} }) });
