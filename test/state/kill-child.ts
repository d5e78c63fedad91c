/**
 * Child process of the SIGKILL test: marks recordings delivered one by one, printing each id
 * once its transaction has returned, until it is killed.
 */
import { openSqliteState } from '../../src/state/sqlite.js';

const file = process.argv[2] as string;
const store = openSqliteState(file);
const { subscription } = await store.add(
  {
    team: 'T1',
    channel: 'C1',
    target: { kind: 'phone', phone: '447700900123', display: 'Jane' },
    createdBy: 'U1',
  },
  new Date(),
);
process.stdout.write(`sub ${subscription.id}\n`);
const base = Date.parse('2026-11-28T09:00:00Z');
for (let i = 1; ; i++) {
  await store.markDelivered(
    subscription.id,
    { id: i, start: new Date(base + i * 1000).toISOString() },
    new Date(),
  );
  await store.claim(`event:${i}`, 3_600_000);
  process.stdout.write(`${i}\n`);
}
