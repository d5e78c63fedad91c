/**
 * Posts subscription news into channels (the subscriptions' `Publisher`). One queue per channel
 * keeps Slack's pace of about one message a second per channel, and at most `concurrency` posts
 * are on their way at once over all channels.
 *
 * This is the one retry policy of a subscription post: the client it is given never retries
 * (slack/app.ts `postClient`). Only what Slack surely did not post is sent again:
 * - a 429 (from Slack, or answered locally while chat.postMessage is paused) waits its
 *   Retry-After and sends again, at most `MAX_RATE_LIMIT_WAITS` times;
 * - an error Slack answered (`ok: false`) is retried with backoff, `attempts` tries in all;
 *   answers that mean the channel will not take posts (archived, not found, app removed) stop
 *   delivery there, and a revoked token stops it everywhere;
 * - a connection refused (nothing was sent) is retried like an answered error;
 * - no answer (a timeout, a connection cut after sending, a 5xx) is not retried here: Slack may
 *   have posted it. It is reported `unsure`; the recording stays news for the next poll, and the
 *   attempt is recorded in the durable state store (`unanswered`: the SQLite file, or Redis), so
 *   a restarted process, or the replica that takes the lease over, knows it too. When that post
 *   comes again, from any of them, the channel's history is read first (post-history.ts): if the
 *   post is there, it is reported posted without being sent (and the poller marks it); if the
 *   history cannot be read, it is sent again, and the log says why
 *   (`subscriptions.history_unreadable`). The record goes when Slack answers the post or it is
 *   found, and otherwise after the delivered marks' retention.
 * Before each send the caller's check is asked (the poller lease, subscriptions/fence.ts),
 * after the pacing, the waits and the slot, with nothing awaited between its answer and the
 * request.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type App, webApi } from '@slack/bolt';
import type { PortalLinks } from '../../domain/links.js';
import type { Logger } from '../../domain/logger.js';
import type { Subscription } from '../../domain/subscription.js';
import type { Card } from '../../render/blocks.js';
import { deliveryStoppedCard, moreRecordingsCard, newRecordingCard } from '../../render/subscription.js';
import { DELIVERED_RETENTION_MS, type StateStore } from '../../state/index.js';
import type { Post, PostFor } from '../../subscriptions/news.js';
import type { PostResult, Publisher, SendCheck, StoppedNotice } from '../../subscriptions/publisher.js';
import { CONNECTIONS_PER_ORIGIN } from './http.js';
import { findPost, POST_EVENT_TYPE, type PostPayload } from './post-history.js';
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
/**
 * Posts on their way at once by default: the HTTP pool's connections but 8, which stay free for
 * the other Web API calls (a lookup's, the gate's). A burst goes out at this many per round
 * trip, and on a busy host a round trip to Slack takes 100-500 ms: 8 at once posted about 65 a
 * second under `bench:subscriptions --stress 2`, which brings 200 a second. The 10 s timeouts
 * once seen with 32 at once came from stalls of the bench's own fake Slack and from a poll that
 * held the event loop for seconds, not from the number of posts.
 */
const POSTS_AT_ONCE = CONNECTIONS_PER_ORIGIN - 8;
/** Under the durable store's key space: a post that got no answer -> when its first attempt left (ms). */
const UNANSWERED = 'unanswered:';
/** Network errors that mean the request never left: sending again cannot double it. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export interface ChannelPosterOptions {
  /**
   * A client that does not retry by itself (`postClient`): the retries are this module's. Asked
   * for at each post: distribution mode's is made with the workspace's current token.
   */
  client: () => App['client'];
  links: PortalLinks;
  logger: Logger;
  /**
   * Where the posts that got no answer are recorded, shared with the next process and the other
   * replicas (`AppState.subscriptionsKv`: the SQLite file, or Redis).
   */
  unanswered: Pick<StateStore, 'claim' | 'get' | 'release'>;
  /** The app's bot id (`auth.test`, or the installation's): a post found in a channel's history must be its own. */
  botId?: string | (() => string | undefined);
  /** Least time between two posts in one channel (default 1 s). */
  intervalMs?: number;
  /**
   * The reason Slack no longer takes the app's token, if it does not: then nothing is sent.
   * A post answered with such an error is not tried again either.
   */
  revoked?: () => string | undefined;
  /** Tries of a post Slack answered with an error, other than a rate limit (default 3). */
  attempts?: number;
  backoffMs?: number;
  /**
   * Posts (and history reads) on their way at once, over all channels. Default `POSTS_AT_ONCE`.
   */
  concurrency?: number;
}

export class ChannelPoster implements Publisher {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly lastPostAt = new Map<string, number>();
  private readonly slots: Slots;

  constructor(private readonly options: ChannelPosterOptions) {
    this.slots = new Slots(options.concurrency ?? POSTS_AT_ONCE);
  }

  recording({ subscriptions, recording, followed }: Post, check?: SendCheck): Promise<PostResult> {
    const [sub] = subscriptions;
    const card = newRecordingCard(subscriptions, recording, followed, this.options.links);
    return this.post(sub.channel, card, { subscription: sub.id, recording: recording.id }, undefined, check);
  }

  summary(subscriptions: PostFor, more: number, check?: SendCheck): Promise<PostResult> {
    const [sub] = subscriptions;
    return this.post(
      sub.channel,
      moreRecordingsCard(subscriptions, more),
      { subscription: sub.id, more },
      undefined,
      check,
    );
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
    payload: PostPayload,
    attempts?: number,
    check?: SendCheck,
  ): Promise<PostResult> {
    const previous = this.tails.get(channel) ?? Promise.resolve();
    const next = previous.then(() =>
      this.send(channel, card, payload, attempts ?? this.options.attempts ?? 3, check),
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
    payload: PostPayload,
    attempts: number,
    check: SendCheck | undefined,
  ): Promise<PostResult> {
    const { logger } = this.options;
    const key = `${UNANSWERED}${channel}:${JSON.stringify(payload)}`;
    const earlier = await this.earlierAttempt(key, channel, payload);
    if (earlier === 'posted') return { ok: true };
    let failures = 0;
    let waits = 0;
    for (;;) {
      await this.pace(channel);
      const sentAt = Date.now();
      const outcome = await this.slots.run(() => this.sendOnce(channel, card, payload, check));
      if (outcome.kind === 'done') {
        await this.remember(key, outcome.result, sentAt, earlier === 'recorded');
        return outcome.result;
      }
      if (outcome.kind === 'rate_limited' && waits < MAX_RATE_LIMIT_WAITS) {
        waits++;
        const waitMs = Math.min(MAX_WAIT_MS, Math.max(1, outcome.retryAfterSec) * 1000);
        logger.info('subscriptions.post_rate_limited', { channel, waitMs });
        await sleep(waitMs);
        continue;
      }
      failures++;
      if (outcome.kind === 'rate_limited' || failures >= attempts) return { ok: false, error: outcome.code };
      await sleep((this.options.backoffMs ?? 500) * 2 ** (failures - 1));
    }
  }

  /**
   * Whether an earlier attempt of this post got no answer (`recorded`) and is in the channel after
   * all (`posted`: then it is not sent again). Reads the history only for such a post.
   */
  private async earlierAttempt(
    key: string,
    channel: string,
    payload: PostPayload,
  ): Promise<'posted' | 'recorded' | undefined> {
    const { logger, unanswered } = this.options;
    const client = this.options.client();
    const botId = typeof this.options.botId === 'function' ? this.options.botId() : this.options.botId;
    // A revoked token reads nothing: the send below says so.
    if (this.options.revoked?.() !== undefined) return undefined;
    const recorded = await unanswered.get(key).catch((error: unknown) => {
      logger.warn('subscriptions.unanswered_unreadable', { channel, ...payload, error });
      return undefined;
    });
    const sinceMs = Number(recorded);
    if (recorded === undefined || !Number.isFinite(sinceMs)) return undefined;
    const earlier = await this.slots.run(() => findPost(client, { channel, payload, sinceMs, botId }));
    if ('found' in earlier) {
      if (!earlier.found) return 'recorded';
      await this.forget(key);
      logger.info('subscriptions.post_found', {
        channel,
        ...payload,
        effect: 'the earlier post that got no answer is in the channel: not sent again',
      });
      return 'posted';
    }
    logger.warn('subscriptions.history_unreadable', {
      channel,
      ...payload,
      reason: earlier.unreadable,
      ...(earlier.needed && { needed: earlier.needed }),
      effect:
        'an earlier post got no answer and the channel history cannot say whether Slack took it: sent again, it may appear twice',
    });
    return 'recorded';
  }

  /**
   * Records the first attempt that got no answer (a later one keeps it: the history is read from
   * the first) until the post is made or found. A store that cannot take it is logged: the post
   * is then sent again unread. `recorded`: a record is there (most posts have none to drop).
   */
  private async remember(key: string, result: PostResult, sentAt: number, recorded: boolean): Promise<void> {
    if (result.ok) return recorded ? this.forget(key) : undefined;
    if (!('unsure' in result && result.unsure)) return;
    await this.options.unanswered
      .claim(key, DELIVERED_RETENTION_MS, String(sentAt))
      .catch((error: unknown) =>
        this.options.logger.warn('subscriptions.unanswered_unsaved', { key, error }),
      );
  }

  private async forget(key: string): Promise<void> {
    await this.options.unanswered.release(key).catch(() => undefined);
  }

  /** One send, in a slot: the check, then the request, with nothing awaited between them. */
  private async sendOnce(
    channel: string,
    card: Card,
    payload: PostPayload,
    check: SendCheck | undefined,
  ): Promise<
    | { kind: 'done'; result: PostResult }
    | { kind: 'rate_limited'; retryAfterSec: number; code: string }
    | { kind: 'retry'; code: string }
  > {
    const revoked = this.options.revoked?.();
    if (revoked !== undefined)
      return { kind: 'done', result: { ok: false, error: `slack_revoked:${revoked}` } };
    if (check && !(await check())) return { kind: 'done', result: { ok: false, fenced: true } };
    this.sentNow(channel);
    try {
      await this.options.client().chat.postMessage({
        channel,
        text: card.text,
        blocks: card.blocks,
        unfurl_links: false,
        unfurl_media: false,
        metadata: { event_type: POST_EVENT_TYPE, event_payload: payload },
      });
      return { kind: 'done', result: { ok: true } };
    } catch (error) {
      const e = error as {
        code?: string;
        retryAfter?: number;
        data?: { error?: string };
        original?: { cause?: { code?: string }; name?: string };
      };
      const { ErrorCode } = webApi;
      if (e.code === ErrorCode.RateLimitedError) {
        return { kind: 'rate_limited', retryAfterSec: e.retryAfter ?? 1, code: 'ratelimited' };
      }
      if (e.code === ErrorCode.PlatformError) {
        const code = e.data?.error ?? 'unknown';
        if (STOPS.has(code)) return { kind: 'done', result: { ok: false, stop: code } };
        // The token is gone: trying again cannot help (the app stops posting altogether).
        if (REVOKED_ERRORS.has(code)) return { kind: 'done', result: { ok: false, error: code } };
        return { kind: 'retry', code };
      }
      const cause = e.original?.cause?.code ?? e.original?.name;
      if (e.code === ErrorCode.RequestError && cause !== undefined && NOT_SENT.has(cause)) {
        return { kind: 'retry', code: cause };
      }
      // No answer, or not one Slack's API gives (HTTP 5xx): it may have been posted.
      return { kind: 'done', result: { ok: false, error: cause ?? e.code ?? 'unknown', unsure: true } };
    }
  }

  /** Waits until the channel's last post left at least the interval ago. */
  private async pace(channel: string): Promise<void> {
    const interval = this.options.intervalMs ?? 1_000;
    const last = this.lastPostAt.get(channel);
    const wait = last === undefined ? 0 : last + interval - Date.now();
    if (wait > 0) await sleep(wait);
  }

  /**
   * Notes when a post left, for the channel's pace: when it is sent, not when it was paced (a
   * post that then waited seconds for a slot would let the next one follow it at once).
   */
  private sentNow(channel: string): void {
    this.lastPostAt.delete(channel);
    this.lastPostAt.set(channel, Date.now());
    if (this.lastPostAt.size > 10_000) this.lastPostAt.delete(this.lastPostAt.keys().next().value as string);
  }
}

/** At most `size` tasks at a time; the others wait their turn, first come first served. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
