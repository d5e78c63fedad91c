/**
 * Distribution mode: the Slack clients one workspace's subscriptions post and check with, made
 * with that installation's bot token (read again at each poll, so a rotated token is used from
 * the next poll on). Each workspace has its own per-method rate limits (`rate-limits.ts`: one
 * workspace's 429 pauses none of the others) and its own revocation (`revocation.ts`: a Web API
 * answer that says its token is gone stops its posts only). A new token comes with new ones.
 */
import { webApi } from '@slack/bolt';
import type { Logger } from '../../domain/logger.js';
import { WEB_API_RETRIES, WEB_API_TIMEOUT_MS } from './http.js';
import { perMethodRateLimits } from './rate-limits.js';
import { SlackRevocation, watchRevocation } from './revocation.js';

export interface WorkspaceSlack {
  /** The token these clients call with. */
  token: string;
  /** For the gate's calls (users.info, conversations.info): retries as Bolt's client does. */
  client: webApi.WebClient;
  /** For subscription posts: never retries (the channel poster's policy is the only one). */
  postClient: webApi.WebClient;
  /** Set once a Web API answer said this token is gone. */
  revocation: SlackRevocation;
}

export interface WorkspaceSlackOptions {
  apiUrl: string;
  logger: Logger;
  /** The app's HTTP pool to Slack (`http.ts`). */
  fetch: webApi.FetchFunction;
  /** The WebClient's own log lines, into the app's log (`inbound/bolt-logger.ts`). */
  clientLogger: webApi.Logger;
}

/** One workspace's clients, made anew when its token changes. */
export function workspaceSlack(options: WorkspaceSlackOptions): (token: string) => WorkspaceSlack {
  let current: WorkspaceSlack | undefined;
  return (token) => {
    if (current?.token === token) return current;
    const { apiUrl, logger } = options;
    const revocation = new SlackRevocation(
      logger,
      "this workspace's subscription posts stopped (kept in the store) until its next poll finds a new token (a reinstall)",
    );
    const limits = perMethodRateLimits({
      apiUrl,
      logger,
      fetch: watchRevocation({ apiUrl, revocation, fetch: options.fetch }),
    });
    const common = { slackApiUrl: apiUrl, logger: options.clientLogger, timeout: WEB_API_TIMEOUT_MS };
    current = {
      token,
      client: new webApi.WebClient(token, {
        ...common,
        retryConfig: WEB_API_RETRIES,
        rejectRateLimitedCalls: true,
        fetch: limits,
      }),
      postClient: new webApi.WebClient(token, {
        ...common,
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        fetch: limits.once,
      }),
      revocation,
    };
    return current;
  };
}
