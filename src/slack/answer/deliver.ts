/**
 * The one path every Slack surface takes after its ack: check who asks (`access/`), build the
 * answer (or the refusal), send it, and count and log the delivery. Surfaces differ only in how
 * they send, and in whether what they send is for the asker alone or for the conversation.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { App } from '@slack/bolt';
import { type AccessPolicy, type DenyReason, denialMessage } from '../../access/policy.js';
import type { Asker, Surface } from '../../domain/interaction.js';
import type { Card } from '../../render/blocks.js';
import { noticeCard } from '../../render/status.js';
import type { StateStore } from '../../state/index.js';
import type { SubscriptionService } from '../../subscriptions/service.js';
import type { Home } from '../inbound/request.js';
import type { Answerer } from './answer.js';
import type { ConnectChannels } from './connect.js';
import type { PrivateConversations } from './private-conversation.js';
import type { RecentLookups } from './recent.js';

/** Why someone may not look things up here; undefined when they may. */
export interface Denial {
  reason: DenyReason;
  /** A friendly explanation, shown to the user. */
  message: string;
}

export interface SurfaceDeps {
  answerer: Answerer;
  policy: AccessPolicy;
  /** The installation's workspace and organisation (an asker from another one is external). */
  home: Home;
  /** Slack Connect: is a conversation shared, is a user from another organisation. */
  connect: ConnectChannels;
  /** Is a conversation seen by a link's paster alone (no consent needed then). */
  conversations: PrivateConversations;
  /**
   * The client for the calls the app makes itself in this workspace (Home tab, consent prompts,
   * channel notices): the newest one Bolt built with its installation's token.
   */
  slackClient(): App['client'];
  /** Each person's recent lookups here, for their Home tab (absent: HOME_RECENT_LOOKUPS=false). */
  recent?: RecentLookups | undefined;
  /**
   * The workspace's subscriptions (`/focus subscribe`, the Home tab's part); absent where they are
   * not served (the console's workspace, an org-wide install answered from a workspace's own tenant).
   */
  subscriptions: SubscriptionService | undefined;
  /** SLACK_CONNECT_ALLOWED: answers the conversation sees may go to Slack Connect conversations. */
  slackConnectAllowed: boolean;
  /** State shared by the surfaces (unfurl memory); see `src/state`. */
  state: StateStore;
  /**
   * Distribution mode: the installation key whose `ws:<key>:` prefix holds this workspace's
   * state, kept choices included, so forgetting the workspace finds them (state/workspace-data.ts).
   */
  scope?: string | undefined;
  /** Called once per delivery attempt (metrics). */
  onDelivery?: (surface: Surface, result: 'ok' | 'failed') => void;
  /** Called once per denial (metrics). */
  onDenial?: (surface: Surface, reason: DenyReason) => void;
}

/**
 * Checks access for this asker and logs a denial; returns the denial to show, if any. On success
 * the asker carries its linked Focus portal user (when linked users are required). Never throws.
 */
export async function checkAccess(deps: SurfaceDeps, asker: Asker): Promise<Denial | undefined> {
  let reason: DenyReason | undefined;
  try {
    // A payload that does not name the user's organisation: only a shared conversation can
    // hold someone from another one, and there Slack is asked who they are (kept a while).
    if (asker.external === undefined && asker.user) {
      if (asker.sharedConversation === undefined && asker.channel)
        asker.sharedConversation = await deps.connect.isShared(asker.channel, undefined, asker.logger);
      asker.external =
        asker.sharedConversation === false
          ? false
          : await deps.connect.isExternalUser(asker.user, asker.logger);
    }
    const decision = await deps.policy.check(asker);
    if (decision.allowed) asker.linked = decision.linked;
    else reason = decision.reason;
  } catch (error) {
    asker.logger.error('access.check_failed', { error });
    reason = 'check_failed';
  }
  if (reason === undefined) return undefined;
  deps.onDenial?.(asker.surface, reason);
  asker.logger.warn('access.denied', { user: asker.user, channel: asker.channel, team: asker.team, reason });
  return { reason, message: denialMessage(reason) };
}

/**
 * Whether an answer the whole conversation sees may be made here: not in a Slack Connect
 * conversation unless SLACK_CONNECT_ALLOWED. Unknown (a failed `conversations.info`) counts as shared.
 */
export async function conversationMaySee(deps: SurfaceDeps, asker: Asker): Promise<boolean> {
  if (deps.slackConnectAllowed) return true;
  if (asker.sharedConversation === undefined && asker.channel)
    asker.sharedConversation = await deps.connect.isShared(asker.channel, undefined, asker.logger);
  return asker.sharedConversation === false;
}

const ONE_DAY_MS = 24 * 3_600_000;

/**
 * Where nobody asked the app (a watched channel, a pasted link), a refused asker is told nothing,
 * except an external user: they are told once a day per conversation and surface, in a message only they
 * see, that the app answers its own organisation only.
 */
export async function refuseExternalOnce(
  deps: SurfaceDeps,
  asker: Asker,
  denial: Denial,
  post: (card: Card) => Promise<unknown>,
): Promise<void> {
  if (denial.reason !== 'external_user' || !asker.user || !asker.channel) return;
  const first = await deps.state
    .claim(`refused:${asker.surface}:${asker.channel}:${asker.user}`, ONE_DAY_MS)
    .catch(() => false);
  if (first) await deliver(deps, asker, () => post(noticeCard(denial.message)));
}

/**
 * Sends, counting the outcome; a failure is logged, never thrown. True when Slack took it.
 * `step` names a first step of a delivery that has more to come (counted only if it fails).
 */
export async function deliver(
  deps: SurfaceDeps,
  asker: Asker,
  send: () => Promise<unknown>,
  step?: string,
): Promise<boolean> {
  try {
    await send();
    if (!step) deps.onDelivery?.(asker.surface, 'ok');
    return true;
  } catch (error) {
    deps.onDelivery?.(asker.surface, 'failed');
    asker.logger.error('slack.delivery_failed', { ...(step && { step }), error });
    return false;
  }
}

export interface Reply<T> {
  /** The answer, when the asker may have one. */
  answer(): Promise<T>;
  /** What a refused asker is told; absent: nothing (a preview, a watched channel). */
  refusal?(message: string): T;
  /** Sends the answer or the refusal. */
  send(result: T, refused: boolean): Promise<unknown>;
}

/** Access, then the answer or the refusal, then delivery: the whole of a surface's work. */
export async function serve<T>(deps: SurfaceDeps, asker: Asker, reply: Reply<T>): Promise<void> {
  const denial = await checkAccess(deps, asker);
  if (denial && !reply.refusal) return;
  const result = denial && reply.refusal ? reply.refusal(denial.message) : await reply.answer();
  await deliver(deps, asker, () => reply.send(result, denial !== undefined));
}

/**
 * Called right after an ack: lets the event loop read the requests already waiting (and send
 * their acks) before this one's parsing, lookup and rendering, so a burst is acked first.
 */
export function afterAck(): Promise<void> {
  return nextTurn();
}
