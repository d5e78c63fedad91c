/** Bolt's logger interface onto the app's structured logger (so Bolt's lines are scrubbed too). */
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../domain/logger.js';

export function boltLogger(logger: Logger, initial: LogLevel = LogLevel.WARN): BoltLogger {
  let level = initial;
  const order = [LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR];
  const enabled = (l: LogLevel) => order.indexOf(l) >= order.indexOf(level);
  const text = (msgs: unknown[]) => msgs.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  return {
    debug: (...msgs) => enabled(LogLevel.DEBUG) && logger.debug('bolt', { message: text(msgs) }),
    info: (...msgs) => enabled(LogLevel.INFO) && logger.info('bolt', { message: text(msgs) }),
    warn: (...msgs) => enabled(LogLevel.WARN) && logger.warn('bolt', { message: text(msgs) }),
    error: (...msgs) => enabled(LogLevel.ERROR) && logger.error('bolt', { message: text(msgs) }),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
