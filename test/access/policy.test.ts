import { describe, expect, it, vi } from 'vitest';
import {
  type AccessDecision,
  AccessPolicy,
  type AccessPolicyOptions,
  type DenyReason,
  denialMessage,
} from '../../src/access/policy.js';
import type { PortalUser } from '../../src/domain/focus.js';

const JANE: PortalUser = { id: 1, username: 'jane', email: 'Jane.Doe@Example.com', rolesAndRights: [] };
const BOB: PortalUser = { id: 2, username: 'bob@example.com', rolesAndRights: [], enabled: true };
const OLD: PortalUser = {
  id: 3,
  username: 'old',
  email: 'old@example.com',
  rolesAndRights: [],
  enabled: false,
};
const EMAILS: Record<string, string> = {
  UJANE: ' jane.doe@example.COM ',
  UBOB: 'BOB@example.com',
  UOLD: 'old@example.com',
  USTRANGER: 'stranger@example.com',
  UPARTIAL: 'doe@example.com',
};

function setup(overrides: Partial<AccessPolicyOptions> = {}) {
  let clock = 1_000;
  const lookupSlackEmail = vi.fn(async (userId: string) => EMAILS[userId]);
  const findPortalUsers = vi.fn(async (search: string) =>
    [JANE, BOB, OLD].filter((u) => `${u.username} ${u.email ?? ''}`.toLowerCase().includes(search)),
  );
  const policy = new AccessPolicy({
    allowedUserIds: [],
    allowedChannelIds: [],
    requireLinkedUser: false,
    lookupSlackEmail,
    findPortalUsers,
    now: () => clock,
    ...overrides,
  });
  const advance = (ms: number) => {
    clock += ms;
  };
  return { policy, lookupSlackEmail, findPortalUsers, advance };
}

const ask = (user: string, channel?: string) => ({ surface: 'command' as const, user, channel });

describe('AccessPolicy: allow lists', () => {
  it('allows everyone everywhere when the lists are empty', async () => {
    const { policy, lookupSlackEmail } = setup();
    expect(await policy.check(ask('UANY', 'CANY'))).toMatchObject({ allowed: true });
    expect(await policy.check(ask('UANY'))).toMatchObject({ allowed: true });
    expect(lookupSlackEmail).not.toHaveBeenCalled();
  });

  it('allows listed users only', async () => {
    const { policy } = setup({ allowedUserIds: ['U1', 'U2'] });
    expect(await policy.check(ask('U2', 'C1'))).toMatchObject({ allowed: true });
    expect(await policy.check(ask('U3', 'C1'))).toEqual({ allowed: false, reason: 'user_not_allowed' });
  });

  it('allows listed channels only, and denies an interaction without a channel', async () => {
    const { policy } = setup({ allowedChannelIds: ['C1', 'D9'] });
    expect(await policy.check(ask('U1', 'C1'))).toMatchObject({ allowed: true });
    expect(await policy.check(ask('U1', 'D9'))).toMatchObject({ allowed: true });
    expect(await policy.check(ask('U1', 'C2'))).toEqual({ allowed: false, reason: 'channel_not_allowed' });
    expect(await policy.check(ask('U1'))).toEqual({ allowed: false, reason: 'channel_not_allowed' });
  });

  it('checks the user before the channel, and both before Focus', async () => {
    const { policy, lookupSlackEmail } = setup({
      allowedUserIds: ['U1'],
      allowedChannelIds: ['C1'],
      requireLinkedUser: true,
    });
    expect(await policy.check(ask('U2', 'C2'))).toEqual({ allowed: false, reason: 'user_not_allowed' });
    expect(await policy.check(ask('U1', 'C2'))).toEqual({ allowed: false, reason: 'channel_not_allowed' });
    expect(lookupSlackEmail).not.toHaveBeenCalled();
  });
});

describe('AccessPolicy: linked Focus user', () => {
  it.each<[string, AccessDecision]>([
    ['UJANE', { allowed: true, linked: { id: 1, username: 'jane', rights: [] } }],
    ['UBOB', { allowed: true, linked: { id: 2, username: 'bob@example.com', rights: [] } }],
    ['UOLD', { allowed: false, reason: 'not_linked' }],
    ['USTRANGER', { allowed: false, reason: 'not_linked' }],
    ['UPARTIAL', { allowed: false, reason: 'not_linked' }],
    ['UNOEMAIL', { allowed: false, reason: 'no_email' }],
  ])('%s -> %o', async (userId, expected) => {
    const { policy, findPortalUsers } = setup({ requireLinkedUser: true });
    expect(await policy.check(ask(userId, 'C1'))).toEqual(expected);
    if (EMAILS[userId]) expect(findPortalUsers).toHaveBeenCalledWith(EMAILS[userId]?.trim().toLowerCase());
    else expect(findPortalUsers).not.toHaveBeenCalled();
  });

  it('caches an allow for 10 minutes', async () => {
    const { policy, lookupSlackEmail, findPortalUsers, advance } = setup({ requireLinkedUser: true });
    for (let i = 0; i < 3; i++)
      expect(await policy.check(ask('UJANE', 'C1'))).toMatchObject({ allowed: true });
    expect(lookupSlackEmail).toHaveBeenCalledTimes(1);
    expect(findPortalUsers).toHaveBeenCalledTimes(1);
    advance(9 * 60_000);
    await policy.check(ask('UJANE', 'C1'));
    expect(lookupSlackEmail).toHaveBeenCalledTimes(1);
    advance(2 * 60_000);
    await policy.check(ask('UJANE', 'C1'));
    expect(lookupSlackEmail).toHaveBeenCalledTimes(2);
  });

  it('caches a denial for 1 minute only', async () => {
    const { policy, lookupSlackEmail, advance } = setup({ requireLinkedUser: true });
    await policy.check(ask('USTRANGER', 'C1'));
    await policy.check(ask('USTRANGER', 'C1'));
    expect(lookupSlackEmail).toHaveBeenCalledTimes(1);
    advance(61_000);
    await policy.check(ask('USTRANGER', 'C1'));
    expect(lookupSlackEmail).toHaveBeenCalledTimes(2);
  });

  it('shares one check between concurrent interactions of the same user', async () => {
    const { policy, lookupSlackEmail } = setup({ requireLinkedUser: true });
    const decisions = await Promise.all([1, 2, 3].map(() => policy.check(ask('UJANE', 'C1'))));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true]);
    expect(lookupSlackEmail).toHaveBeenCalledTimes(1);
  });

  it('denies with check_failed when a lookup fails, logs it, and does not cache the failure', async () => {
    const warn = vi.fn();
    const logger = { debug() {}, info() {}, warn, error() {}, child: () => logger };
    const { policy, findPortalUsers } = setup({ requireLinkedUser: true, logger });
    findPortalUsers.mockRejectedValueOnce(new Error('Focus is down'));
    expect(await policy.check(ask('UJANE', 'C1'))).toEqual({ allowed: false, reason: 'check_failed' });
    expect(warn).toHaveBeenCalledWith('access.check_failed', expect.objectContaining({ user: 'UJANE' }));
    expect(await policy.check(ask('UJANE', 'C1'))).toMatchObject({ allowed: true });
    expect(findPortalUsers).toHaveBeenCalledTimes(2);
  });

  it('denies with check_failed when the Slack profile cannot be read', async () => {
    const { policy } = setup({
      requireLinkedUser: true,
      lookupSlackEmail: async () => {
        throw new Error('missing_scope');
      },
    });
    expect(await policy.check(ask('UJANE', 'C1'))).toEqual({ allowed: false, reason: 'check_failed' });
  });

  it('forget() drops a kept answer', async () => {
    const { policy, lookupSlackEmail } = setup({ requireLinkedUser: true });
    await policy.check(ask('UJANE', 'C1'));
    await policy.forget('UJANE');
    await policy.check(ask('UJANE', 'C1'));
    expect(lookupSlackEmail).toHaveBeenCalledTimes(2);
  });
});

describe('denialMessage', () => {
  const reasons: DenyReason[] = [
    'external_user',
    'user_not_allowed',
    'channel_not_allowed',
    'not_linked',
    'no_email',
    'check_failed',
  ];
  it.each(reasons)('%s has a friendly, mrkdwn-safe explanation', (reason) => {
    const text = denialMessage(reason);
    expect(text.length).toBeGreaterThan(40);
    expect(text).not.toMatch(/[<>&]/);
  });

  it('tells an unlinked user how to get access', () => {
    expect(denialMessage('not_linked')).toMatch(/Focus administrator.*email address.*Focus portal user/);
  });
});

describe('AccessPolicy: external users and rights', () => {
  it('refuses an external (Slack Connect) user before anything else, lists or not', async () => {
    const { policy, lookupSlackEmail } = setup({ requireLinkedUser: true });
    expect(await policy.check({ ...ask('UJANE', 'C1'), external: true })).toEqual({
      allowed: false,
      reason: 'external_user',
    });
    expect(lookupSlackEmail).not.toHaveBeenCalled();
    expect(denialMessage('external_user')).toContain('organisation');
  });

  it('carries the linked portal user with their rights, and keeps them across the cache', async () => {
    const ADMIN: PortalUser = { id: 9, username: 'ada@example.com', rolesAndRights: ['Admin', 7 as never] };
    const { policy, findPortalUsers } = setup({
      requireLinkedUser: true,
      lookupSlackEmail: async () => 'ada@example.com',
      findPortalUsers: vi.fn(async () => [ADMIN]),
    });
    const first = await policy.check(ask('UADA', 'C1'));
    expect(first).toEqual({
      allowed: true,
      linked: { id: 9, username: 'ada@example.com', rights: ['Admin'] },
    });
    expect(await policy.check(ask('UADA', 'C1'))).toEqual(first);
    expect(findPortalUsers).not.toHaveBeenCalled();
    expect(
      policy.missing('recording', { linked: { id: 9, username: 'x', rights: ['Admin'] } }),
    ).toBeUndefined();
    expect(policy.missing('recording', { linked: { id: 9, username: 'x', rights: ['People.View'] } })).toBe(
      'Recording.View',
    );
  });

  it('reads rights only when linked users are required', () => {
    const { policy } = setup();
    expect(policy.missing('recording', {})).toBeUndefined();
  });
});
