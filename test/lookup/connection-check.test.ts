/**
 * The sign-in check before a connection entered in the App Home is saved, against a real Focus
 * simulator over HTTP: in production a host name that resolves to this machine's or a private
 * network is refused before anything is sent to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../src/domain/connection-admin.js';
import { silentLogger } from '../../src/domain/logger.js';
import { checkConnection } from '../../src/lookup/connection-check.js';
import { startSimulator } from '../helpers/focus.js';

let sim: Awaited<ReturnType<typeof startSimulator>>;

beforeAll(async () => {
  sim = await startSimulator();
});

afterAll(async () => {
  await sim?.close();
});

describe('checkConnection', () => {
  it('signs in to a Focus that takes the credentials', async () => {
    expect(await checkConnection({ baseUrl: sim.url, credentials: sim.credentials }, silentLogger)).toEqual({
      ok: true,
    });
  });

  it('refuses a host name that resolves to this machine before asking it anything (production)', async () => {
    const port = new URL(sim.url).port;
    const calls = sim.stats().total;
    const local = { baseUrl: `http://localhost:${port}`, credentials: sim.credentials };
    const check = await checkConnection(local, silentLogger, 2_000, { refusePrivate: true });
    expect(check).toMatchObject({ ok: false, problem: 'private' });
    expect(sim.stats().total).toBe(calls);
    // The same address outside production (a local simulator, the tests) is asked.
    await checkConnection(local, silentLogger, 2_000);
    expect(sim.stats().total).toBeGreaterThan(calls);
  });

  it('a name that does not resolve is unreachable', async () => {
    const check = await checkConnection(
      { baseUrl: 'https://focus.no-such-host.invalid/api', credentials: sim.credentials },
      silentLogger,
      2_000,
      { refusePrivate: true },
    );
    expect(check).toMatchObject({ ok: false, problem: 'unreachable' });
  });
});

describe('isPrivateAddress', () => {
  it('knows loopback, private, link-local and unspecified addresses, bracketed or not', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0'])
      expect(isPrivateAddress(a)).toBe(true);
    for (const a of ['::1', '[::1]', 'fd00::1', 'fe80::1', '::', '::ffff:127.0.0.1'])
      expect(isPrivateAddress(a)).toBe(true);
    for (const a of ['8.8.8.8', '172.32.0.1', '2001:4860:4860::8888', '[2606:4700::1111]'])
      expect(isPrivateAddress(a)).toBe(false);
  });
});
