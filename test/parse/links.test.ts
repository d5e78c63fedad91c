import { describe, expect, it } from 'vitest';
import { makePortalLinks } from '../../src/domain/links.js';
import { links, PORTAL } from './fixtures.js';

describe('makePortalLinks (default templates)', () => {
  it('builds recording and person links', () => {
    expect(links.recordingUrl(123)).toBe(`${PORTAL}/recordings/123`);
    expect(links.personUrl(7)).toBe(`${PORTAL}/people/7`);
    expect(links.host).toBe('uk.focus.subphonic.ai');
  });

  it('round-trips what it builds', () => {
    for (const id of [1, 42, 987654321, Number.MAX_SAFE_INTEGER]) {
      expect(links.match(links.recordingUrl(id))).toEqual({ kind: 'recording', id });
      expect(links.match(links.personUrl(id))).toEqual({ kind: 'person', id });
    }
  });

  it.each([
    [`${PORTAL}/recordings/5/`, { kind: 'recording', id: 5 }],
    [`${PORTAL}/recordings/5?tab=comments`, { kind: 'recording', id: 5 }],
    [`${PORTAL}/recordings/5/?a=1&b=2`, { kind: 'recording', id: 5 }],
    [`${PORTAL}/recordings/5#comment-3`, { kind: 'recording', id: 5 }],
    ['http://uk.focus.subphonic.ai/recordings/5', { kind: 'recording', id: 5 }],
    ['HTTPS://UK.FOCUS.SUBPHONIC.AI/people/8', { kind: 'person', id: 8 }],
    [`  ${PORTAL}/people/8  `, { kind: 'person', id: 8 }],
  ])('matches %s', (url, expected) => {
    expect(links.match(url)).toEqual(expected);
  });

  it.each([
    'https://evil.example.com/recordings/5',
    'https://uk.focus.subphonic.ai.evil.com/recordings/5',
    'https://ukXfocus.subphonic.ai/recordings/5',
    `${PORTAL}/recordings/`,
    `${PORTAL}/recordings/abc`,
    `${PORTAL}/recordings/5abc`,
    `${PORTAL}/recordings/5/edit`,
    `${PORTAL}/recordings/0`,
    `${PORTAL}/recordings/99999999999999999999`,
    `${PORTAL}/other/5`,
    `ftp://uk.focus.subphonic.ai/recordings/5`,
    'not a url',
    '',
  ])('does not match %j', (url) => {
    expect(links.match(url)).toBeNull();
  });
});

describe('makePortalLinks (custom templates)', () => {
  const custom = makePortalLinks({
    portal: 'https://portal.example.com/app/',
    recordingTemplate: '{portal}/#/calls/{id}/view',
    personTemplate: '{portal}/contact?id={id}',
  });

  it('builds from the templates, with the portal trailing slash dropped', () => {
    expect(custom.recordingUrl(9)).toBe('https://portal.example.com/app/#/calls/9/view');
    expect(custom.personUrl(3)).toBe('https://portal.example.com/app/contact?id=3');
    expect(custom.host).toBe('portal.example.com');
  });

  it('matches with the same template, regex specials escaped', () => {
    expect(custom.match('https://portal.example.com/app/#/calls/9/view/')).toEqual({
      kind: 'recording',
      id: 9,
    });
    expect(custom.match('https://portal.example.com/app/contact?id=3&tab=x')).toEqual({
      kind: 'person',
      id: 3,
    });
    expect(custom.match('https://portal.example.com/app/contactXid=3')).toBeNull();
    expect(custom.match('https://portal.example.com/app/#/calls/9')).toBeNull();
  });

  it('rejects a template without exactly one {id}', () => {
    expect(() =>
      makePortalLinks({ portal: PORTAL, recordingTemplate: '{portal}/r', personTemplate: '{portal}/p/{id}' }),
    ).toThrow(/exactly one \{id\}/);
  });

  it('rejects a portal that is not a URL', () => {
    expect(() =>
      makePortalLinks({
        portal: 'not a url',
        recordingTemplate: '{portal}/{id}',
        personTemplate: '{portal}/p/{id}',
      }),
    ).toThrow(/not a valid URL/);
  });
});
