/**
 * `REDIS_URL` read once: where Redis is, said without its secret. The URL may carry a password
 * (`redis://:secret@host:6379/0`); nothing built here, and no error thrown here, contains it or
 * the URL as given.
 */
import { StateError } from './errors.js';

export interface RedisTarget {
  /** `redis://host:port/db` (or `rediss://`): what logs and errors name. Never the user or password. */
  where: string;
  /** The URL as given, for the client only: never log it. */
  url: string;
  /** Secrets in the URL (the password, raw and decoded), for `scrub`. */
  secrets: readonly string[];
}

/** Reads a `redis://` or `rediss://` URL; a `StateError` (`state_invalid_url`) that never echoes it otherwise. */
export function parseRedisUrl(url: string): RedisTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Deliberately no cause: Node's "Invalid URL" error carries the input, password and all.
    throw invalid('it is not a URL');
  }
  const scheme = parsed.protocol.slice(0, -1);
  if (scheme !== 'redis' && scheme !== 'rediss') {
    throw invalid(`its scheme is ${JSON.stringify(scheme.slice(0, 20))}, not redis or rediss`);
  }
  if (!parsed.hostname) throw invalid('it names no host');
  const port = parsed.port ? Number(parsed.port) : 6379;
  const path = parsed.pathname.replace(/^\//, '');
  const database = path === '' ? 0 : Number(path);
  if (!/^\d*$/.test(path) || !Number.isSafeInteger(database)) {
    throw invalid('its path is not a database number (redis://host:6379/0)');
  }
  const secrets = new Set<string>();
  if (parsed.password) {
    secrets.add(parsed.password);
    try {
      secrets.add(decodeURIComponent(parsed.password));
    } catch {
      // An undecodable password is still scrubbed in its raw form.
    }
  }
  return {
    where: `${scheme}://${parsed.hostname}:${port}/${database}`,
    url,
    secrets: [...secrets].filter((s) => s.length > 0),
  };
}

/** `text` with every secret of the target replaced by `***` (for messages that quote a client error). */
export function scrub(text: string, target: Pick<RedisTarget, 'secrets' | 'url'>): string {
  if (target.secrets.length === 0) return text;
  let out = text.split(target.url).join('(REDIS_URL)');
  for (const secret of target.secrets) out = out.split(secret).join('***');
  return out;
}

function invalid(why: string): StateError {
  return new StateError(
    'state_invalid_url',
    '(REDIS_URL)',
    `REDIS_URL is not a Redis URL (${why}): write it as redis://[:password@]host[:port][/db], or rediss:// for TLS`,
  );
}
