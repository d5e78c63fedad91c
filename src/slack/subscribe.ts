/**
 * `/focus subscribe | subscriptions | unsubscribe` in a channel. Only in channels (not DMs or
 * group DMs), never in Slack Connect ones unless UNFURL_IN_SHARED_CHANNELS, and for users the
 * access policy allows. Subscribing and unsubscribing answer in the channel, so its members see
 * who made the channel follow what; the list answers only the asker.
 */
import { failureCodeOf } from '../domain/outcome.js';
import type { SubscriptionCommand } from '../domain/subscription.js';
import type { Card } from '../render/blocks.js';
import { failureCard, invalidCard, noticeCard } from '../render/status.js';
import { subscribedCard, subscriptionsCard, unsubscribedCard } from '../render/subscription.js';
import type { SubscriptionService } from '../subscriptions/service.js';
import type { ConnectChannels } from './connect.js';
import { type SurfaceDeps, serve } from './deliver.js';
import type { SlackRequest } from './request.js';

export interface SubscribeDeps {
  service: SubscriptionService;
  connect: ConnectChannels;
  inSharedChannels: boolean;
}

interface Reply {
  card: Card;
  inChannel: boolean;
}

export async function answerSubscription(
  deps: SurfaceDeps,
  subs: SubscribeDeps,
  request: SlackRequest,
  command: SubscriptionCommand,
  where: { channelName: string | undefined },
  respond: (message: Record<string, unknown>) => Promise<unknown>,
): Promise<void> {
  await serve<Reply>(deps, request, {
    answer: () => run(subs, request, command, where.channelName),
    refusal: (message) => ({ card: noticeCard(message), inChannel: false }),
    send: ({ card, inChannel }) =>
      respond({
        response_type: inChannel ? 'in_channel' : 'ephemeral',
        text: card.text,
        blocks: card.blocks,
      }),
  });
}

async function run(
  subs: SubscribeDeps,
  request: SlackRequest,
  command: SubscriptionCommand,
  channelName: string | undefined,
): Promise<Reply> {
  const only = (card: Card): Reply => ({ card, inChannel: false });
  if (command.kind === 'invalid') return only(invalidCard(command.message));
  const channel = request.channel;
  const user = request.user;
  if (
    !channel ||
    !user ||
    channel.startsWith('D') ||
    channelName === 'directmessage' ||
    channelName?.startsWith('mpdm-')
  )
    return only(
      noticeCard(
        'Subscriptions are for channels: run this in the channel that should receive the recordings.',
      ),
    );
  try {
    if (!subs.inSharedChannels && (await subs.connect.isShared(channel, undefined, request.logger)))
      return only(
        noticeCard(
          'This channel is shared with another organisation (Slack Connect), so Focus recordings are not posted here.',
        ),
      );
    const where = { channel, team: request.team, user };
    switch (command.kind) {
      case 'subscribe': {
        const outcome = await subs.service.subscribe(command.target, where, request.logger);
        if (outcome.status === 'refused') return only(noticeCard(outcome.message));
        return {
          card: subscribedCard(outcome.subscription, outcome.status === 'subscribed', outcome.number),
          inChannel: outcome.status === 'subscribed',
        };
      }
      case 'subscriptions':
        return only(subscriptionsCard(await subs.service.list(channel)));
      case 'unsubscribe': {
        const removed = await subs.service.unsubscribe(command.which, where, request.logger);
        return { card: unsubscribedCard(removed, user), inChannel: removed.length > 0 };
      }
    }
  } catch (error) {
    request.logger.error('subscriptions.command_failed', { command: command.kind, error });
    return only(failureCard(failureCodeOf(error), request.requestId));
  }
}
