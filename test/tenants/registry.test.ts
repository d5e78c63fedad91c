/**
 * The tenant registry against two real Focus simulators over HTTP whose recording ids are the
 * same and whose contents differ (two data seeds): each key answers from its own tenant, a first
 * use shared by many builds once, an idle stack is released and closed, a stack in use is closed
 * only after its work ends, and an invalidated key reads its connection again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { FocusConnection } from '../../src/domain/tenant.js';
import { generateDataset } from '../../src/sandbox/index.js';
import { TenantRegistry, type TenantRegistryOptions } from '../../src/tenants/registry.js';
import { buildTenantStack, type TenantStack } from '../../src/tenants/stack.js';
import { sharedDataset, startSimulator } from '../helpers/focus.js';

type Sim = Awaited<ReturnType<typeof startSimulator>>;

const loaded = loadConfig({ FOCUS_TIMEOUT_MS: '5000' });
if (!loaded.ok) throw new Error(loaded.problems.join('; '));
const settings = loaded.config;

let simA: Sim;
let simB: Sim;
const datasetB = generateDataset({ seed: 7 });
/** Recording ids both tenants have, with different contents in each. */
let ids: number[] = [];

const connection = (sim: Sim): FocusConnection => ({ baseUrl: sim.url, credentials: sim.credentials });
const fingerprint = (r: { start: string; durationSeconds?: number | undefined }) =>
  `${Date.parse(r.start)}/${r.durationSeconds ?? 0}`;

beforeAll(async () => {
  simA = await startSimulator();
  simB = await startSimulator({ dataset: datasetB });
  const b = new Map(datasetB.recordings.map((r) => [r.interactionId, r]));
  ids = sharedDataset()
    .recordings.filter((r) => {
      const other = b.get(r.interactionId);
      return (
        other !== undefined &&
        (Date.parse(other.startDatetimeUTC) !== Date.parse(r.startDatetimeUTC) ||
          other.durationSeconds !== r.durationSeconds)
      );
    })
    .slice(0, 12)
    .map((r) => r.interactionId as number);
  expect(ids.length).toBe(12);
});

afterAll(async () => {
  await simA?.close();
  await simB?.close();
});

/** A registry over `connections`, counting builds and closes per key. */
function registryOver(
  connections: Map<string, FocusConnection>,
  options: Partial<TenantRegistryOptions> = {},
) {
  const built: string[] = [];
  const closed: string[] = [];
  const registry = new TenantRegistry({
    connectionOf: async (key) => connections.get(key),
    build: (conn, key) => {
      built.push(key);
      const stack = buildTenantStack({
        connection: conn,
        settings,
        portalUrl: undefined,
        logger: silentLogger,
      });
      return {
        ...stack,
        close: async () => {
          closed.push(key);
          await stack.close();
        },
      } satisfies TenantStack;
    },
    idleMs: 60_000,
    max: 100,
    logger: silentLogger,
    ...options,
  });
  return { registry, built, closed };
}

/** Which tenant's data the stack answered with for a recording: 'A', 'B' or 'neither'. */
async function whose(stack: TenantStack, id: number): Promise<'A' | 'B' | 'neither'> {
  const page = await stack.cache.searchRecordings({ recordingIds: [id], pageSize: 1 });
  const got = page.items.find((r) => r.id === id);
  const a = sharedDataset().recordings.find((r) => r.interactionId === id);
  const b = datasetB.recordings.find((r) => r.interactionId === id);
  if (!got || !a || !b) return 'neither';
  const print = fingerprint(got);
  if (print === fingerprint({ start: a.startDatetimeUTC, durationSeconds: a.durationSeconds })) return 'A';
  if (print === fingerprint({ start: b.startDatetimeUTC, durationSeconds: b.durationSeconds })) return 'B';
  return 'neither';
}

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('TenantRegistry', () => {
  it('answers each key from its own tenant: the same recording ids, no cross answers', async () => {
    const { registry } = registryOver(
      new Map([
        ['T_A', connection(simA)],
        ['E_B', connection(simB)],
      ]),
    );
    try {
      const answers = await Promise.all(
        ids.flatMap((id) =>
          (['T_A', 'E_B'] as const).map(async (key) => {
            const lease = await registry.acquire(key);
            if (!lease) throw new Error(`no stack for ${key}`);
            try {
              return { key, tenant: await whose(lease.stack, id) };
            } finally {
              lease.release();
            }
          }),
        ),
      );
      const expected = { T_A: 'A', E_B: 'B' } as const;
      const cross = answers.filter((a) => a.tenant !== expected[a.key]);
      expect(answers).toHaveLength(ids.length * 2);
      expect(cross).toEqual([]);
      expect(registry.size).toBe(2);
      expect(await registry.acquire('T_NOT_CONNECTED')).toBeUndefined();
    } finally {
      await registry.close();
    }
  });

  it('builds one stack for concurrent first uses of a key', async () => {
    const { registry, built } = registryOver(new Map([['T_A', connection(simA)]]));
    try {
      const leases = await Promise.all(Array.from({ length: 20 }, () => registry.acquire('T_A')));
      expect(built).toEqual(['T_A']);
      expect(new Set(leases.map((l) => l?.stack)).size).toBe(1);
      for (const lease of leases) lease?.release();
    } finally {
      await registry.close();
    }
  });

  it('releases an idle stack and closes it; the next use builds a new one', async () => {
    const { registry, built, closed } = registryOver(new Map([['T_A', connection(simA)]]), { idleMs: 150 });
    try {
      const first = await registry.acquire('T_A');
      expect(await whose(first?.stack as TenantStack, ids[0] as number)).toBe('A');
      first?.release();
      await until(() => closed.length === 1, 'the idle stack closed');
      expect(registry.size).toBe(0);
      // Closed for good: its pool takes no more calls.
      await expect(first?.stack.client.retentionGroups()).rejects.toThrow();
      const second = await registry.acquire('T_A');
      expect(second?.stack).not.toBe(first?.stack);
      expect(await whose(second?.stack as TenantStack, ids[0] as number)).toBe('A');
      second?.release();
      expect(built).toEqual(['T_A', 'T_A']);
    } finally {
      await registry.close();
    }
  });

  it('invalidate: work under way finishes on the old stack, the next use reads the new connection', async () => {
    const connections = new Map([['T_A', connection(simA)]]);
    const { registry, built, closed } = registryOver(connections);
    try {
      const held = await registry.acquire('T_A');
      const stack = held?.stack as TenantStack;
      expect(await whose(stack, ids[1] as number)).toBe('A');
      // The workspace connected another tenant (new base URL and credentials).
      connections.set('T_A', connection(simB));
      registry.invalidate('T_A');
      // Retired, not closed: the lookup under way (and any more of its work) still runs.
      expect(closed).toEqual([]);
      expect(await whose(stack, ids[2] as number)).toBe('A');
      const next = await registry.acquire('T_A');
      expect(next?.stack).not.toBe(stack);
      expect(await whose(next?.stack as TenantStack, ids[1] as number)).toBe('B');
      next?.release();
      held?.release();
      await until(() => closed.length === 1, 'the retired stack closed after its work');
      expect(built).toEqual(['T_A', 'T_A']);
    } finally {
      await registry.close();
    }
  });

  it('a key without a connection is not read again for a while, unless invalidated', async () => {
    const connections = new Map<string, FocusConnection>();
    const reads: string[] = [];
    const { registry } = registryOver(connections, {
      connectionOf: async (key) => {
        reads.push(key);
        return connections.get(key);
      },
    });
    try {
      expect(await registry.acquire('TNONE')).toBeUndefined();
      expect(await registry.acquire('TNONE')).toBeUndefined();
      expect(reads).toEqual(['TNONE']);
      // Connected from this replica's Home tab: the next use reads it, and answers.
      connections.set('TNONE', connection(simA));
      registry.invalidate('TNONE');
      const lease = await registry.acquire('TNONE');
      expect(lease).toBeDefined();
      lease?.release();
      expect(reads).toEqual(['TNONE', 'TNONE']);
    } finally {
      await registry.close();
    }
  });
});
