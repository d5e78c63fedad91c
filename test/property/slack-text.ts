/** Arbitrary `/focus` and message text: Slack's tokens, digits, plus signs, smart quotes, noise. */
import fc from 'fast-check';

const alnum = fc.stringMatching(/^[A-Z0-9]{1,10}$/);
const phoneish = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 9999 }).map(String),
      fc.constantFrom(' ', '-', '.', '(', ')', '+', '00'),
    ),
    {
      maxLength: 8,
    },
  )
  .map((parts) => parts.join(''));
const word = fc.string({ unit: 'grapheme-ascii', maxLength: 12 });
const email = fc.tuple(word, word).map(([a, b]) => `${a}@${b}.example`);
const url = fc
  .tuple(
    fc.constantFrom('http', 'https', 'HTTPS'),
    fc.constantFrom('uk.focus.example', 'evil.example', 'x'),
    word,
  )
  .map(([scheme, host, path]) => `${scheme}://${host}/${path}`);
const portalLink = fc
  .tuple(
    fc.constantFrom('recordings', 'people', 'calls'),
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  )
  .map(([kind, n]) => `https://uk.focus.example/${kind}/${n}`);

/** One piece of Slack message text. */
const piece = fc.oneof(
  fc.tuple(phoneish, phoneish).map(([n, label]) => `<tel:${n}|${label}>`),
  phoneish.map((n) => `<tel:${n}>`),
  email.map((e) => `<mailto:${e}|${e}>`),
  fc.tuple(fc.oneof(url, portalLink), word).map(([u, label]) => `<${u}|${label}>`),
  fc.oneof(url, portalLink).map((u) => `<${u}>`),
  fc.constantFrom(
    '<!channel>',
    '<!here>',
    '<!everyone>',
    '<#C1|general>',
    '<!subteam^S1|@team>',
    '<!date^1^{date}|x>',
  ),
  alnum.map((u) => `<@U${u}>`),
  fc.tuple(alnum, word).map(([u, name]) => `<@U${u}|${name}>`),
  phoneish,
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).map(String),
  fc.constantFrom(
    '+',
    '++',
    '+44',
    '0044',
    '#',
    '#0',
    '#123',
    '(',
    ')',
    '-',
    '.',
    ',',
    '|',
    '<',
    '>',
    '&',
    '&lt;',
  ),
  fc.constantFrom(
    '“',
    '”',
    '‘',
    '’',
    '"',
    "'",
    '`',
    '«',
    '»',
    '„',
    '‐',
    '–',
    '—',
    '−',
    '\u00a0',
    '\u200b',
    '\n',
    '\t',
  ),
  fc.constantFrom('０１２３', '٠١٢٣', '+４４', '７８９７'),
  fc.constantFrom(
    'help',
    'phone',
    'person',
    'recording',
    'user',
    'comments',
    'retention',
    'page',
    'HELP',
    'Phone',
  ),
  email,
  portalLink,
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
);

/** Text built from Slack-ish pieces, joined with or without spaces. */
export const slackText: fc.Arbitrary<string> = fc
  .tuple(fc.array(piece, { maxLength: 20 }), fc.constantFrom('', ' ', '  '))
  .map(([parts, sep]) => parts.join(sep));

/** Any UTF-16 text up to 4 KB: full Unicode, lone surrogates included. */
export const anyText: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 2_048 }),
    fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      maxLength: 4_096,
    }),
    fc.string({ unit: 'grapheme', maxLength: 1_024 }),
  )
  .map((s) => s.slice(0, 4_096));
