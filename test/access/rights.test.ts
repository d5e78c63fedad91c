/** FOCUS_RIGHTS: parsing, and which right an asker lacks. */
import { describe, expect, it } from 'vitest';
import { missingRight, rightMissing } from '../../src/access/rights.js';
import { DEFAULT_RIGHTS, parseRights, RIGHT_KINDS } from '../../src/domain/rights.js';

describe('parseRights', () => {
  it('is the defaults when empty', () => {
    expect(parseRights(undefined)).toEqual({ ok: true, map: DEFAULT_RIGHTS });
    expect(parseRights('  ')).toEqual({ ok: true, map: DEFAULT_RIGHTS });
  });

  it('sets named kinds, keeps the others, and reads alternatives and empty entries', () => {
    const parsed = parseRights('recording=Calls.Listen|Admin, retention=RetentionGroup.View, phone=,');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.map.needs.recording).toEqual(['Calls.Listen', 'Admin']);
    expect(parsed.map.needs.retention).toEqual(['RetentionGroup.View']);
    expect(parsed.map.needs.phone).toEqual([]);
    expect(parsed.map.needs.comments).toEqual(['Recording.View']);
  });

  it.each([
    ['calls=Recording.View', 'unknown kind "calls"'],
    ['recording', 'entry 1 needs "="'],
    ['recording=<!channel>', 'not a plain name'],
    ['user=A,user=B', 'names "user" twice'],
    ['x'.repeat(5_000), 'longer than'],
  ])('refuses %s', (text, problem) => {
    const parsed = parseRights(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.join('\n')).toContain(problem);
  });
});

describe('missingRight', () => {
  it('names the first right a kind needs when the user has none of them', () => {
    expect(missingRight(DEFAULT_RIGHTS, 'recording', ['People.View'])).toBe('Recording.View');
    expect(missingRight(DEFAULT_RIGHTS, 'recordings', [])).toBe('Recording.View');
  });

  it('grants a kind to a holder of any of its rights, or of the admin right', () => {
    expect(missingRight(DEFAULT_RIGHTS, 'recording', ['Recording.View'])).toBeUndefined();
    for (const kind of RIGHT_KINDS) expect(missingRight(DEFAULT_RIGHTS, kind, ['Admin'])).toBeUndefined();
  });

  it('asks nothing of kinds that need only a linked user', () => {
    for (const kind of ['phone', 'person', 'user', 'retention'] as const)
      expect(missingRight(DEFAULT_RIGHTS, kind, [])).toBeUndefined();
  });

  it('checks nothing when rights are not required, everything when they are', () => {
    expect(rightMissing({ map: DEFAULT_RIGHTS, required: false }, 'recording', undefined)).toBeUndefined();
    expect(rightMissing({ map: DEFAULT_RIGHTS, required: true }, 'recording', undefined)).toBe(
      'Recording.View',
    );
    expect(
      rightMissing({ map: DEFAULT_RIGHTS, required: true }, 'recording', { rights: ['Admin'] }),
    ).toBeUndefined();
  });
});
