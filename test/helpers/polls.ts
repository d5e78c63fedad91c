/**
 * Waiting on the subscriptions poller of an in-process app by the polls it has finished (its
 * /metrics counter) rather than for a fixed time: a test that shows nothing was posted waits for
 * the polls that would have posted it, however slow the machine is.
 */
import type { Harness } from './harness.js';

type PollResult = 'ok' | 'failed';

/** Polls the app's poller has finished with `result` (any result by default). */
export async function pollsFinished(h: Pick<Harness, 'app'>, result?: PollResult): Promise<number> {
  const metric = h.app.metrics.registry.getSingleMetric('focus_slack_subscription_polls_total');
  const values = (await metric?.get())?.values ?? [];
  return values.filter((v) => !result || v.labels.result === result).reduce((sum, v) => sum + v.value, 0);
}

/** Resolves once `n` more polls (with `result`, if given) have finished than at this call. */
export async function pollsLater(
  h: Pick<Harness, 'app'>,
  n: number,
  result?: PollResult,
  timeoutMs = 15_000,
): Promise<void> {
  const from = await pollsFinished(h, result);
  const deadline = Date.now() + timeoutMs;
  while ((await pollsFinished(h, result)) < from + n) {
    if (Date.now() > deadline)
      throw new Error(`fewer than ${n} polls (${result ?? 'any'}) in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Resolves once three polls have finished after this call: the first may have begun before it;
 * the second saw everything Focus held at this call and queued its posts; the third starts a
 * poll interval after the second started (at once if the second took longer) and ends after a
 * whole poll's Focus and store calls, by when the second's posts have gone out.
 */
export const twoPollsLater = (h: Pick<Harness, 'app'>): Promise<void> => pollsLater(h, 3);
