/** Test wiring: a real Focus simulator over HTTP on 127.0.0.1, and a client aimed at it. */

import { expect } from 'vitest';
import { silentLogger } from '../../src/domain/logger.js';
import { FocusClient, type FocusClientOptions } from '../../src/focus/client.js';
import { FocusError } from '../../src/focus/errors.js';
import {
  generateDataset,
  type RequestRecord,
  type SimulatorOptions,
  startFocusSimulator,
} from '../../src/sandbox/index.js';

let dataset: ReturnType<typeof generateDataset> | undefined;

/** One generated dataset per worker process (generation takes a few hundred ms); nothing changes it. */
export function sharedDataset() {
  dataset ??= generateDataset({});
  return dataset;
}

export async function startSimulator(options: SimulatorOptions = {}) {
  return startFocusSimulator({ dataset: sharedDataset(), ...options });
}

export function clientFor(
  sim: Awaited<ReturnType<typeof startSimulator>>,
  options: Partial<FocusClientOptions> = {},
): FocusClient {
  return new FocusClient({
    baseUrl: sim.url,
    credentials: sim.credentials,
    logger: silentLogger,
    retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 },
    ...options,
  });
}

/** The FocusError `promise` rejects with (the test fails if it resolves or rejects otherwise). */
export async function focusFailure(promise: Promise<unknown>): Promise<FocusError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FocusError);
  return error as FocusError;
}

/**
 * Resolves with the first request the simulator answered with `status`, polled every 2 ms: a
 * test changes the faults once Focus has answered, not after a guess at how long that takes.
 * Rejects when none came within `timeoutMs`.
 */
export async function firstAnswered(
  sim: Pick<Awaited<ReturnType<typeof startSimulator>>, 'requests'>,
  status: number,
  timeoutMs = 15_000,
): Promise<RequestRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = sim.requests().find((r) => r.status === status);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`the simulator answered no ${status}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
