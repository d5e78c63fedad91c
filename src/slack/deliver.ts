/**
 * The one path every Slack surface takes after its ack: check access, build the answer (or the
 * refusal), send it, and count and log the delivery. Surfaces differ only in how they send.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Surface } from '../domain/interaction.js';
import type { StateStore } from '../state/index.js';
import { type DenyReason, denialMessage } from './access.js';
import type { Answerer } from './answer.js';
import type { SlackRequest } from './request.js';

/** Why someone may not look things up here; undefined when they may. */
export interface Denial {
  reason: DenyReason;
  /** A friendly explanation, shown to the user. */
  message: string;
}

export type AccessCheck = (request: SlackRequest) => Promise<Denial | undefined>;

export interface SurfaceDeps {
  answerer: Answerer;
  access: AccessCheck;
  /** State shared by the surfaces (unfurl memory); see `src/state`. */
  state: StateStore;
  /** Called once per delivery attempt (metrics). */
  onDelivery?: (surface: Surface, result: 'ok' | 'failed') => void;
  /** Called once per denial (metrics). */
  onDenial?: (surface: Surface, reason: DenyReason) => void;
}

/** Checks access and logs a denial; returns the denial to show, if any. Never throws. */
export async function checkAccess(deps: SurfaceDeps, request: SlackRequest): Promise<Denial | undefined> {
  const denial = await deps.access(request).catch((error: unknown): Denial => {
    request.logger.error('access.check_failed', { error });
    return { reason: 'check_failed', message: denialMessage('check_failed') };
  });
  if (denial) {
    deps.onDenial?.(request.surface, denial.reason);
    request.logger.warn('access.denied', {
      user: request.user,
      channel: request.channel,
      team: request.team,
      reason: denial.reason,
    });
  }
  return denial;
}

/**
 * Sends, counting the outcome; a failure is logged, never thrown. True when Slack took it.
 * `step` names a first step of a delivery that has more to come (counted only if it fails).
 */
export async function deliver(
  deps: SurfaceDeps,
  request: SlackRequest,
  send: () => Promise<unknown>,
  step?: string,
): Promise<boolean> {
  try {
    await send();
    if (!step) deps.onDelivery?.(request.surface, 'ok');
    return true;
  } catch (error) {
    deps.onDelivery?.(request.surface, 'failed');
    request.logger.error('slack.delivery_failed', { ...(step && { step }), error });
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
export async function serve<T>(deps: SurfaceDeps, request: SlackRequest, reply: Reply<T>): Promise<void> {
  const denial = await checkAccess(deps, request);
  if (denial && !reply.refusal) return;
  const result = denial && reply.refusal ? reply.refusal(denial.message) : await reply.answer();
  await deliver(deps, request, () => reply.send(result, denial !== undefined));
}

/**
 * Called right after an ack: lets the event loop read the requests already waiting (and send
 * their acks) before this one's parsing, lookup and rendering, so a burst is acked first.
 */
export function afterAck(): Promise<void> {
  return nextTurn();
}
