/**
 * Slack message markup -> plain text. Slack sends `<tel:...|label>`, `<mailto:...|label>`,
 * `<https://...|label>`, mentions (`<@U1>`, `<#C1|name>`, `<!here>`) and escapes `& < >`.
 * Links become their target (`tel:+44…`, the address, the URL); labels are dropped.
 */

const TOKEN = /<([^<>\n]*)>/g;
const SMART_DOUBLE = /[\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\uff02]/g;
const SMART_SINGLE = /[\u2018\u2019\u201a\u201b\u2039\u203a\u2032]/g;
/** Zero-width and invisible formatting characters (removed outright). */
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;
/** Unicode spaces other than line breaks. */
const SPACES = /[\t\v\f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;

function replaceToken(_whole: string, inner: string): string {
  const first = inner[0];
  // User, channel and special mentions (`<@U1>`, `<#C1|general>`, `<!here>`, `<!date^...>`):
  // dropped so they never become lookups.
  if (first === '@' || first === '#' || first === '!') return ' ';
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(target)?.[1]?.toLowerCase();
  // A tel: link stays a `tel:` URI: the finder reads its number as one its author meant.
  if (scheme === 'tel') return `tel:${target.slice(4)}`;
  if (scheme === 'mailto') return target.slice(7).split('?')[0] ?? '';
  if (scheme !== undefined) return target;
  // Not a Slack token (should not happen: Slack escapes a typed `<`): keep the text.
  return inner;
}

function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Turns Slack message markup into plain text (tokens resolved, entities decoded, spaces tidied). */
export function normaliseSlackText(text: string): string {
  const resolved = decodeEntities(text.replace(TOKEN, replaceToken));
  return resolved
    .replace(INVISIBLE, '')
    .replace(SPACES, ' ')
    .replace(SMART_DOUBLE, '"')
    .replace(SMART_SINGLE, "'")
    .replace(/\r\n?/g, '\n')
    .replace(/ +/g, ' ')
    .replace(/ ?\n ?/g, '\n')
    .trim();
}
