/**
 * The structured logger: one JSON line per event on stdout. Every string that reaches a
 * line is scrubbed: configured secrets become `[redacted]`, bearer tokens and JWTs are cut,
 * and phone numbers keep only their last 3 digits.
 */
import type { LogFields, Logger } from './domain/logger.js';
import { maskPhone } from './domain/mask.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type Level = keyof typeof LEVELS;

export interface LoggerOptions {
  level: Level;
  /** Values never to print (API key, tokens, signing secret). */
  secrets?: readonly string[];
  write?: (line: string) => void;
  now?: () => Date;
}

const JWT = /\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;
const SLACK_TOKEN = /\bx(?:ox[abposr]|app)-[\w-]+/g;
const BEARER = /\b(Bearer\s+)\S+/gi;
const HAS_DIGIT = /\d/;

export function createLogger(options: LoggerOptions): Logger {
  const write = options.write ?? bufferedStdout();
  const now = options.now ?? (() => new Date());
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  const min = LEVELS[options.level];

  // Each pattern runs only on text that could hold it: most fields are ids and enums.
  const scrub = (text: string): string => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    if (out.includes('eyJ')) out = out.replace(JWT, '[jwt]');
    if (out.includes('xox') || out.includes('xapp')) out = out.replace(SLACK_TOKEN, '[slack-token]');
    if (/bearer/i.test(out)) out = out.replace(BEARER, '$1[redacted]');
    return HAS_DIGIT.test(out) ? maskPhone(out) : out;
  };
  const clean = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (value instanceof Error) {
      return { name: value.name, message: scrub(value.message), code: (value as { code?: unknown }).code };
    }
    if (depth > 4 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.slice(0, 50).map((v) => clean(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(v, depth + 1)]));
  };

  const make = (bound: LogFields): Logger => {
    const emit = (level: Level, event: string, fields?: LogFields) => {
      if (LEVELS[level] < min) return;
      const line = { time: now().toISOString(), level, event, ...bound, ...fields };
      write(JSON.stringify(clean(line, 0)));
    };
    return {
      debug: (event, fields) => emit('debug', event, fields),
      info: (event, fields) => emit('info', event, fields),
      warn: (event, fields) => emit('warn', event, fields),
      error: (event, fields) => emit('error', event, fields),
      child: (fields) => make({ ...bound, ...fields }),
    };
  };
  return make({});
}

/**
 * Lines for stdout, written together once per turn of the event loop: a write to a pipe is a
 * blocking system call on Linux, and under load one per line showed in the profile. Whatever is
 * buffered is written when the process exits.
 */
function bufferedStdout(): (line: string) => void {
  let lines: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (lines.length === 0) return;
    const text = `${lines.join('\n')}\n`;
    lines = [];
    process.stdout.write(text);
  };
  process.on('exit', flush);
  return (line) => {
    lines.push(line);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}
