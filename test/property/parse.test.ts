/** The parsers never throw, and always return a well-formed LookupRequest, whatever the text. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makePortalLinks } from '../../src/domain/links.js';
import type { LookupRequest } from '../../src/domain/request.js';
import {
  lookupKey,
  MAX_MESSAGE_LOOKUPS,
  type ParseSettings,
  parseCommand,
  parseMessageText,
} from '../../src/parse/index.js';
import { anyText, slackText } from './slack-text.js';

const ctx: ParseSettings = {
  defaultRegion: 'GB',
  links: makePortalLinks({
    portal: 'https://uk.focus.example',
    recordingTemplate: '{portal}/recordings/{id}',
    personTemplate: '{portal}/people/{id}',
  }),
};
const NUM_RUNS = 300;

/** Every kind of LookupRequest (a new kind fails to compile here until it is listed). */
const KINDS: Record<LookupRequest['kind'], true> = {
  phone: true,
  person: true,
  recording: true,
  user: true,
  comments: true,
  retention: true,
  help: true,
  invalid: true,
};

const positiveId = (n: unknown) => Number.isSafeInteger(n) && (n as number) > 0;
const nonEmpty = (s: unknown) => typeof s === 'string' && s.trim().length > 0;

/** What is wrong with a request's shape (empty = well formed). */
function shapeProblems(r: LookupRequest): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) problems.push(`${r.kind}: ${what} in ${JSON.stringify(r).slice(0, 300)}`);
  };
  need(Object.hasOwn(KINDS, r.kind), 'unknown kind');
  switch (r.kind) {
    case 'phone':
      need(/^[1-9]\d{2,19}$/.test(r.phone.focus), 'focus form is digits with a country code');
      need(r.phone.e164 === `+${r.phone.focus}`, 'e164 is + and the focus form');
      need(nonEmpty(r.phone.display) && typeof r.phone.valid === 'boolean', 'display and valid');
      need(r.page === undefined || positiveId(r.page), 'page');
      break;
    case 'person':
      need('id' in r ? positiveId(r.id) : nonEmpty(r.query), 'an id or a query');
      break;
    case 'recording':
      need(positiveId(r.id), 'id');
      break;
    case 'user':
      need(nonEmpty(r.query), 'query');
      break;
    case 'comments':
      need(positiveId(r.recordingId) && positiveId(r.page), 'recording id and page');
      break;
    case 'help':
      need(['asked', 'empty', 'unknown'].includes(r.reason), 'reason');
      break;
    case 'invalid':
      need(nonEmpty(r.message) && typeof r.input === 'string', 'message and input');
      break;
    case 'retention':
      break;
  }
  return problems;
}

function commandIsWellFormed(text: string): void {
  expect(shapeProblems(parseCommand(text, ctx))).toEqual([]);
}

function messageIsWellFormed(text: string): void {
  const found = parseMessageText(text, ctx);
  expect(Array.isArray(found)).toBe(true);
  expect(found.length).toBeLessThanOrEqual(MAX_MESSAGE_LOOKUPS);
  expect(found.flatMap(shapeProblems)).toEqual([]);
  const keys = found.map(lookupKey);
  expect(new Set(keys).size).toBe(keys.length);
}

describe('parseCommand', () => {
  it('never throws on any Unicode text up to 4 KB, and returns a well-formed request', () => {
    fc.assert(fc.property(anyText, commandIsWellFormed), { numRuns: NUM_RUNS });
  });

  it('never throws on Slack tokens, digits, plus signs and smart quotes mixed', () => {
    fc.assert(fc.property(slackText, commandIsWellFormed), { numRuns: NUM_RUNS });
  });

  it('never throws after a keyword, whatever follows it', () => {
    const keyword = fc.constantFrom('help', 'phone', 'person', 'recording', 'user', 'comments', 'retention');
    fc.assert(
      fc.property(keyword, fc.oneof(slackText, anyText), (k, rest) => commandIsWellFormed(`${k} ${rest}`)),
      { numRuns: NUM_RUNS },
    );
  });

  it('reads a UK number in the common written forms as the same Focus number', () => {
    const forms = [
      (n: string) => `+44 20 ${n.slice(0, 4)} ${n.slice(4)}`,
      (n: string) => `020 ${n.slice(0, 4)} ${n.slice(4)}`,
      (n: string) => `0044 20${n}`,
      (n: string) => `+44 (0)20 ${n.slice(0, 4)}-${n.slice(4)}`,
      (n: string) => `<tel:+4420${n}|020 ${n.slice(0, 4)} ${n.slice(4)}>`,
      (n: string) => `“+44 20 ${n}”`,
      (n: string) => `phone +44-20-${n.slice(0, 4)}-${n.slice(4)}`,
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999 }), fc.constantFrom(...forms), (i, form) => {
        const n = `7946${String(i).padStart(4, '0')}`;
        const r = parseCommand(form(n), ctx);
        expect(r.kind === 'phone' ? r.phone.focus : r).toBe(`4420${n}`);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('parseMessageText', () => {
  it('never throws on any Unicode text up to 4 KB; at most 10 distinct well-formed lookups', () => {
    fc.assert(fc.property(anyText, messageIsWellFormed), { numRuns: NUM_RUNS });
  });

  it('never throws on Slack tokens, digits, plus signs and smart quotes mixed', () => {
    fc.assert(fc.property(slackText, messageIsWellFormed), { numRuns: NUM_RUNS });
  });
});
