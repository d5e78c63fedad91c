/**
 * The app's HTTP to Slack, through one keep-alive undici agent. Answers posted to a
 * `response_url` (every slash-command and button answer) are plain pooled requests: the global
 * `fetch` that Bolt's `respond()` uses builds a web Response and tees every body into a stream,
 * several times the CPU. Web API calls (a form or JSON body) are plain pooled requests too, their
 * answer read whole and handed to the WebClient as a Response built from the text: through
 * undici's `fetch` a subscription post cost twice the CPU (about 1 ms), which a burst of posts
 * on a busy host could not spare. Failures read as `fetch` reports them (`fetch failed`, the
 * cause with its code; an aborted call, the signal's reason), which the WebClient and the
 * channel poster go by.
 *
 * The agent keeps at most `CONNECTIONS_PER_ORIGIN` connections to each origin (hooks.slack.com
 * for answers, slack.com for the Web API); requests beyond that wait for a free one. Unbounded,
 * as the global `fetch` is, a burst of 4,000 commands opened 4,000 sockets that lived on for the
 * keep-alive time: about 100 MB of resident memory that the process never gave back.
 */
import type { webApi } from '@slack/bolt';
import { Agent, fetch as undiciFetch } from 'undici';

type FetchInit = Parameters<webApi.FetchFunction>[1];
type FetchResponse = Awaited<ReturnType<webApi.FetchFunction>>;

export interface SlackHttp {
  /** A `fetch` for the Bolt app's client options: every request to Slack goes through the agent. */
  fetch: webApi.FetchFunction;
  close(): Promise<void>;
}

/** How long a Web API call may take, for every WebClient the app makes. */
export const WEB_API_TIMEOUT_MS = 10_000;

/**
 * The WebClient's retries for the calls the app makes itself (not posts: the channel poster's
 * policy is the only one a post goes through, and an OAuth code is good for one exchange).
 */
export const WEB_API_RETRIES = { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 };

/** Connections per Slack origin (a request takes a few ms on a warm connection). */
export const CONNECTIONS_PER_ORIGIN = 32;

export function slackHttp(options: { apiUrl: string; timeoutMs?: number }): SlackHttp {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new Agent({
    connections: CONNECTIONS_PER_ORIGIN,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const api = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;

  /** A POST on the pool: the agent's headersTimeout and bodyTimeout bound it, and the caller's signal. */
  const request = (url: URL, init: FetchInit) =>
    agent.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: init?.headers as Record<string, string>,
      body: init?.body as string,
      ...(init?.signal && { signal: init.signal }),
    });

  const webApiCall = async (url: URL, init: FetchInit): Promise<FetchResponse> => {
    try {
      const res = await request(url, init);
      const text = await res.body.text();
      const headers = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else if (value !== undefined) headers.set(name, value);
      }
      return new Response(text, { status: res.statusCode, headers }) as FetchResponse;
    } catch (error) {
      if (init?.signal?.aborted) throw init.signal.reason;
      throw new TypeError('fetch failed', { cause: error });
    }
  };

  const pooledPost = async (url: URL, init: FetchInit): Promise<FetchResponse> => {
    const res = await request(url, init);
    // Keep-alive needs the body read; Slack answers a response_url post with a short text.
    await res.body.dump();
    const ok = res.statusCode >= 200 && res.statusCode < 300;
    // What `respond()` reads of the answer: ok and status.
    return { ok, status: res.statusCode, statusText: ok ? 'OK' : 'Error' } as FetchResponse;
  };

  return {
    fetch: (input, init) => {
      const href = String(input);
      if (init?.method === 'POST' && typeof init.body === 'string') {
        return href.startsWith(api) ? webApiCall(new URL(href), init) : pooledPost(new URL(href), init);
      }
      // The WebClient passes the URL as a string; anything else keeps the global fetch.
      if (typeof input !== 'string' && !(input instanceof URL)) return fetch(input, init);
      return undiciFetch(href, {
        ...(init as object),
        dispatcher: agent,
      }) as unknown as Promise<FetchResponse>;
    },
    close: () => agent.close(),
  };
}
