import { describe, expect, it } from 'vitest';
import { makePortalLinks } from '../../src/domain/links.js';
import { planUnfurls, unfurlers } from '../../src/slack/surfaces/unfurl-plan.js';

const links = makePortalLinks({
  portal: 'https://portal.test',
  recordingTemplate: '{portal}/recordings/{id}',
  personTemplate: '{portal}/people/{id}',
});
const matchers = unfurlers(links);
const rec = (id: number) => ({ url: `https://portal.test/recordings/${id}` });
const other = { url: 'https://elsewhere.test/recordings/1' };
const plan = (event: Parameters<typeof planUnfurls>[0], shared = false) =>
  planUnfurls(event, matchers, { unfurlInSharedChannels: shared });

describe('planUnfurls', () => {
  it('one portal link: a full card, claimed per channel', () => {
    const p = plan({ channel: 'C1', user: 'U1', links: [rec(5), other] });
    expect(p).toMatchObject({ unfurl: true, compact: false, fromComposer: false });
    if (!p.unfurl) return;
    expect(p.links).toEqual([
      {
        url: rec(5).url,
        request: { kind: 'recording', id: 5 },
        key: `unfurl:C1|${rec(5).url}`,
        composerKey: `unfurl:U1|${rec(5).url}`,
      },
    ]);
  });

  it('two links: compact; three or more: none', () => {
    expect(plan({ channel: 'C1', links: [rec(1), rec(2)] })).toMatchObject({ unfurl: true, compact: true });
    expect(plan({ channel: 'C1', links: [rec(1), rec(2), rec(3)] })).toEqual({
      unfurl: false,
      reason: 'too_many_links',
    });
  });

  it('no portal link: nothing', () => {
    expect(plan({ channel: 'C1', links: [other] })).toEqual({ unfurl: false, reason: 'no_links' });
  });

  it('a composer preview only when Slack Connect need not be checked, claimed per user', () => {
    const event = { channel: 'COMPOSER', user: 'U1', source: 'composer', links: [rec(7)] };
    expect(plan(event)).toEqual({ unfurl: false, reason: 'composer_preview' });
    const p = plan(event, true);
    expect(p).toMatchObject({ unfurl: true, fromComposer: true });
    if (p.unfurl) expect(p.links[0]?.key).toBe(`unfurl:U1|${rec(7).url}`);
  });
});
