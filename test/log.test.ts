import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';

function capture() {
  const lines: string[] = [];
  const logger = createLogger({
    level: 'debug',
    secrets: ['s3cret-api-key', 'signing-secret-xyz'],
    write: (line) => lines.push(line),
    now: () => new Date('2026-11-28T00:00:00Z'),
  });
  return { logger, lines };
}

describe('the structured logger', () => {
  it('writes one JSON line per event with the bound fields', () => {
    const { logger, lines } = capture();
    logger.child({ requestId: 'abc' }).info('audit', { user: 'U1', results: 2 });
    expect(JSON.parse(lines[0] as string)).toEqual({
      time: '2026-11-28T00:00:00.000Z',
      level: 'info',
      event: 'audit',
      requestId: 'abc',
      user: 'U1',
      results: 2,
    });
  });

  it('never writes a secret, a token, a JWT or a whole phone number, wherever it hides', () => {
    const { logger, lines } = capture();
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    logger.error('focus.failed', {
      error: new Error(`auth with s3cret-api-key failed: Bearer ${jwt}`),
      nested: { deeper: ['xoxb-123-456-abcdef', 'xapp-1-A1-2-abc', 'signing-secret-xyz'] },
      phone: 'called +44 7700 900123 from 020 7946 0958',
    });
    const line = lines[0] as string;
    for (const leak of [
      's3cret-api-key',
      jwt,
      'xoxb-123',
      'xapp-1',
      'signing-secret-xyz',
      '900123',
      '9460958',
    ])
      expect(line).not.toContain(leak);
    expect(line).toContain('[redacted]');
    expect(line).toContain('•••123');
    expect(line).toContain('•••958');
  });

  it('leaves ids, enums and dates alone', () => {
    const { logger, lines } = capture();
    logger.info('audit', { team: 'T1', channel: 'C0123ABC', outcome: 'failed:timeout', at: '2026-11-28' });
    expect(lines[0]).toContain('"channel":"C0123ABC","outcome":"failed:timeout","at":"2026-11-28"');
  });

  it('drops levels below the configured one', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', write: (l) => lines.push(l) });
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((l) => JSON.parse(l).event)).toEqual(['loud']);
  });
});
