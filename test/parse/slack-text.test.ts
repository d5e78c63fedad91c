import { describe, expect, it } from 'vitest';
import { normaliseSlackText } from '../../src/parse/index.js';

describe('normaliseSlackText', () => {
  it.each([
    ['<tel:+447897897897|+44 7897 897897>', 'tel:+447897897897'],
    ['<tel:07700900461>', 'tel:07700900461'],
    ['<mailto:a@b.com|a@b.com>', 'a@b.com'],
    ['<mailto:a@b.com?subject=hi|a@b.com>', 'a@b.com'],
    ['<https://x.example/y|label>', 'https://x.example/y'],
    ['<https://x.example/y>', 'https://x.example/y'],
    ['<https://x.example/y?a=1&amp;b=2|label>', 'https://x.example/y?a=1&b=2'],
    ['<@U123> help', 'help'],
    ['<@U123|alice> help', 'help'],
    ['see <#C1|general> now', 'see now'],
    ['<!here> ping', 'ping'],
    ['<!subteam^S1|@team> <!date^1392734382^{date}|Feb 18>', ''],
    ['person “Jane Smith”', 'person "Jane Smith"'],
    ['‘quoted’ «guillemets»', '\'quoted\' "guillemets"'],
    ['a &amp; b &lt;c&gt;', 'a & b <c>'],
    ['&amp;lt;', '&lt;'],
    ['+44\u00a07897\u202f897897', '+44 7897 897897'],
    ['07897\u200b897897', '07897897897'],
    ['  spaced \t out\u3000 ', 'spaced out'],
    ['line one \r\n line two', 'line one\nline two'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(normaliseSlackText(input)).toBe(expected);
  });

  it('does not turn escaped text into tokens', () => {
    expect(normaliseSlackText('&lt;@U123&gt;')).toBe('<@U123>');
  });

  it('handles very long input', () => {
    expect(normaliseSlackText('<'.repeat(5000))).toHaveLength(5000);
  });
});
