/**
 * The process's last line of defence, installed by `main.ts` only (tests' in-process apps keep
 * Node's defaults, so a stray error still fails the test run). Each logs one structured line with
 * a reference id; only the error's name, message and code are written, through the scrubbing
 * logger, never a stack or the objects around it.
 * - An uncaught exception leaves the process in an unknown state: log, then exit 1 (the
 *   supervisor restarts it).
 * - An unhandled rejection is one failed promise nobody awaited: log it and keep serving.
 */

import { newRequestId } from './domain/interaction.js';
import type { Logger } from './domain/logger.js';

export interface LastResortOptions {
  logger: Logger;
  process?: Pick<NodeJS.Process, 'on'>;
  exit?: (code: number) => void;
}

export function installLastResortHandlers(options: LastResortOptions): void {
  const proc = options.process ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const { logger } = options;

  proc.on('uncaughtException', (error: unknown, origin: string) => {
    try {
      logger.error('process.uncaught_exception', {
        reference: newRequestId(),
        origin,
        error: describe(error),
      });
    } finally {
      exit(1);
    }
  });
  proc.on('unhandledRejection', (reason: unknown) => {
    logger.error('process.unhandled_rejection', { reference: newRequestId(), error: describe(reason) });
  });
}

function describe(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, code: (error as { code?: unknown }).code };
  }
  return { name: typeof error, message: String(error).slice(0, 200) };
}
