/**
 * The subscription limits checked before a subscription is added (`/focus subscribe`, import):
 * a channel or workspace at its limit gets a friendly refusal saying what to do. Subscribing again
 * to what the channel already follows is never refused (it changes nothing, or resumes it).
 */
import { SUBSCRIPTION_LIMITS } from '../domain/subscription-limits.js';
import { targetKey } from './subscription-rows.js';
import type { NewSubscription, SubscriptionStore } from './subscriptions.js';

export interface LimitRefusal {
  refused: string;
  limit: 'per_channel' | 'per_workspace';
  /** How many the channel or workspace holds now. */
  holds: number;
}

export async function checkLimits(
  store: Pick<SubscriptionStore, 'list' | 'countTeam'>,
  sub: Pick<NewSubscription, 'channel' | 'team' | 'target'>,
  limits: { perChannel: number; perWorkspace: number } = SUBSCRIPTION_LIMITS,
): Promise<LimitRefusal | undefined> {
  const inChannel = await store.list(sub.channel);
  const key = targetKey(sub.target);
  if (inChannel.some((s) => targetKey(s.target) === key)) return undefined;
  if (inChannel.length >= limits.perChannel)
    return {
      limit: 'per_channel',
      holds: inChannel.length,
      refused: `This channel already follows ${inChannel.length} numbers and people, the most one channel can (${limits.perChannel}). Stop one first (\`/focus subscriptions\` lists them, \`/focus unsubscribe <n>\` stops one), or follow it from another channel.`,
    };
  const inTeam = await store.countTeam(sub.team);
  if (inTeam >= limits.perWorkspace)
    return {
      limit: 'per_workspace',
      holds: inTeam,
      refused: `This workspace already has ${inTeam} subscriptions, the most it can (${limits.perWorkspace}). Stop some in channels that no longer need them (\`/focus unsubscribe\`), then subscribe again.`,
    };
  return undefined;
}
