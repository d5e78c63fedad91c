import { describe, expect, it } from 'vitest';
import { COMMANDS, parseCommand } from '../../src/parse/index.js';
import { parsePreviewsCommand } from '../../src/parse/previews.js';
import { parseSubscriptionCommand } from '../../src/parse/subscribe.js';
import { GB, invalid, links, PORTAL, phone, US } from './fixtures.js';
import { cpuMs } from './timing.js';

const UK_MOBILE = '447897897897';
const LONDON = '442079460958';
const SF = '14155550100';
const DRAMA = '447700900461';
const NOT_A_PHONE = /doesn’t look like a phone number\. Try \+44 7400 123456 or 07400 123456\./;

const gbCases: Array<[string, unknown]> = [
  // empty, help, unknown
  ['', { kind: 'help', reason: 'empty' }],
  ['   ', { kind: 'help', reason: 'empty' }],
  ['\u00a0\u200b', { kind: 'help', reason: 'empty' }],
  ['help', { kind: 'help', reason: 'asked' }],
  ['HELP', { kind: 'help', reason: 'asked' }],
  ['?', { kind: 'help', reason: 'asked' }],
  ['help phone', { kind: 'help', reason: 'asked' }],
  ['frobnicate the widgets', { kind: 'help', reason: 'unknown', unknown: 'frobnicate' }],
  ['Jane Smith', { kind: 'help', reason: 'unknown', unknown: 'Jane' }],
  ['<!channel>', { kind: 'help', reason: 'empty' }],
  ['<!here> <@U123ABC>', { kind: 'help', reason: 'empty' }],
  ['<@U123ABC> help', { kind: 'help', reason: 'asked' }],
  ['<#C0123|general> retention', { kind: 'retention' }],
  ['42', { kind: 'help', reason: 'unknown', unknown: '42' }],
  ['🙂 hello', { kind: 'help', reason: 'unknown', unknown: '🙂' }],
  // phone numbers, auto-detected
  ['+44 7897 897897', phone(UK_MOBILE)],
  ['07897 897897', phone(UK_MOBILE)],
  ['07897897897', phone(UK_MOBILE)],
  ['447897897897', phone(UK_MOBILE)],
  ['0044 7897 897897', phone(UK_MOBILE)],
  ['+44 (0)20 7946 0958', phone(LONDON)],
  ['020 7946 0958', phone(LONDON)],
  ['020-7946-0958', phone(LONDON)],
  ['07897.897.897', phone(UK_MOBILE)],
  ['07897\u2013897897', phone(UK_MOBILE)],
  ['+44\u00a07897\u00a0897897', phone(UK_MOBILE)],
  ['tel:+447897897897', phone(UK_MOBILE)],
  ['<tel:+447897897897|+44 7897 897897>', phone(UK_MOBILE)],
  ['+44 7897 897897 ext 12', phone(UK_MOBILE)],
  ['+1 415 555 0100', phone(SF)],
  ['+44 7700 900123', phone('447700900123', false)],
  ['447700900123', phone('447700900123', false)],
  ['0044 7700 900123', phone('447700900123', false)],
  // phone numbers, explicit
  ['phone 07897 897897', phone(UK_MOBILE)],
  ['PHONE +44 7897 897897', phone(UK_MOBILE)],
  ['phone: 07897 897897', phone(UK_MOBILE)],
  ['phone <tel:+442079460958|020 7946 0958>', phone(LONDON)],
  ['phone “07897 897897”', phone(UK_MOBILE)],
  ['phone 12ab', invalid(/^“12ab” doesn’t look like a phone number/)],
  ['phone 12ab', invalid(NOT_A_PHONE)],
  ['phone', invalid(/Usage: \/focus phone <number>/)],
  ['phone 1234567890123456789012', invalid(NOT_A_PHONE)],
  ['12345', invalid(NOT_A_PHONE)],
  ['9999999', invalid(NOT_A_PHONE)],
  ['7700 900461', invalid(NOT_A_PHONE)],
  ['(415) 555-0100', invalid(NOT_A_PHONE)],
  // possible but not known to be assigned (drama range, test lines): looked up as written, any form
  ['07700 900461', phone(DRAMA, false)],
  ['07700900461', phone(DRAMA, false)],
  ['(0)7700 900461', phone(DRAMA, false)],
  ['+44 7700 900461', phone(DRAMA, false)],
  ['+44 (0) 7700 900461', phone(DRAMA, false)],
  ['phone 07700 900461', phone(DRAMA, false)],
  ['phone "07700 900461"', phone(DRAMA, false)],
  ['<tel:07700900461|07700 900461>', phone(DRAMA, false)],
  // an @Focus query: the mention text is parsed as a command
  ['<@U0FOCUS> who is 07700 900461?', phone(DRAMA, false)],
  [' who is 07700 900461?', phone(DRAMA, false)],
  ['<@U0FOCUS> who is 020 7946 0958?', phone(LONDON)],
  ['<@U0FOCUS> who is +44 (0) 20 7946 0958?', phone(LONDON)],
  ['<@U0FOCUS> who is (0)20 7946 0958', phone(LONDON)],
  ['<@U0FOCUS> can you check 07700 900461 please', phone(DRAMA, false)],
  ['<@U0FOCUS> who is <tel:07700900461|07700 900461>?', phone(DRAMA, false)],
  ['<@U0FOCUS> who is 7700 900461?', { kind: 'help', reason: 'unknown', unknown: 'who' }],
  // person
  ['person 42', { kind: 'person', id: 42 }],
  ['Person #42', { kind: 'person', id: 42 }],
  ['person jane smith', { kind: 'person', query: 'jane smith' }],
  ['person "Jane Smith"', { kind: 'person', query: 'Jane Smith' }],
  ['person “Jane  Smith”', { kind: 'person', query: 'Jane Smith' }],
  ['person ‘Siobhán O’Brien’', { kind: 'person', query: "Siobhán O'Brien" }],
  ['person jane@x.com', { kind: 'person', query: 'jane@x.com' }],
  ['person <mailto:jane@x.com|jane@x.com>', { kind: 'person', query: 'jane@x.com' }],
  ['jane@x.com', { kind: 'person', query: 'jane@x.com' }],
  [
    '<mailto:Jane.Smith@example.co.uk|Jane.Smith@example.co.uk>',
    { kind: 'person', query: 'Jane.Smith@example.co.uk' },
  ],
  [`person ${PORTAL}/people/7`, { kind: 'person', id: 7 }],
  [`${PORTAL}/people/7/`, { kind: 'person', id: 7 }],
  [`<${PORTAL}/people/7|Jane Smith>`, { kind: 'person', id: 7 }],
  ['person', invalid(/Usage: \/focus person <id \| name \| email>/)],
  ['person 0', invalid(/isn’t a valid person id/)],
  ['person 99999999999999999999', invalid(/isn’t a valid person id/)],
  ['person https://evil.example.com/people/7', invalid(/isn’t a link to a person/)],
  [`person ${PORTAL}/recordings/7`, invalid(/isn’t a link to a person/)],
  [`person ${'a'.repeat(300)}`, invalid(/too long/)],
  // recording
  ['recording 123', { kind: 'recording', id: 123 }],
  ['recording #123', { kind: 'recording', id: 123 }],
  ['RECORDING 123', { kind: 'recording', id: 123 }],
  ['#123', { kind: 'recording', id: 123 }],
  [`${PORTAL}/recordings/123`, { kind: 'recording', id: 123 }],
  [`${PORTAL}/recordings/123/`, { kind: 'recording', id: 123 }],
  [`${PORTAL}/recordings/123?tab=comments#c4`, { kind: 'recording', id: 123 }],
  ['http://UK.Focus.Subphonic.ai/recordings/123', { kind: 'recording', id: 123 }],
  [`<${PORTAL}/recordings/123|that call>`, { kind: 'recording', id: 123 }],
  [`recording <${PORTAL}/recordings/123>`, { kind: 'recording', id: 123 }],
  ['recording', invalid(/Usage: \/focus recording <id>/)],
  ['recording abc', invalid(/isn’t a recording id\. Usage: \/focus recording <id>/)],
  ['recording #0', invalid(/isn’t a valid recording id/)],
  ['#0', invalid(/isn’t a valid recording id/)],
  ['recording 9007199254740993', invalid(/isn’t a valid recording id/)],
  ['recording https://evil.example.com/recordings/123', invalid(/isn’t a recording id/)],
  [
    'https://evil.example.com/recordings/123',
    { kind: 'help', reason: 'unknown', unknown: 'https://evil.example.com/recordings/123' },
  ],
  // user, comments, retention
  ['user alice', { kind: 'user', query: 'alice' }],
  ['user "Alice Jones"', { kind: 'user', query: 'Alice Jones' }],
  ['user alice@example.com', { kind: 'user', query: 'alice@example.com' }],
  ['user', invalid(/Usage: \/focus user <name \| email>/)],
  ['comments 123', { kind: 'comments', recordingId: 123, page: 1 }],
  ['comments #123 2', { kind: 'comments', recordingId: 123, page: 2 }],
  ['Comments 123 page 3', { kind: 'comments', recordingId: 123, page: 3 }],
  [`comments ${PORTAL}/recordings/55 2`, { kind: 'comments', recordingId: 55, page: 2 }],
  ['comments', invalid(/Usage: \/focus comments <recording id> \[page\]/)],
  ['comments 123 0', invalid(/isn’t a page number/)],
  ['comments 123 two', invalid(/isn’t a page number/)],
  ['comments 123 2 3', invalid(/Too many words/)],
  ['comments abc', invalid(/isn’t a recording id/)],
  ['retention', { kind: 'retention' }],
  ['Retention', { kind: 'retention' }],
  // mixed free text
  ['who is <tel:+447897897897|+44 7897 897897>?', phone(UK_MOBILE)],
  ['can you check 07897 897897 please', phone(UK_MOBILE)],
  ['what happened on #456 yesterday', { kind: 'recording', id: 456 }],
  [`look at <${PORTAL}/recordings/9|this> and #10`, { kind: 'recording', id: 9 }],
  ['ask &lt;bob&gt; &amp; co', { kind: 'help', reason: 'unknown', unknown: 'ask' }],
];

const usCases: Array<[string, unknown]> = [
  ['(415) 555-0100', phone(SF)],
  ['415-555-0100', phone(SF)],
  ['415.555.0100', phone(SF)],
  ['1 415 555 0100', phone(SF)],
  ['+1 (415) 555-0100', phone(SF)],
  ['011 44 7897 897897', phone(UK_MOBILE)],
  ['0044 7897 897897', phone(UK_MOBILE)],
  ['447897897897', phone(UK_MOBILE)],
  ['+44 7897 897897', phone(UK_MOBILE)],
  ['+44 7700 900123', phone('447700900123', false)],
  [
    'phone 07897 897897',
    invalid(/doesn’t look like a phone number\. Try \+1 201 555 0123 or \(201\) 555-0123\./),
  ],
  ['555-0100', invalid(/doesn’t look like a phone number/)],
  ['(555) 555-0100', phone('15555550100', false)],
  ['who is (555) 555-0100?', phone('15555550100', false)],
];

describe('parseCommand (default region GB)', () => {
  it.each(gbCases)('%j', (input, expected) => {
    expect(parseCommand(input, GB)).toEqual(expected);
  });
});

describe('parseCommand (default region US)', () => {
  it.each(usCases)('%j', (input, expected) => {
    expect(parseCommand(input, US)).toEqual(expected);
  });
});

describe('national numbers as people type them, wherever a number is asked for', () => {
  const forms: Array<[string, string, boolean]> = [
    ['07700 900461', DRAMA, false],
    ['020 7946 0958', LONDON, true],
    ['(0)20 7946 0958', LONDON, true],
    ['+44 (0) 20 7946 0958', LONDON, true],
  ];
  const asked = [
    (n: string) => n, // `/focus <number>`
    (n: string) => `phone ${n}`,
    (n: string) => `<@U0FOCUS> who is ${n}?`, // `@Focus who is …?`: the mention text
    (n: string) => `who is ${n}?`,
    (n: string) => `<@U0FOCUS> can you check ${n} please`,
  ];
  const rows = forms.flatMap(([n, focus, valid]) => asked.map((ask) => [ask(n), focus, valid] as const));
  it.each(rows)('%j -> %s', (input, focus, valid) => {
    expect(parseCommand(input, GB)).toEqual(phone(focus, valid));
  });
});

describe('parseCommand hostile input', () => {
  const hostile = [
    'x'.repeat(5000),
    '🙂'.repeat(3000),
    '<'.repeat(4096),
    '<tel:'.repeat(1000),
    '1 '.repeat(4000),
    `person ${'"'.repeat(4096)}`,
    '\u0000\u0001\u202e\ud800',
    'recording '.repeat(500),
    '&amp;'.repeat(1000),
  ];
  it.each(hostile.map((h) => [h.slice(0, 20), h]))('never throws: %j…', (_label, input) => {
    const result = parseCommand(input, GB);
    expect(['help', 'invalid', 'phone', 'person', 'recording']).toContain(result.kind);
    expect(JSON.stringify(result).length).toBeLessThan(600);
    // CPU time, which a busy machine does not stretch as it does wall time.
    expect(cpuMs(() => parseCommand(input, GB), 1000)).toBeLessThan(1000);
  });

  it('truncates an echoed unknown word', () => {
    const result = parseCommand('y'.repeat(5000), GB);
    expect(result).toEqual({ kind: 'help', reason: 'unknown', unknown: `${'y'.repeat(39)}…` });
  });
});

describe('COMMANDS grammar table', () => {
  it('covers every documented subcommand once', () => {
    expect(COMMANDS.map((c) => c.name)).toEqual([
      'help',
      'number',
      'phone',
      'person',
      'recording',
      'user',
      'comments',
      'retention',
      'subscribe',
      'subscriptions',
      'unsubscribe',
      'previews',
    ]);
  });

  const SUBSCRIPTION_COMMANDS = new Set(['subscribe', 'subscriptions', 'unsubscribe']);

  const expectedKind: Record<string, string> = { number: 'phone', comments: 'comments' };
  const rows = COMMANDS.flatMap((c) => c.examples.map((e) => [c.name, e] as const));
  it.each(rows)('%s example %j parses to that command', (name, example) => {
    if (name === 'previews') {
      expect(parsePreviewsCommand(example)?.kind).toBe('previews');
      expect(parseCommand(example, GB)).toEqual(invalid(/slash command in that channel/));
      return;
    }
    if (SUBSCRIPTION_COMMANDS.has(name)) {
      expect(parseSubscriptionCommand(example, GB)?.kind).toBe(name);
      // Elsewhere than a slash command (a mention), it says where it works.
      expect(parseCommand(example, GB)).toEqual(invalid(/slash command in that channel/));
      return;
    }
    const result = parseCommand(example, GB);
    expect(result.kind).toBe(expectedKind[name] ?? (name === 'help' ? 'help' : name));
    if (result.kind === 'help') expect(result.reason).toBe('asked');
  });

  const keywords = COMMANDS.flatMap((c) =>
    (c.keywords as readonly string[]).map((k) => [c.name, k] as const),
  );
  it.each(keywords)('%s keyword %j alone', (name, keyword) => {
    if (name === 'previews') {
      expect(parsePreviewsCommand(keyword.toUpperCase())).toEqual({ kind: 'previews', action: 'status' });
      return;
    }
    if (SUBSCRIPTION_COMMANDS.has(name)) {
      const sub = parseSubscriptionCommand(keyword.toUpperCase(), GB);
      if (name === 'subscriptions') expect(sub).toEqual({ kind: 'subscriptions' });
      else expect(sub).toEqual({ kind: 'invalid', message: expect.stringMatching(`Usage: /focus ${name} `) });
      return;
    }
    const result = parseCommand(keyword.toUpperCase(), GB);
    if (name === 'help') expect(result).toEqual({ kind: 'help', reason: 'asked' });
    else if (name === 'retention') expect(result).toEqual({ kind: 'retention' });
    else expect(result).toEqual(invalid(new RegExp(`Usage: /focus ${name} `)));
  });

  it('has usage, description and examples for every entry', () => {
    for (const c of COMMANDS) {
      expect(c.usage.length).toBeGreaterThan(0);
      expect(c.description).toMatch(/\.$/);
      expect(c.examples.length).toBeGreaterThan(0);
    }
    expect(links.host).toBe('uk.focus.subphonic.ai');
  });
});
