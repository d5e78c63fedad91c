import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../src/domain/actions.js';
import { decodeHome } from '../../src/domain/home.js';
import type { Subscription } from '../../src/domain/subscription.js';
import { COMMANDS } from '../../src/parse/index.js';
import type { Button } from '../../src/render/blocks.js';
import { HOME_PAGE, type HomeModel, homeCard, homePage, homeView } from '../../src/render/home.js';
import { LIMITS } from '../../src/render/limits.js';
import { cardToText } from '../../src/render/text.js';
import { foreignTokens, limitProblems } from '../property/limits.js';

const hostile = '<!channel> *Bob* & <@U123>';
/** Longer than any label keeps: names are cut to 80 characters, numbers to 60. */
const longName = `${'Maximiliana Wolfeschlegelsteinhausenbergerdorff '.repeat(6)}${hostile}`;
const longChannel = (i: number) => `C${String(i).padStart(30, '0')}`;

function sub(id: number, channel: string, createdBy = 'UME', paused = false): Subscription {
  return {
    id,
    team: 'T1',
    channel,
    target:
      id % 2 === 0
        ? { kind: 'person', personId: 1_000_000_000_000 - id, name: longName }
        : { kind: 'phone', phone: '447700900123', display: `+44 7700 900123 ${'9'.repeat(80)}` },
    createdBy,
    createdAt: '2026-11-28T10:00:00.000Z',
    paused: paused ? { reason: 'subscriber_lacks_right', at: '2026-11-29T10:00:00.000Z' } : undefined,
    // The longest filters and format there are.
    filters: { directions: ['inbound', 'outbound', 'internal'], longerThanSeconds: 86_399 },
    format: 'compact',
  };
}

/** The worst case: 100 subscriptions of the person, each in its own channel, 100 more by others in each. */
const own = Array.from({ length: 100 }, (_, i) => sub(i + 1, longChannel(i), 'UME', i % 3 === 0));
function model(offset: number, overrides: Partial<HomeModel> = {}): HomeModel {
  const page = homePage(own, offset);
  return {
    link: {
      kind: 'linked',
      username: longName,
      id: 7,
      rights: Array.from({ length: 200 }, (_, i) => `Right.${i}.${'x'.repeat(70)}`),
      missing: [{ right: 'Recording.View', what: ['recordings', 'comments'] }],
    },
    subscriptions: {
      total: own.length,
      offset: page.offset,
      channels: page.channels.map((c) => ({
        ...c,
        others: Array.from({ length: 50 }, (_, i) => sub(10_000 + i, c.channel, `U${'Z'.repeat(20)}${i}`)),
      })),
    },
    previews: { mode: 'ask', channels: Array.from({ length: 40 }, (_, i) => longChannel(i)) },
    recent: Array.from({ length: 10 }, (_, i) => ({
      kind: 'person',
      title: `${longName} ${i}`,
      at: Date.parse('2026-11-28T10:00:00Z') + i,
    })),
    help: COMMANDS,
    privateMetadata: '{"ch":"D1","o":0}',
    notice: ':white_check_mark: Paused +44 7700 900123 in <#C1>.',
    ...overrides,
  };
}

const buttons = (view: { blocks: unknown[] }): Button[] =>
  (view.blocks as Array<{ type: string; elements?: Button[]; accessory?: Button }>).flatMap((b) => [
    ...(b.type === 'actions' ? (b.elements ?? []) : []),
    ...(b.accessory ? [b.accessory] : []),
  ]);

describe('the Home tab', () => {
  it('type-checks as a Slack HomeView with known blocks', () => {
    // Compile-time: a Home view is what @slack/types calls a HomeView, every block a KnownBlock.
    const view: types.HomeView = homeView(model(0));
    const blocks: types.KnownBlock[] = homeView(model(0)).blocks;
    expect(view.type).toBe('home');
    expect(blocks.length).toBeGreaterThan(0);
  });

  it('at the worst case (100 subscriptions, longest names) every page stays within Block Kit limits', () => {
    const seen = new Set<number>();
    for (let offset = 0; offset < own.length; offset += HOME_PAGE) {
      const view = homeView(model(offset));
      const card = { text: 'Focus for Slack', blocks: view.blocks };
      expect(limitProblems(card, LIMITS.viewBlocks)).toEqual([]);
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      // Nothing was cut to fit: the page, the previews, the recent lookups and help all made it.
      expect(JSON.stringify(view)).not.toContain('left out to fit');
      expect(cardToText(card)).toContain('== Help ==');
      expect(
        foreignTokens(card, [/^<!date\^\d+\^[^|<>]+\|[^<>]*>$/, /^<#C\d+>$/, /^<@U[A-Z0-9]+>$/]),
      ).toEqual([]);
      for (const b of buttons(view).filter((b) => b.action_id !== ACTIONS.homeForget)) {
        const value = decodeHome(b.value);
        if (value?.s) seen.add(value.s);
      }
    }
    // Every subscription has its buttons on some page.
    expect([...seen].sort((a, b) => a - b)).toEqual(own.map((s) => s.id));
  });

  it('each subscription: Pause (Resume when paused) and Unsubscribe, carrying its id and page', () => {
    const view = homeView(model(0));
    const first = buttons(view).filter((b) => decodeHome(b.value)?.s === 1);
    // Subscription 1 is paused (every third one is).
    expect(first.map((b) => [b.text.text, b.action_id])).toEqual([
      ['Resume', ACTIONS.homeResume],
      ['Unsubscribe', ACTIONS.homeUnsubscribe],
    ]);
    const second = buttons(view).filter((b) => decodeHome(b.value)?.s === 2);
    expect(second.map((b) => b.text.text)).toEqual(['Pause', 'Unsubscribe']);
    expect(decodeHome(second[0]?.value)).toEqual({ s: 2, o: 0 });
    const text = cardToText(homeCard(model(0)));
    expect(text).toContain('paused: the subscriber no longer holds the Focus right');
    expect(text).toContain('Subscriptions 1–15 of 100');
    expect(text).toContain('[Next]');
    expect(text).not.toContain('[Previous]');
    expect(cardToText(homeCard(model(90)))).toContain('Subscriptions 91–100 of 100');
    expect(text).toContain(' · person · ');
  });

  it('says who made each subscription and since when, with its filters and format', () => {
    const text = cardToText(homeCard(model(0)));
    expect(text).toContain(
      '(person 999999999998) · by you since 2026-11-28 10:00 UTC · inbound or outbound or internal · longer than 23h59m59s · compact',
    );
    // The others in the channel: who made them, since when, and theirs.
    expect(text).toMatch(
      /\(by <@UZZZZZZZZZZZZZZZZZZZZ0> since 2026-11-28 10:00 UTC, inbound or outbound or internal · longer than 23h59m59s · compact\)/,
    );
    const plain = homeView(
      model(0, {
        subscriptions: {
          total: 1,
          offset: 0,
          channels: [
            { channel: 'C1', own: [{ ...own[1], filters: undefined, format: undefined } as Subscription] },
          ],
        },
      }),
    );
    expect(cardToText({ text: '', blocks: plain.blocks })).toMatch(
      /\(person 999999999998\) · by you since 2026-11-28 10:00 UTC\n/,
    );
  });

  it('escapes every name: no mention, link or formatting can form', () => {
    const json = JSON.stringify(
      homeView(
        model(0, { recent: [{ kind: 'person', title: hostile, at: Date.parse('2026-11-28T10:00:00Z') }] }),
      ),
    );
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U123>');
    expect(json).toContain('&lt;!channel&gt;');
  });

  it('says how to get linked and why; hides recent lookups while refused', () => {
    const view = homeView(
      model(0, {
        link: { kind: 'refused', reason: 'not_linked', message: 'Your Slack account is not linked.' },
        recent: 'withheld',
      }),
    );
    const text = cardToText({ text: '', blocks: view.blocks });
    expect(text).toContain('Your Slack account is not linked.');
    expect(text).toContain('Why it matters');
    expect(text).toContain('Not shown while Focus for Slack cannot answer you.');
    expect(text).not.toContain(' · person · ');
  });

  it('pages: the page starts at a multiple of the page size; an offset past the end shows the first', () => {
    expect(homePage(own, 17).offset).toBe(15);
    expect(homePage(own, 1_000).offset).toBe(0);
    // One channel's subscriptions stay together, in the order the channel was first subscribed.
    const mixed = [sub(1, 'C2'), sub(2, 'C1'), sub(3, 'C2')];
    expect(homePage(mixed, 0).channels.map((c) => [c.channel, c.own.map((s) => s.id)])).toEqual([
      ['C2', [1, 3]],
      ['C1', [2]],
    ]);
  });

  it('a button value is read back typed and bounded; anything else is nothing', () => {
    expect(decodeHome('{"s":12,"o":15}')).toEqual({ s: 12, o: 15 });
    expect(decodeHome('{"ch":"C0123"}')).toEqual({ ch: 'C0123' });
    for (const forged of [
      '{"s":"12"}',
      '{"s":0}',
      '{"ch":"<!channel>"}',
      '{"o":-1}',
      '[1]',
      'null',
      '{',
      'x'.repeat(201),
    ])
      expect(decodeHome(forged)).toBeNull();
  });
});
