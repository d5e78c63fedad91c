/**
 * Whether Slack still takes this app's token. It stops for good (for this process) when the app
 * is uninstalled, its bot token is revoked (`app_uninstalled`, `tokens_revoked`), or any Web API
 * call answers `account_inactive`, `token_revoked` or `invalid_auth`: then the subscriptions
 * poller stops, nothing more is posted, and `/readyz` answers 503 with the reason. The
 * subscriptions stay in the store for a reinstall, which brings a new token and a restart.
 *
 * `watchRevocation` is the `fetch` every Web API call goes through, so the answers are seen in
 * one place whichever call gets them.
 */
import type { webApi } from '@slack/bolt';
import type { Logger } from '../../domain/logger.js';

/** Slack's answers that mean the token no longer works (no call with it will succeed). */
export const REVOKED_ERRORS: ReadonlySet<string> = new Set([
  'account_inactive',
  'token_revoked',
  'invalid_auth',
]);

export interface Revoked {
  /** `app_uninstalled`, `tokens_revoked`, or the Web API error that said so. */
  reason: string;
  /** ISO-8601 UTC. */
  at: string;
}

export class SlackRevocation {
  private state: Revoked | undefined;
  private readonly listeners: Array<(revoked: Revoked) => void> = [];

  constructor(
    private readonly logger: Logger,
    /** What losing the token stops, for the log line (default: the whole app's, one token). */
    private readonly effect = 'subscriptions stopped (kept in the store), nothing more is posted, /readyz answers 503; reinstall the app and restart',
  ) {}

  /** Set once the token is gone; undefined while it works. */
  get revoked(): Revoked | undefined {
    return this.state;
  }

  /** Calls `listener` when the token goes (at once if it has gone already). */
  onRevoked(listener: (revoked: Revoked) => void): void {
    this.listeners.push(listener);
    if (this.state) listener(this.state);
  }

  /** The first call wins; later ones change nothing. */
  revoke(reason: string, detail: Record<string, unknown> = {}): void {
    if (this.state) return;
    this.state = { reason, at: new Date().toISOString() };
    this.logger.error('slack.revoked', {
      reason,
      ...detail,
      effect: this.effect,
    });
    for (const listener of this.listeners) {
      try {
        listener(this.state);
      } catch (error) {
        this.logger.error('slack.revoked_listener_failed', { error });
      }
    }
  }
}

/**
 * A `fetch` for the WebClient that reads each Web API answer's `error` and revokes on the ones
 * that mean the token is gone. Other URLs (response_url posts) go straight through.
 */
export function watchRevocation(options: {
  apiUrl: string;
  revocation: SlackRevocation;
  fetch: webApi.FetchFunction;
}): webApi.FetchFunction {
  const base = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;
  return async (url, init) => {
    const response = await options.fetch(url, init);
    const href = String(url);
    if (!href.startsWith(base) || !response.ok) return response;
    if (!(response.headers.get('content-type') ?? '').includes('json')) return response;
    // Read here (Web API answers are small JSON), then handed on as an identical response.
    const text = await response.text();
    if (text.includes('"ok":false')) {
      const error = errorOf(text);
      if (error !== undefined && REVOKED_ERRORS.has(error)) {
        options.revocation.revoke(error, { method: href.slice(base.length).split('?')[0] ?? '' });
      }
    }
    return new Response(text, {
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers.entries()],
    });
  };
}

function errorOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown } | null;
    return typeof body?.error === 'string' ? body.error : undefined;
  } catch {
    return undefined;
  }
}
