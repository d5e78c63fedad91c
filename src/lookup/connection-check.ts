/**
 * Before a Focus connection entered in the App Home is saved: does that Focus take these
 * credentials? One authentication (both spellings of the auth path, as the token manager tries
 * them), no retries, within a short deadline: Slack waits at most 3 seconds for the answer to a
 * modal's submission, and a refusal must come back on the form's own fields. Nothing else is
 * asked of that Focus, and the client is closed at once.
 */
import { lookup } from 'node:dns/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isPrivateAddress } from '../domain/connection-admin.js';
import type { Logger } from '../domain/logger.js';
import type { FocusConnection } from '../domain/tenant.js';
import { FocusClient } from '../focus/client.js';
import { FocusError } from '../focus/errors.js';

/** What the check found, in words the form can show (never the key, never Focus's body). */
export type ConnectionCheck =
  | { ok: true }
  | {
      ok: false;
      /** `refused`: Focus answered, and said no to these credentials; the others: it did not answer so. */
      problem: 'refused' | 'unreachable' | 'timeout' | 'not_focus' | 'private';
      message: string;
    };

/** Within Slack's 3 s for a view submission, with room for the rest of the answer. */
export const CHECK_DEADLINE_MS = 2_000;

/**
 * `refusePrivate` (production): a host name that resolves to a private, loopback or link-local
 * address is refused before anything is sent, so a workspace admin cannot make the app sign in to
 * (or probe) a host of the network it runs in. Address literals are refused by the form already.
 */
export async function checkConnection(
  connection: Pick<FocusConnection, 'baseUrl' | 'credentials' | 'authPath'>,
  logger: Logger,
  deadlineMs = CHECK_DEADLINE_MS,
  options: { refusePrivate?: boolean } = {},
): Promise<ConnectionCheck> {
  if (options.refusePrivate) {
    const resolved = await resolvesPrivate(new URL(connection.baseUrl).hostname, deadlineMs);
    if (resolved !== 'public') return resolved === 'private' ? privateNetwork : unreachable;
  }
  const client = new FocusClient({
    baseUrl: connection.baseUrl,
    credentials: connection.credentials,
    ...(connection.authPath && { authPath: connection.authPath }),
    logger,
    maxConcurrency: 1,
    deadlineMs,
    retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
  });
  try {
    await client.authenticate(AbortSignal.timeout(deadlineMs));
    return { ok: true };
  } catch (error) {
    return describe(error, deadlineMs);
  } finally {
    await client.close().catch(() => undefined);
  }
}

function describe(error: unknown, deadlineMs: number): ConnectionCheck {
  if (error instanceof FocusError) {
    if (error.code === 'auth_failed')
      return {
        ok: false,
        problem: 'refused',
        message: `Focus refused these credentials (${error.hint ?? 'HTTP 401'}). Check the client id, username and API key.`,
      };
    if (error.code === 'timeout') return timeout(deadlineMs);
    if (error.code === 'bad_response' || error.code === 'not_found' || error.code === 'forbidden')
      return {
        ok: false,
        problem: 'not_focus',
        message: `This address answered${error.status ? ` HTTP ${error.status}` : ''}, but not as the Focus API does. Check the address (it usually ends in /api).`,
      };
    if (error.status === undefined) return unreachable;
    return {
      ok: false,
      problem: 'unreachable',
      message: `Focus did not answer usefully just now (HTTP ${error.status}). Please try again in a moment.`,
    };
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return timeout(deadlineMs);
  return unreachable;
}

/** Every address the name resolves to, checked; `unresolved` when it does not resolve in time. */
async function resolvesPrivate(
  host: string,
  deadlineMs: number,
): Promise<'public' | 'private' | 'unresolved'> {
  if (isPrivateAddress(host)) return 'private';
  try {
    const addresses = await Promise.race([
      lookup(host.replace(/^\[|\]$/g, ''), { all: true, verbatim: true }),
      sleep(deadlineMs, undefined, { ref: false }).then(() => {
        throw new Error('lookup timed out');
      }),
    ]);
    return addresses.some((a) => isPrivateAddress(a.address)) ? 'private' : 'public';
  } catch {
    return 'unresolved';
  }
}

const privateNetwork: ConnectionCheck = {
  ok: false,
  problem: 'private',
  message: 'This address leads to a private network from here; enter the Focus tenant’s public address.',
};

const unreachable: ConnectionCheck = {
  ok: false,
  problem: 'unreachable',
  message: 'Could not reach this address (no such host, or the connection was refused).',
};

const timeout = (deadlineMs: number): ConnectionCheck => ({
  ok: false,
  problem: 'timeout',
  message: `Focus did not answer within ${deadlineMs / 1000} s. Check the address, or try again in a moment.`,
});
