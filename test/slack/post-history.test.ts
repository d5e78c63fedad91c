/**
 * Reading a subscription post back from a channel's history: the real Web API client against
 * the fake Slack over HTTP, whose `conversations.history` answers as Slack documents it (newest
 * first, metadata only when asked for, pages by cursor).
 */
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPost, isThePost, POST_EVENT_TYPE } from '../../src/slack/outbound/post-history.js';
import { type FakeSlack, startFakeSlack } from '../helpers/fake-slack.js';

let slack: FakeSlack;
let client: webApi.WebClient;
beforeAll(async () => {
  slack = await startFakeSlack();
  client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });
});
afterAll(async () => {
  await slack?.close();
});

const post = (channel: string, payload?: Record<string, number>) =>
  client.chat.postMessage({
    channel,
    text: 'x',
    ...(payload && { metadata: { event_type: POST_EVENT_TYPE, event_payload: payload } }),
  });

describe('the fake Slack keeps a channel history as Slack does', () => {
  it('newest first, metadata only with include_all_metadata, pages by cursor', async () => {
    for (let i = 1; i <= 5; i++) await post('CFAKE', { subscription: 1, recording: i });
    const plain = await client.conversations.history({ channel: 'CFAKE', limit: 2 });
    expect(plain.messages?.map((m) => m.metadata)).toEqual([undefined, undefined]);
    expect(plain.has_more).toBe(true);
    const pages: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.conversations.history({
        channel: 'CFAKE',
        limit: 2,
        include_all_metadata: true,
        ...(cursor && { cursor }),
      });
      pages.push(
        ...(page.messages ?? []).map((m) => (m.metadata?.event_payload as { recording?: number })?.recording),
      );
      cursor = page.has_more ? page.response_metadata?.next_cursor : undefined;
    } while (cursor);
    expect(pages).toEqual([5, 4, 3, 2, 1]);
  });
});

describe('findPost', () => {
  /** Looks for the post with this metadata, posted by the bot `botId`. */
  const find = (channel: string, sinceMs: number, payload: Record<string, number>, botId = 'BBOT') =>
    findPost(client, { channel, payload, sinceMs, botId });

  it('finds the post by its metadata, pages back, and only the app’s own', async () => {
    const sinceMs = Date.now();
    await post('CFIND', { subscription: 7, recording: 70 });
    for (let i = 0; i < 250; i++) await post('CFIND', { subscription: 8, recording: i });
    expect(await find('CFIND', sinceMs, { subscription: 7, recording: 70 })).toEqual({ found: true });
    // The same metadata from another app (another bot) is not this post.
    expect(await find('CFIND', sinceMs, { subscription: 7, recording: 70 }, 'BOTHER')).toEqual({
      found: false,
    });
    expect(await find('CFIND', sinceMs, { subscription: 7, recording: 71 })).toEqual({ found: false });
    // A summary is matched by its count too.
    const summary = { event_type: POST_EVENT_TYPE, event_payload: { subscription: 7, more: 3 } };
    expect(isThePost({ bot_id: 'BBOT', metadata: summary }, { subscription: 7, more: 4 }, 'BBOT')).toBe(
      false,
    );
    expect(isThePost({ bot_id: 'BBOT', metadata: summary }, { subscription: 7, more: 3 }, 'BBOT')).toBe(true);
  });

  it('counts a channel with too many messages since the attempt, and a refused read, as unreadable', async () => {
    const sinceMs = Date.now();
    for (let i = 0; i < 520; i++) await post('CBUSY');
    const payload = { subscription: 1, recording: 1 };
    expect(await find('CBUSY', sinceMs, payload)).toEqual({ unreadable: 'too_many_messages' });
    slack.on('conversations.history', () => ({
      ok: false,
      error: 'missing_scope',
      needed: 'groups:history',
    }));
    expect(await find('CBUSY', sinceMs, payload)).toEqual({
      unreadable: 'missing_scope',
      needed: 'groups:history',
    });
  });
});
