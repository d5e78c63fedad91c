/** Phone numbers the benchmark looks up, as a user would type them after `/focus`. */
import type { Dataset } from '../src/sandbox/index.js';

/**
 * Known numbers: phone endpoints with an owner, each number held by one endpoint and each owner
 * used once, so no lookup of the set warms the cache for another (every one is cold).
 */
export function knownNumbers(dataset: Dataset, count: number): string[] {
  const holders = new Map<string, number>();
  for (const e of dataset.endpoints) holders.set(e.endpoint, (holders.get(e.endpoint) ?? 0) + 1);
  const owners = new Set<number>();
  const picked: string[] = [];
  for (const e of dataset.endpoints) {
    if (picked.length >= count) break;
    if (e.type !== 'phone' || !e.personId || holders.get(e.endpoint) !== 1 || owners.has(e.personId))
      continue;
    owners.add(e.personId);
    picked.push(`+${e.endpoint}`);
  }
  return picked;
}

/** `count` distinct valid London numbers from 44 20 7946 0000 up (mostly unknown to Focus), in mixed forms. */
export function londonNumbers(count: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(79_460_000 + offset + i);
    const [a, b] = [n.slice(0, 4), n.slice(4)];
    return i % 2 === 0 ? `+44 20 ${a} ${b}` : `020 ${a} ${b}`;
  });
}

/** `count` distinct Manchester numbers from 44 161 496 0000 up (fictional range, unknown to Focus). */
export function manchesterNumbers(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `+44 161 496 ${String(i).padStart(4, '0')}`);
}
