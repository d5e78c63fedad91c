/** Which conversations count as seen by the paster alone (no consent prompt there). */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/domain/logger.js';
import { PrivateConversations, privateToPaster } from '../../src/slack/answer/private-conversation.js';

describe('privateToPaster', () => {
  it.each([
    ['a self-DM (the paster is its other member)', { is_im: true, user: 'UPASTE' }, true],
    ['the app’s DM as the user sees it (the bot is its other member)', { is_im: true, user: 'UBOT' }, true],
    ['a DM with another person', { is_im: true, user: 'UOTHER' }, false],
    ['a DM whose other member is unknown', { is_im: true }, false],
    ['a channel', { is_im: false, user: 'UPASTE' }, false],
    ['a channel that does not say', { user: 'UPASTE' }, false],
    ['nothing known', undefined, false],
  ])('%s', (_, info, expected) => {
    expect(privateToPaster(info, 'UPASTE', 'UBOT')).toBe(expected);
  });

  it('with no bot user id known, only the paster counts; with no paster, nothing does', () => {
    expect(privateToPaster({ is_im: true, user: 'UBOT' }, 'UPASTE', undefined)).toBe(false);
    expect(privateToPaster({ is_im: true, user: '' }, '', undefined)).toBe(false);
  });
});

describe('PrivateConversations', () => {
  function client(answer: (channel: string) => unknown) {
    const asked: string[] = [];
    const c = {
      conversations: {
        info: async ({ channel }: { channel: string }) => {
          asked.push(channel);
          const a = answer(channel);
          if (a instanceof Error) throw a;
          return a;
        },
      },
    };
    return { asked, conversations: new PrivateConversations(c as never) };
  }

  it('asks Slack only about DMs, and keeps the answer', async () => {
    const { asked, conversations } = client(() => ({ channel: { is_im: true, user: 'UPASTE' } }));
    expect(await conversations.isPrivateTo('C0CHANNEL', 'UPASTE', 'UBOT', silentLogger)).toBe(false);
    expect(await conversations.isPrivateTo('G0GROUP', 'UPASTE', 'UBOT', silentLogger)).toBe(false);
    expect(await conversations.isPrivateTo('D0SELF', 'UPASTE', 'UBOT', silentLogger)).toBe(true);
    expect(await conversations.isPrivateTo('D0SELF', 'UPASTE', 'UBOT', silentLogger)).toBe(true);
    // The same DM is not private to someone else who pastes there.
    expect(await conversations.isPrivateTo('D0SELF', 'UOTHER', 'UBOT', silentLogger)).toBe(false);
    expect(asked).toEqual(['D0SELF']);
  });

  it('fails closed when Slack cannot say, and asks again next time', async () => {
    const error = Object.assign(new Error('An API error occurred: missing_scope'), {
      data: { ok: false, error: 'missing_scope' },
    });
    const { asked, conversations } = client(() => error);
    expect(await conversations.isPrivateTo('D0SELF', 'UPASTE', 'UBOT', silentLogger)).toBe(false);
    expect(await conversations.isPrivateTo('D0SELF', 'UPASTE', 'UBOT', silentLogger)).toBe(false);
    expect(asked).toEqual(['D0SELF', 'D0SELF']);
  });
});
