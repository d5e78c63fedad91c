/** The one asker per payload: who, from which organisation, where. */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/domain/logger.js';
import { commandAsker, eventAsker, interactionAsker, isExternal } from '../../src/slack/inbound/request.js';

const HOME = { teamId: 'T1' };
const GRID = { teamId: 'T1', enterpriseId: 'E1' };

describe('isExternal', () => {
  it.each([
    ['T1', undefined, HOME, false],
    ['T2', undefined, HOME, true],
    [undefined, undefined, HOME, undefined],
    // On Enterprise Grid, another workspace of the same organisation is not external.
    ['T2', 'E1', GRID, false],
    ['T2', 'E2', GRID, true],
    ['T2', undefined, GRID, true],
    ['T1', undefined, {}, undefined],
  ] as const)('%s / %s at %o -> %s', (team, enterprise, home, expected) => {
    expect(isExternal(team, enterprise, home)).toBe(expected);
  });
});

describe('askers from payloads', () => {
  it('a slash command: the payload team is the user’s', () => {
    const own = commandAsker({ user_id: 'U1', channel_id: 'C1', team_id: 'T1' }, HOME, silentLogger);
    expect(own).toMatchObject({ surface: 'command', user: 'U1', channel: 'C1', team: 'T1', external: false });
    expect(commandAsker({ user_id: 'U9', team_id: 'T9' }, HOME, silentLogger).external).toBe(true);
    expect(own.requestId).toMatch(/^[a-z]{10}$/);
  });

  it('a button or shortcut: user.team_id first, then the team', () => {
    const body = { user: { id: 'U9', team_id: 'T9' }, channel: { id: 'C1' }, team: { id: 'T1' } };
    expect(interactionAsker('button', body, HOME, silentLogger).external).toBe(true);
    expect(interactionAsker('shortcut', { ...body, user: { id: 'U1' } }, HOME, silentLogger).external).toBe(
      false,
    );
  });

  it('an event: user_team or the event’s team, never the envelope’s; the envelope says if shared', () => {
    const envelope = { team_id: 'T1', is_ext_shared_channel: true };
    const external = eventAsker(
      'mention',
      { user: 'U9', channel: 'C1', user_team: 'T9' },
      envelope,
      HOME,
      silentLogger,
    );
    expect(external).toMatchObject({ external: true, sharedConversation: true, team: 'T1' });
    // link_shared names no team: undecided here, asked of Slack by the access check.
    const unknown = eventAsker('unfurl', { user: 'U9', channel: 'C1' }, envelope, HOME, silentLogger);
    expect(unknown.external).toBeUndefined();
  });
});
