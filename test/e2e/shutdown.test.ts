/**
 * Shutdown with a hanging Focus: every asker still waiting when the grace period ends is told
 * the app is restarting (exactly once), and the stop reports that work was cut short.
 */
import { afterEach, expect, it } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { type Harness, startHarness } from '../helpers/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.slack.close();
  await h?.sim.close();
  h = undefined;
});

it('tells every unfinished asker the app is restarting, once each, and reports the cut', async () => {
  h = await startHarness({ SHUTDOWN_GRACE_MS: '300', FOCUS_TIMEOUT_MS: '20000' });
  expect(h.logLines.join('\n')).toContain('"event":"config.shutdown_grace_short"');
  h.sim.setFaults({ hangMs: 60_000 });
  const asked = await Promise.all(
    Array.from({ length: 30 }, (_, i) => h?.command(`+${FIXTURES.jane.phone}`, { user_id: `U${i}` })),
  );
  for (const a of asked) expect(a?.status).toBe(200);
  const started = performance.now();
  const result = await h.app.stop();
  // After the 300 ms grace, not once the lookups' 20 s deadline (or the minute's hang) is up.
  expect(performance.now() - started).toBeLessThan(10_000);
  expect(result.complete).toBe(false);
  // Each asker has exactly one answer, and it says the app is restarting.
  const paths = h.slack.responses.map((r) => r.path);
  expect(new Set(paths)).toEqual(new Set(asked.map((a) => new URL(a?.responseUrl ?? '').pathname)));
  expect(paths).toHaveLength(30);
  for (const r of h.slack.responses) expect(String(r.body.text)).toContain('restarting');
  expect(h.logLines.join('\n')).toContain('"event":"shutdown.cut_short"');
});

it('reports a complete stop when nothing was under way', async () => {
  h = await startHarness({ SHUTDOWN_GRACE_MS: '300' });
  const result = await h.app.stop();
  expect(result.complete).toBe(true);
});
