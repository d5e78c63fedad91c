/** What every Slack listener shares: the answerer, the logger, and the access check. */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from '../domain/logger.js';
import { type DenyReason, denialMessage } from './access.js';
import type { Answerer, Asker, Surface } from './answer.js';

/** Why someone may not look things up here; undefined when they may. */
export interface Denial {
  reason: DenyReason;
  /** A friendly explanation, shown to the user. */
  message: string;
}

export type AccessCheck = (who: {
  surface: Surface;
  user?: string;
  channel?: string;
  team?: string;
}) => Promise<Denial | undefined>;

export interface SurfaceDeps {
  answerer: Answerer;
  logger: Logger;
  access: AccessCheck;
  /** Called once per delivered answer (metrics). */
  onDelivery?: (surface: Surface, result: 'ok' | 'failed') => void;
  /** Called once per denial (metrics). */
  onDenial?: (surface: Surface, reason: DenyReason) => void;
}

/** Checks access and logs a denial; returns the denial to show, if any. */
export async function checkAccess(deps: SurfaceDeps, asker: Asker): Promise<Denial | undefined> {
  const denial = await deps.access(asker).catch((error: unknown): Denial => {
    deps.logger.error('access.check_failed', { error, surface: asker.surface });
    return { reason: 'check_failed', message: denialMessage('check_failed') };
  });
  if (denial) {
    deps.onDenial?.(asker.surface, denial.reason);
    deps.logger.warn('access.denied', {
      surface: asker.surface,
      user: asker.user,
      channel: asker.channel,
      team: asker.team,
      reason: denial.reason,
    });
  }
  return denial;
}

/**
 * Called right after an ack: lets the event loop read the requests already waiting (and send
 * their acks) before this one's parsing, lookup and rendering, so a burst is acked first.
 */
export function afterAck(): Promise<void> {
  return nextTurn();
}
