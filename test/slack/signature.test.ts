import { describe, expect, it } from 'vitest';
import { signatureMatches } from '../../src/slack/inbound/receiver.js';
import { signSlackRequest } from '../helpers/fake-slack.js';

describe('signatureMatches (Slack v0 signatures)', () => {
  const secret = 'test-signing-secret-0123456789';
  const body = 'token=x&text=%2B44+7700+900123';
  const headers = signSlackRequest(secret, body, 1_700_000_000);
  const signature = headers['x-slack-signature'];
  const stamp = headers['x-slack-request-timestamp'];

  it('accepts the signature Slack computes', () => {
    expect(signatureMatches(secret, stamp, body, signature)).toBe(true);
  });

  it.each([
    ['another secret', 'other-secret', stamp, body, signature],
    ['another timestamp', secret, '1700000001', body, signature],
    ['a changed body', secret, stamp, `${body}&x=1`, signature],
    [
      'one character off',
      secret,
      stamp,
      body,
      `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
    ],
    ['a shorter signature', secret, stamp, body, signature.slice(0, -2)],
    ['no v0= prefix', secret, stamp, body, signature.slice(3)],
  ])('refuses %s', (_name, s, t, b, sig) => {
    expect(signatureMatches(s, t, b, sig)).toBe(false);
  });
});
