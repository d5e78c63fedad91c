/**
 * Drives one Slack app over HTTP the way Slack does: signed slash-command posts (v0 HMAC, the
 * exact form content type, the body as a string), each with its own response_url on the fake
 * Slack, so the ack (HTTP 200) and the card's arrival can both be timed.
 */
import { Pool } from 'undici';
import { signSlackRequest, slashCommandBody } from '../test/helpers/fake-slack.js';
import type { BenchSlack } from './fake-slack.js';

export interface Prepared {
  body: string;
  headers: Record<string, string>;
  /** performance.now() when the card arrived at the response_url. */
  arrived: Promise<number>;
  /** The card's body as posted (empty unless the fake Slack keeps answers). */
  answer: Promise<string>;
}

export interface Sent {
  status: number;
  startedAt: number;
  ackMs: number;
}

export class SlackDriver {
  private readonly pool: Pool;

  constructor(
    readonly origin: string,
    private readonly secret: string,
    private readonly slack: BenchSlack,
    connections = 4_096,
  ) {
    this.pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  }

  /**
   * A signed `/focus <text>` with a fresh response_url; prepared ahead so a burst costs no hashing.
   * `fields` override the command's form fields (e.g. `team_id`, for an app with many workspaces).
   */
  prepare(text: string, cardTimeoutMs = 15_000, fields?: Record<string, string>): Prepared {
    const { url, arrived, body: answer } = this.slack.responseUrl(cardTimeoutMs);
    const body = slashCommandBody(text, url, fields);
    return { body, headers: signSlackRequest(this.secret, body), arrived, answer };
  }

  async send(p: Prepared): Promise<Sent> {
    const startedAt = performance.now();
    try {
      const res = await this.pool.request({
        method: 'POST',
        path: '/slack/events',
        headers: p.headers,
        body: p.body,
      });
      await res.body.dump();
      return { status: res.statusCode, startedAt, ackMs: performance.now() - startedAt };
    } catch {
      return { status: 0, startedAt, ackMs: performance.now() - startedAt };
    }
  }

  /** One lookup: the ack and the request-to-card time (NaN when no card came). */
  async lookup(text: string, cardTimeoutMs?: number): Promise<{ ackMs: number; cardMs: number }> {
    const p = this.prepare(text, cardTimeoutMs);
    const sent = await this.send(p);
    const cardMs = await p.arrived.then(
      (at) => at - sent.startedAt,
      () => Number.NaN,
    );
    return { ackMs: sent.status === 200 ? sent.ackMs : Number.NaN, cardMs };
  }

  /** Opens `n` keep-alive connections (n concurrent GET /healthz), so a burst times requests, not TCP connects. */
  async openConnections(n: number): Promise<void> {
    await Promise.all(
      Array.from({ length: n }, () =>
        this.pool.request({ method: 'GET', path: '/healthz' }).then(
          (r) => r.body.dump(),
          () => {},
        ),
      ),
    );
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}
