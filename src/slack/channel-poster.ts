/**
 * Posts subscription news into channels (the subscriptions' `Publisher`). One queue per channel
 * keeps Slack's pace of about one message a second per channel; a 429 waits its Retry-After and
 * tries again; other failures are retried with backoff, then reported; answers that mean the
 * channel will not take posts (archived, not found, app removed) stop delivery there.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type App, webApi } from '@slack/bolt';
import type { Recording } from '../domain/focus.js';
import type { PortalLinks } from '../domain/links.js';
import type { Logger } from '../domain/logger.js';
import type { Subscription } from '../domain/subscription.js';
import type { Card } from '../render/blocks.js';
import { deliveryStoppedCard, moreRecordingsCard, newRecordingCard } from '../render/subscription.js';
import type { PostResult, Publisher, StoppedNotice } from '../subscriptions/publisher.js';
import { REVOKED_ERRORS } from './revocation.js';

/** Slack's answers that mean this channel takes no more posts from the app. */
const STOPS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'channel_is_archived',
  'restricted_action',
  'team_access_not_granted',
]);
/** Rate-limit waits per post at most, and the longest single wait honoured. */
const MAX_RATE_LIMIT_WAITS = 5;
const MAX_WAIT_MS = 60_000;

export interface ChannelPosterOptions {
  client: App['client'];
  links: PortalLinks;
  logger: Logger;
  /** Least time between two posts in one channel (default 1 s). */
  intervalMs?: number;
  /**
   * The reason Slack no longer takes the app's token, if it does not: then nothing is sent.
   * A post answered with such an error is not tried again either.
   */
  revoked?: () => string | undefined;
  /** Tries of a post that fails other than by rate limit (default 3). */
  attempts?: number;
  backoffMs?: number;
}

export class ChannelPoster implements Publisher {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly lastPostAt = new Map<string, number>();

  constructor(private readonly options: ChannelPosterOptions) {}

  recording(sub: Subscription, recording: Recording, followed: ReadonlySet<string>): Promise<PostResult> {
    const card = newRecordingCard(sub, recording, followed, this.options.links);
    return this.post(sub.channel, card, { subscription: sub.id, recording: recording.id });
  }

  summary(sub: Subscription, more: number): Promise<PostResult> {
    return this.post(sub.channel, moreRecordingsCard(sub, more), { subscription: sub.id, more });
  }

  async stopped(sub: Subscription, reason: string, tell: StoppedNotice = 'channel'): Promise<void> {
    const card = deliveryStoppedCard(sub, reason);
    // The channel first; when it takes no posts, the person who subscribed (the app's DM with them).
    const where = tell === 'channel' ? [sub.channel, sub.createdBy] : [sub.createdBy];
    for (const channel of where) {
      const result = await this.post(channel, card, { subscription: sub.id, stopped: reason }, 1);
      if (result.ok) return;
    }
  }

  /** Queued behind the channel's earlier posts, paced, retried. */
  private post(
    channel: string,
    card: Card,
    payload: Record<string, unknown>,
    attempts?: number,
  ): Promise<PostResult> {
    const previous = this.tails.get(channel) ?? Promise.resolve();
    const next = previous.then(() =>
      this.send(channel, card, payload, attempts ?? this.options.attempts ?? 3),
    );
    const tail = next.catch(() => undefined);
    this.tails.set(channel, tail);
    void tail.then(() => {
      if (this.tails.get(channel) === tail) this.tails.delete(channel);
    });
    return next;
  }

  private async send(
    channel: string,
    card: Card,
    payload: Record<string, unknown>,
    attempts: number,
  ): Promise<PostResult> {
    const { client, logger } = this.options;
    let failures = 0;
    let waits = 0;
    for (;;) {
      await this.pace(channel);
      const revoked = this.options.revoked?.();
      if (revoked !== undefined) return { ok: false, error: `slack_revoked:${revoked}` };
      try {
        await client.chat.postMessage({
          channel,
          text: card.text,
          blocks: card.blocks,
          unfurl_links: false,
          unfurl_media: false,
          metadata: {
            event_type: 'focus_subscription_post',
            event_payload: payload as Record<string, string | number>,
          },
        });
        return { ok: true };
      } catch (error) {
        const e = error as { code?: string; retryAfter?: number; data?: { error?: string } };
        const code =
          (e.code === webApi.ErrorCode.PlatformError ? e.data?.error : undefined) ?? e.code ?? 'unknown';
        if (STOPS.has(code)) return { ok: false, stop: code };
        // The token is gone: trying again cannot help (the app stops posting altogether).
        if (REVOKED_ERRORS.has(code)) return { ok: false, error: code };
        if (e.code === webApi.ErrorCode.RateLimitedError && waits < MAX_RATE_LIMIT_WAITS) {
          waits++;
          const waitMs = Math.min(MAX_WAIT_MS, Math.max(1, e.retryAfter ?? 1) * 1000);
          logger.info('subscriptions.post_rate_limited', { channel, waitMs });
          await sleep(waitMs);
          continue;
        }
        failures++;
        if (failures >= attempts) return { ok: false, error: code };
        await sleep((this.options.backoffMs ?? 500) * 2 ** (failures - 1));
      }
    }
  }

  private async pace(channel: string): Promise<void> {
    const interval = this.options.intervalMs ?? 1_000;
    const last = this.lastPostAt.get(channel);
    const wait = last === undefined ? 0 : last + interval - Date.now();
    if (wait > 0) await sleep(wait);
    this.lastPostAt.set(channel, Date.now());
    if (this.lastPostAt.size > 10_000) this.lastPostAt.delete(this.lastPostAt.keys().next().value as string);
  }
}
