/**
 * The subscription limits at `/focus subscribe`, through the service over a real SQLite file and
 * the Focus simulator over HTTP: 2,000 subscribes at once in one channel add exactly 50, the rest
 * get a friendly refusal; a workspace stops at 1,000; subscribing again to what a full channel
 * follows is not refused; a number with 5,000 owners is subscribed, saying it follows 20.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/domain/logger.js';
import { SUBSCRIPTION_LIMITS } from '../../src/domain/subscription-limits.js';
import { FocusCache } from '../../src/focus/cache.js';
import { generateDataset, type WireEndpoint } from '../../src/sandbox/index.js';
import { openSqliteState, type SqliteState } from '../../src/state/sqlite.js';
import { EndpointResolver } from '../../src/subscriptions/endpoints.js';
import { SubscriptionService } from '../../src/subscriptions/service.js';
import { clientFor, startSimulator } from '../helpers/focus.js';
import { tempStatePath } from '../helpers/state.js';

const SWITCHBOARD = '442079460001';

let sim: Awaited<ReturnType<typeof startSimulator>>;
let client: ReturnType<typeof clientFor>;
let state: ReturnType<typeof tempStatePath>;
let store: SqliteState;
let service: SubscriptionService;

beforeAll(async () => {
  const base = generateDataset({});
  const endpoints: WireEndpoint[] = Array.from({ length: 5_000 }, (_, i) => ({
    id: 700_000 + i,
    endpoint: SWITCHBOARD,
    type: 'phone',
    personId: 600_000 + i,
    person: { id: 600_000 + i, fullName: `Desk ${i}`, personType: 'subscriber' },
  }));
  sim = await startSimulator({ dataset: { ...base, endpoints: [...base.endpoints, ...endpoints] } });
  client = clientFor(sim);
});
afterAll(async () => {
  await client?.close();
  await sim?.close();
});
beforeEach(() => {
  state = tempStatePath();
  store = openSqliteState(state.path);
  service = new SubscriptionService({
    store,
    cache: new FocusCache(client),
    endpoints: new EndpointResolver({
      sources: {
        ofNumber: async (phone) =>
          (await client.searchEndpoints({ type: 'phone', value: phone, pageSize: 1_000 })).items,
        ofPerson: async () => [],
      },
      ttlMs: 60_000,
      logger: silentLogger,
    }),
    logger: silentLogger,
  });
});
afterEach(async () => {
  await store.close();
  state.remove();
});

const phone = (i: number) => {
  const digits = `4477009${String(i).padStart(5, '0')}`;
  return { kind: 'phone', phone: digits, display: `+${digits}` } as const;
};
const where = (channel: string, team = 'T1') => ({ channel, team, user: 'U1' });

describe('limits at /focus subscribe', () => {
  it('2,000 subscribes at once in one channel: 50 added, the rest refused saying why and what to do', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 2_000 }, (_, i) => service.subscribe(phone(i), where('CFULL'), silentLogger)),
    );
    const added = outcomes.filter((o) => o.status === 'subscribed');
    const refused = outcomes.filter((o) => o.status === 'refused');
    expect(added).toHaveLength(SUBSCRIPTION_LIMITS.perChannel);
    expect(refused).toHaveLength(2_000 - SUBSCRIPTION_LIMITS.perChannel);
    expect(refused[0]).toMatchObject({
      message: expect.stringContaining('the most one channel can (50). Stop one first'),
    });
    expect(await store.list('CFULL')).toHaveLength(50);
    // What the full channel already follows is not refused: it changes nothing.
    const again = await service.subscribe(phone(0), where('CFULL'), silentLogger);
    expect(again.status).toBe('already');
  });

  it('a workspace stops at 1,000 over its channels; another workspace is not affected', async () => {
    for (let c = 0; c < 20; c++)
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          service.subscribe(phone(c * 50 + i), where(`C${c}`), silentLogger),
        ),
      );
    expect(await store.countTeam('T1')).toBe(1_000);
    const over = await service.subscribe(phone(9_999), where('C20'), silentLogger);
    expect(over).toMatchObject({
      status: 'refused',
      message: expect.stringContaining('This workspace already has 1000 subscriptions'),
    });
    const other = await service.subscribe(phone(9_999), where('C20', 'T2'), silentLogger);
    expect(other.status).toBe('subscribed');
  });

  it('a number Focus lists for 5,000 people: subscribed, and the answer says it follows 20 of them', async () => {
    const outcome = await service.subscribe(
      { kind: 'phone', phone: SWITCHBOARD, display: '+44 20 7946 0001' },
      where('CDESK'),
      silentLogger,
    );
    expect(outcome).toMatchObject({
      status: 'subscribed',
      note: 'Focus lists this number for at least 1,000 people; a subscription follows at most 20 of them (the first 20 by Focus endpoint id), so recordings of the others are not posted.',
    });
  });
});
