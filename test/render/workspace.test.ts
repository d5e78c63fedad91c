/** The answers of a workspace that Focus cannot answer: what they say, and Block Kit's limits. */
import { describe, expect, it } from 'vitest';
import {
  subscriptionsUnavailableCard,
  workspaceProblemCard,
  workspaceProblemText,
  workspaceProblemView,
} from '../../src/render/workspace.js';
import { limitProblems } from '../property/limits.js';

describe('workspace problems', () => {
  it('not connected: says so, and that a workspace admin connects it from the Home tab', () => {
    const card = workspaceProblemCard('not_connected');
    for (const text of [card.text, JSON.stringify(card.blocks), workspaceProblemText('not_connected')]) {
      expect(text).toMatch(/Focus is not connected for this workspace yet/);
      expect(text).toMatch(/workspace admin/);
      expect(text).toMatch(/Home tab/);
    }
    expect(limitProblems(card)).toEqual([]);
  });

  it('unavailable: asks to try again, and does not send anyone to connect Focus', () => {
    const card = workspaceProblemCard('unavailable');
    expect(card.text).toMatch(/try again/);
    expect(card.text).not.toMatch(/connect/i);
    expect(limitProblems(card)).toEqual([]);
  });

  it('the Home tab of a workspace not connected says who connects it', () => {
    const view = workspaceProblemView('not_connected');
    expect(view.type).toBe('home');
    expect(JSON.stringify(view.blocks)).toMatch(/workspace admin.*Home tab/);
  });

  it('subscriptions in a workspace answered from its own connection inside an org-wide install: not available', () => {
    const card = subscriptionsUnavailableCard();
    expect(card.text).toMatch(/Subscriptions are not available in this workspace/);
    expect(limitProblems(card)).toEqual([]);
  });
});
