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

/**
 * `count` distinct valid London numbers (020 7946 0000 up, or 020 8123 0000 up) that Focus does
 * not know, alternately written internationally and nationally.
 */
export function unknownLondonNumbers(dataset: Dataset, count: number, exchange: '7946' | '8123'): string[] {
  const known = new Set(dataset.endpoints.map((e) => e.endpoint));
  const numbers: string[] = [];
  for (let n = Number(`4420${exchange}0000`); numbers.length < count; n++) {
    if (known.has(String(n))) continue;
    const local = String(n).slice(4);
    const [a, b] = [local.slice(0, 4), local.slice(4)];
    numbers.push(numbers.length % 2 === 0 ? `+44 20 ${a} ${b}` : `020 ${a} ${b}`);
  }
  return numbers;
}
