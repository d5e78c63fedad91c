/** The measurements, each one phase against one driver; phases never overlap. */
import type { Sent, SlackDriver } from './slack-driver.js';

const isNumber = (x: number) => !Number.isNaN(x);

/** One lookup at a time: request-to-card times (NaN for a card that never came). */
export async function sequentialCards(driver: SlackDriver, texts: readonly string[]): Promise<number[]> {
  const times: number[] = [];
  for (const text of texts) times.push((await driver.lookup(text)).cardMs);
  return times;
}

/** Runs every text with `inFlight` lookups at a time, each waiting for its card; `onDone` sees the count. */
export async function runPool(
  driver: SlackDriver,
  texts: readonly string[],
  inFlight: number,
  onDone?: (done: number) => void,
): Promise<{ failed: number }> {
  let next = 0;
  let done = 0;
  let failed = 0;
  const worker = async () => {
    while (next < texts.length) {
      const text = texts[next++] as string;
      const { cardMs } = await driver.lookup(text, 30_000);
      if (!isNumber(cardMs)) failed++;
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, texts.length) }, worker));
  return { failed };
}

export interface BurstResult {
  sent: Sent[];
  /** Every ack a 200 within `limitMs`. */
  allAckedWithin(limitMs: number): boolean;
  cardsMissing: number;
}

/**
 * Fires every text at once on already-open connections and times the acks; then waits for all
 * the cards (untimed) so the next phase starts quiet.
 */
export async function burst(driver: SlackDriver, texts: readonly string[]): Promise<BurstResult> {
  await driver.openConnections(texts.length);
  const prepared = texts.map((t) => driver.prepare(t, 60_000));
  const sent = await Promise.all(prepared.map((p) => driver.send(p)));
  const cards = await Promise.allSettled(prepared.map((p) => p.arrived));
  return {
    sent,
    allAckedWithin: (limitMs) => sent.every((s) => s.status === 200 && s.ackMs <= limitMs),
    cardsMissing: cards.filter((c) => c.status === 'rejected').length,
  };
}

/** `inFlight` loops of lookups for `seconds`; a lookup counts when its card arrived in the window. */
export async function throughput(
  driver: SlackDriver,
  texts: readonly string[],
  inFlight: number,
  seconds: number,
): Promise<number> {
  const start = performance.now();
  const end = start + seconds * 1_000;
  let next = 0;
  let count = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const text = texts[next++ % texts.length] as string;
      const p = driver.prepare(text, 30_000);
      await driver.send(p);
      const at = await p.arrived.catch(() => Number.NaN);
      if (at <= end) count++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return count / seconds;
}

/** The largest of `sizes` whose every ack came within `limitMs` (0 if none); stops at the first failure. */
export async function maxBurst(
  driver: SlackDriver,
  sizes: readonly number[],
  texts: readonly string[],
  limitMs: number,
  before: () => Promise<void>,
  log: (line: string) => void,
): Promise<number> {
  let best = 0;
  for (const size of sizes) {
    await before();
    const batch = Array.from({ length: size }, (_, i) => texts[i % texts.length] as string);
    const result = await burst(driver, batch);
    const acks = result.sent.map((s) => s.ackMs);
    const ok = result.allAckedWithin(limitMs);
    log(
      `    burst ${size}: slowest ack ${Math.round(Math.max(...acks))} ms, non-200 ${result.sent.filter((s) => s.status !== 200).length}, cards missing ${result.cardsMissing} -> ${ok ? 'ok' : 'FAIL'}`,
    );
    if (!ok) break;
    best = size;
  }
  return best;
}
