/**
 * A hostile Focus (a real HTTP server on 127.0.0.1 that authenticates, then answers too much):
 * bodies and lists are capped, and a lookup on a number with thousands of owners stays bounded.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/domain/logger.js';
import { FocusCache } from '../../src/focus/cache.js';
import { FocusClient } from '../../src/focus/client.js';
import { MAX_OWNER_DETAILS } from '../../src/lookup/phone.js';
import { LookupService } from '../../src/lookup/service.js';
import { parsePhone } from '../../src/parse/index.js';
import { focusFailure } from '../helpers/focus.js';

const OWNERS = 5_000;
const jwt = `h.${Buffer.from(JSON.stringify({ iat: 1, exp: 4_000_000_000 })).toString('base64url')}.s`;
const peopleGetSizes: number[] = [];

/** Answers by path; bodies as huge as the test needs. */
function hostileFocus(): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const send = (json: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      const path = req.url ?? '';
      if (path.startsWith('/api/authWith')) return send({ token: jwt, refreshToken: jwt });
      if (path === '/api/admin/retentionGroup') {
        // 20 MB, streamed without a content-length.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('[');
        for (let i = 0; i < 20; i++) res.write(`${'{"id":1,"name":"x"},'.repeat(50_000)}`);
        return res.end('{"id":2,"name":"y"}]');
      }
      if (path === '/api/client/user/search')
        return send(Array.from({ length: 20_000 }, (_, i) => ({ id: i, username: `u${i}` })));
      if (path === '/api/client/people/endpoint/search')
        return send(
          Array.from({ length: OWNERS }, (_, i) => ({
            id: i + 1,
            endpoint: '447700900461',
            type: 'phone',
            personId: i + 1,
            person: { id: i + 1, fullName: `Owner ${i + 1}` },
          })),
        );
      if (path === '/api/client/people.get') {
        const ids = JSON.parse(body) as number[];
        peopleGetSizes.push(ids.length);
        return send(ids.map((id) => ({ id, fullName: `Detailed ${id}` })));
      }
      if (path === '/api/client/recording.search')
        return send({ recordings: [], total: 0, page: 1, pageSize: 5 });
      res.writeHead(404);
      res.end();
    });
  });
}

let server: Server;
let client: FocusClient;
beforeAll(async () => {
  server = hostileFocus();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new FocusClient({
    baseUrl: `http://127.0.0.1:${port}/api`,
    credentials: { clientId: 1, apiKey: 'k', username: 'u' },
    logger: silentLogger,
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
  });
});
afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('answers too large to trust', () => {
  it('stops reading a 20 MB answer at the cap: bad_response', async () => {
    const error = await focusFailure(client.retentionGroups());
    expect(error.code).toBe('bad_response');
    expect(error.message).toContain('larger than');
  });

  it('refuses a list longer than any real page: bad_response naming the limit', async () => {
    const error = await focusFailure(client.searchUsers({}));
    expect(error.code).toBe('bad_response');
    expect(error.message).toMatch(/10000/);
  });

  it('answers a number with 5,000 owners: every owner counted, details fetched for the first 20', async () => {
    const lookups = new LookupService({
      cache: new FocusCache(client),
      logger: silentLogger,
      deadlineMs: 5_000,
    });
    const phone = parsePhone('+44 7700 900461', 'GB');
    if (!phone) throw new Error('fixture number did not parse');
    const outcome = await lookups.run({ kind: 'phone', phone }, { requestId: 'limits' });
    expect(outcome.status).toBe('found');
    if (outcome.status !== 'found' || outcome.result.kind !== 'phone') return;
    expect(outcome.result.owners).toHaveLength(OWNERS);
    expect(outcome.result.owners[0]?.fullName).toBe('Detailed 1');
    expect(outcome.result.owners[OWNERS - 1]?.fullName).toBe(`Owner ${OWNERS}`);
    expect(peopleGetSizes).toEqual([MAX_OWNER_DETAILS]);
  });
});
