/**
 * `/focus subscribe | subscriptions | unsubscribe` in a channel. Only in channels (not DMs or
 * group DMs). Subscribing needs everything a lookup needs, the Focus rights to see what will be
 * posted, and a channel that is not Slack Connect (unless SLACK_CONNECT_ALLOWED). Listing and
 * unsubscribing need only a member of the organisation: a channel the policy now refuses can
 * still see and stop what it follows. Subscribing and unsubscribing answer in the channel, so its
 * members see who made the channel follow what; the list answers only the asker.
 */

import { rightMissing } from '../../access/rights.js';
import type { Asker } from '../../domain/interaction.js';
import { failureCodeOf } from '../../domain/outcome.js';
import type { SubscriptionCommand } from '../../domain/subscription.js';
import type { Card } from '../../render/blocks.js';
import { withheldText } from '../../render/kit.js';
import { failureCard, infoCard, invalidCard, noticeCard } from '../../render/status.js';
import { subscribedCard, subscriptionsCard, tunedCard, unsubscribedCard } from '../../render/subscription.js';
import { subscriptionsUnavailableCard } from '../../render/workspace.js';
import type { SubscriptionService } from '../../subscriptions/service.js';
import { checkAccess, conversationMaySee, deliver, type SurfaceDeps } from '../answer/deliver.js';

interface Reply {
  card: Card;
  inChannel: boolean;
}

/**
 * Answers a subscription command with `respond`; where the workspace serves no subscriptions
 * (`deps.subscriptions` absent), says so, after the same access check.
 */
export async function answerSubscription(
  deps: SurfaceDeps,
  asker: Asker,
  command: SubscriptionCommand,
  where: { channelName: string | undefined },
  respond: (message: Record<string, unknown>) => Promise<unknown>,
): Promise<void> {
  const denial = await checkAccess(deps, asker);
  // Seeing and stopping what a channel follows needs only a member of the organisation.
  const mayManage = !denial || (command.kind !== 'subscribe' && denial.reason !== 'external_user');
  const service = deps.subscriptions;
  const reply: Reply = !mayManage
    ? { card: noticeCard(denial.message), inChannel: false }
    : service
      ? await run(deps, service, asker, command, where.channelName)
      : { card: subscriptionsUnavailableCard(), inChannel: false };
  await deliver(deps, asker, () =>
    respond({
      response_type: reply.inChannel ? 'in_channel' : 'ephemeral',
      text: reply.card.text,
      blocks: reply.card.blocks,
    }),
  );
}

async function run(
  deps: SurfaceDeps,
  service: SubscriptionService,
  request: Asker,
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
      infoCard('Subscriptions are for channels: run this in the channel that should receive the recordings.'),
    );
  try {
    const where = { channel, team: request.team, user };
    switch (command.kind) {
      case 'subscribe': {
        if (!(await conversationMaySee(deps, request)))
          return only(
            // Slack would not say what the channel is: a private one the app was not invited to.
            deps.connect.cannotSee(channel)
              ? infoCard(
                  'I am not in this channel, so I cannot post recordings here. Invite me first (`/invite @Focus`), then subscribe again.',
                )
              : noticeCard(
                  'This channel is shared with another organisation (Slack Connect), so Focus recordings are not posted here.',
                ),
          );
        const right = subscribeRightMissing(deps, request, command.target.kind);
        if (right) return only(noticeCard(withheldText('subscribe a channel to recordings', right)));
        const { target, filters, format } = command;
        const outcome = await service.subscribe(target, where, request.logger, { filters, format });
        // Nobody or several people match: what to type instead, not a refusal.
        if (outcome.status === 'refused') return only(infoCard(outcome.message));
        // What the channel gets changed: its members see who changed it, as with a subscribe.
        if (outcome.status === 'changed')
          return { card: tunedCard(outcome.subscription, outcome.number, user), inChannel: true };
        return {
          card: subscribedCard(
            outcome.subscription,
            outcome.status === 'subscribed',
            outcome.number,
            outcome.note,
          ),
          inChannel: outcome.status === 'subscribed',
        };
      }
      case 'subscriptions':
        return only(subscriptionsCard(await service.list(channel)));
      case 'unsubscribe': {
        const removed = await service.unsubscribe(command.which, where, request.logger);
        return { card: unsubscribedCard(removed, user), inChannel: removed.length > 0 };
      }
    }
  } catch (error) {
    request.logger.error('subscriptions.command_failed', { command: command.kind, error });
    return only(failureCard(failureCodeOf(error), request.requestId));
  }
}

/** Posts show recordings (and, for a person, who they are): the subscriber needs the rights for both. */
export function subscribeRightMissing(
  deps: SurfaceDeps,
  asker: Asker,
  target: 'phone' | 'person',
): string | undefined {
  const rights = { map: deps.policy.rights, required: deps.policy.requireLinkedUser };
  return rightMissing(rights, 'recordings', asker.linked) ?? rightMissing(rights, target, asker.linked);
}
