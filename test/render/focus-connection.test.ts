import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import type { Button } from '../../src/render/blocks.js';
import {
  CONNECTION_ACTIONS,
  type ConnectionSectionModel,
  connectionHomeView,
  connectionModal,
  connectionSection,
  type InputBlock,
  type ShownConnection,
} from '../../src/render/focus-connection.js';
import { LIMITS } from '../../src/render/limits.js';
import { cardToText } from '../../src/render/text.js';
import { foreignTokens, limitProblems } from '../property/limits.js';

const hostile = '<!channel> *Bob* & <@U123>';
const connection: ShownConnection = {
  kind: 'tenant',
  baseUrl: `https://focus.example.com/api/${'x'.repeat(470)}`,
  clientId: 2_147_483_647,
  username: `${'svc '.repeat(50)}${hostile}`,
  maskedKey: '••••cdef',
  connectedBy: 'U0INSTALL',
  connectedAt: '2026-12-01T10:00:00.000Z',
  requireLinkedUsers: true,
  admins: Array.from({ length: 20 }, (_, i) => `U0NAMED${i}`),
};

function model(overrides: Partial<ConnectionSectionModel> = {}): ConnectionSectionModel {
  return {
    connection,
    manage: true,
    who: { organisation: false, installer: 'U0INSTALL', named: connection.admins },
    version: connection.connectedAt as string,
    notice: ':white_check_mark: Connected to Focus at focus.example.com.',
    ...overrides,
  };
}

const buttons = (blocks: unknown[]): Button[] =>
  (blocks as Array<{ type: string; elements?: Button[]; accessory?: Button }>).flatMap((b) => [
    ...(b.type === 'actions' ? (b.elements ?? []) : []),
    ...(b.accessory ? [b.accessory] : []),
  ]);
const ALLOWED = [/^<!date\^\d+\^[^|<>]+\|[^<>]*>$/, /^<@U[A-Z0-9]+>$/];

describe('the Focus connection section', () => {
  it('type-checks as Slack blocks in a Home view, within Block Kit limits at its longest', () => {
    for (const m of [model(), model({ connection: undefined }), model({ manage: false })]) {
      const view = connectionHomeView(connectionSection(m));
      // Compile-time: what @slack/types calls a HomeView, every block a KnownBlock.
      const typed: types.HomeView = view;
      const blocks: types.KnownBlock[] = view.blocks;
      expect(typed.type).toBe('home');
      const card = { text: 'Focus for Slack', blocks: view.blocks };
      expect(blocks.length).toBeGreaterThan(2);
      expect(limitProblems(card, LIMITS.viewBlocks)).toEqual([]);
      expect(foreignTokens(card, ALLOWED)).toEqual([]);
      for (const b of buttons(view.blocks)) {
        if (!b.confirm) continue;
        expect(b.confirm.title.text.length).toBeLessThanOrEqual(100);
        expect(b.confirm.text.text.length).toBeLessThanOrEqual(300);
        expect(b.confirm.confirm.text.length).toBeLessThanOrEqual(30);
      }
    }
  });

  it('not connected: says so and who can connect; admins get Connect Focus and Try the simulator', () => {
    const admin = connectionSection(model({ connection: undefined, version: '-' }));
    const text = cardToText({ text: '', blocks: admin });
    expect(text).toContain('Focus is not connected to this workspace yet');
    expect(text).toContain('a workspace admin or owner, <@U0INSTALL> (who installed the app), <@U0NAMED0>');
    expect(buttons(admin).map((b) => [b.text.text, b.action_id, b.value])).toEqual([
      ['Connect Focus', CONNECTION_ACTIONS.connect, '-'],
      ['Try the built-in simulator', CONNECTION_ACTIONS.simulator, '-'],
    ]);
    const member = connectionSection(model({ connection: undefined, manage: false }));
    expect(buttons(member)).toEqual([]);
    expect(cardToText({ text: '', blocks: member })).toContain('Who can connect');
    const org = connectionSection(model({ connection: undefined, who: { organisation: true, named: [] } }));
    expect(cardToText({ text: '', blocks: org })).toContain(
      'an admin or owner of this Enterprise Grid organisation, from this Home tab',
    );
  });

  it('connected: address, client id, username, the masked key, by whom and when; Replace, Remove, the rights choice', () => {
    const blocks = connectionSection(model());
    const json = JSON.stringify(blocks);
    expect(json).toContain('https://focus.example.com/api/');
    expect(json).toContain('2147483647');
    expect(json).toContain('••••cdef');
    expect(json).toContain('Connected by <@U0INSTALL> on <!date^');
    expect(json).not.toContain('<!channel>');
    expect(json).toContain('Each member is answered with their own Focus rights');
    expect(buttons(blocks).map((b) => [b.text.text, b.action_id])).toEqual([
      ['Replace', CONNECTION_ACTIONS.replace],
      ['Remove', CONNECTION_ACTIONS.remove],
      ['Answer everyone with the connection’s own rights', CONNECTION_ACTIONS.linkedOff],
    ]);
    const [, remove, off] = buttons(blocks);
    expect(remove?.confirm?.text.text).toContain('stop answering in this workspace');
    // The choice says what it means before it is made.
    expect(off?.confirm?.text.text).toContain(
      'Every member of this workspace will see what the Focus service user',
    );
    const shared = connectionSection(model({ connection: { ...connection, requireLinkedUsers: false } }));
    expect(JSON.stringify(shared)).toContain('every member sees what the Focus service user sees');
    expect(buttons(shared).map((b) => b.action_id)).toContain(CONNECTION_ACTIONS.linkedOn);
  });

  it('others see the status only; the simulator is named as such', () => {
    expect(buttons(connectionSection(model({ manage: false })))).toEqual([]);
    const sim = connectionSection(model({ connection: { ...connection, kind: 'simulator' } }));
    expect(JSON.stringify(sim)).toContain('built-in Focus simulator');
    expect(JSON.stringify(sim)).not.toContain('••••');
  });
});

describe('the connection modal', () => {
  const base = {
    mayName: true,
    admins: ['U0NAMED1'],
    privateMetadata: '{"k":"T1","v":"-"}',
    allowLocalHttp: false,
  };

  it('type-checks as a Slack ModalView and keeps the limits of titles, inputs and metadata', () => {
    for (const m of [
      base,
      { ...base, current: { baseUrl: connection.baseUrl, clientId: 7, username: connection.username } },
    ]) {
      const view: types.ModalView = connectionModal(m);
      expect(view.title.text.length).toBeLessThanOrEqual(24);
      expect(view.submit?.text.length).toBeLessThanOrEqual(24);
      expect(view.close?.text.length).toBeLessThanOrEqual(24);
      expect((view.private_metadata ?? '').length).toBeLessThanOrEqual(3000);
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      for (const block of view.blocks) {
        if (block.type !== 'input') continue;
        const input = block as InputBlock;
        expect(input.label.text.length).toBeLessThanOrEqual(2000);
        const el = input.element as { initial_value?: string; max_length?: number };
        if (el.initial_value !== undefined && el.max_length !== undefined)
          expect(el.initial_value.length).toBeLessThanOrEqual(el.max_length);
      }
    }
  });

  it('asks for address, client id, username and key; the key always starts empty, even on Replace', () => {
    const replace = connectionModal({
      ...base,
      current: {
        baseUrl: 'https://focus.example.com/api',
        clientId: 7,
        username: 'svc',
        authPath: '/authWithApiKey',
      },
    });
    const inputs = replace.blocks.filter((b) => b.type === 'input');
    expect(inputs.map((b) => b.block_id)).toEqual([
      'focus_base_url',
      'focus_client_id',
      'focus_username',
      'focus_api_key',
      'focus_auth_path',
      'focus_admins',
    ]);
    const key = inputs.find((b) => b.block_id === 'focus_api_key');
    expect(key?.element).toEqual({ type: 'plain_text_input', action_id: 'focus_api_key', max_length: 500 });
    expect(JSON.stringify(replace)).toContain('"initial_value":"https://focus.example.com/api"');
    expect(JSON.stringify(replace)).toContain(
      '"initial_option":{"text":{"type":"plain_text","text":"/authWithApiKey"',
    );
    expect(replace.submit.text).toBe('Replace');
    // A named manager is not offered to name others.
    const named = connectionModal({ ...base, mayName: false });
    expect(named.blocks.some((b) => b.block_id === 'focus_admins')).toBe(false);
  });
});
