/**
 * Channel messages as Slack keeps them, for the fakes of the Slack Web API (the test helper and
 * the subscriptions bench): `chat.postMessage` adds one, with a `ts` that only grows, from the
 * clock, and `conversations.history` answers as Slack documents it: newest first; `oldest` and
 * `latest` exclusive unless `inclusive`; `limit` (default 100, at most 999); `has_more`, and then
 * `response_metadata.next_cursor` for the next page (`cursor`); each message's `metadata` only
 * with `include_all_metadata`. Arguments arrive as the Web API client sends them: form fields
 * (objects as JSON text) or JSON.
 */

export interface SlackMessage {
  type: 'message';
  ts: string;
  text?: string;
  blocks?: unknown;
  user: string;
  bot_id: string;
  app_id: string;
  team: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** Who posts: the app's bot, as `auth.test` in the fakes names it. */
const AUTHOR = { user: 'UBOT', bot_id: 'BBOT', app_id: 'A1', team: 'T1' };

/** A form field that carries an object (`blocks`, `metadata`) as JSON text, or the object itself. */
function objectField(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

const truthy = (value: unknown) => value === true || value === 'true' || value === '1' || value === 1;

/** `ts` ("seconds.micro") as whole microseconds; NaN when it is not one. */
function micros(ts: unknown): number {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(String(ts ?? ''));
  if (!match) return Number.NaN;
  return Number(match[1]) * 1e6 + Number((match[2] ?? '').padEnd(6, '0'));
}

const tsOf = (us: number) => `${Math.floor(us / 1e6)}.${String(us % 1e6).padStart(6, '0')}`;

export class ChannelHistory {
  /** Each channel's messages, oldest first. */
  private readonly channels = new Map<string, SlackMessage[]>();
  private lastUs = 0;

  /** Adds the message `chat.postMessage` was asked to post; returns it as stored. */
  post(args: Record<string, unknown>): SlackMessage {
    this.lastUs = Math.max(this.lastUs + 1, Date.now() * 1000);
    const metadata = objectField(args.metadata) as SlackMessage['metadata'] | undefined;
    const message: SlackMessage = {
      type: 'message',
      ts: tsOf(this.lastUs),
      ...(typeof args.text === 'string' && { text: args.text }),
      ...(args.blocks !== undefined && { blocks: objectField(args.blocks) }),
      ...AUTHOR,
      ...(metadata?.event_type && { metadata }),
    };
    const channel = String(args.channel ?? '');
    const list = this.channels.get(channel) ?? [];
    list.push(message);
    this.channels.set(channel, list);
    return message;
  }

  /** The messages of a channel, oldest first (what everyone in it sees). */
  messagesIn(channel: string): SlackMessage[] {
    return [...(this.channels.get(channel) ?? [])];
  }

  /** The answer of `conversations.history` to these arguments. */
  history(args: Record<string, unknown>): Record<string, unknown> {
    if (typeof args.channel !== 'string' || args.channel === '')
      return { ok: false, error: 'channel_not_found' };
    const inclusive = truthy(args.inclusive);
    const oldest = args.oldest === undefined ? 0 : micros(args.oldest);
    const latest = args.latest === undefined ? Number.POSITIVE_INFINITY : micros(args.latest);
    if (Number.isNaN(oldest) || Number.isNaN(latest)) return { ok: false, error: 'invalid_ts_oldest' };
    const limit = Math.min(999, Math.max(1, Number(args.limit ?? 100) || 100));
    let from = Number.POSITIVE_INFINITY;
    if (typeof args.cursor === 'string' && args.cursor !== '') {
      const decoded = /^next_ts:(\d+\.\d+)$/.exec(Buffer.from(args.cursor, 'base64').toString());
      if (!decoded) return { ok: false, error: 'invalid_cursor' };
      from = micros(decoded[1]);
    }
    const inRange = (this.channels.get(args.channel) ?? [])
      .filter((m) => {
        const t = micros(m.ts);
        return (inclusive ? t >= oldest : t > oldest) && (inclusive ? t <= latest : t < latest) && t <= from;
      })
      .reverse();
    const page = inRange.slice(0, limit);
    const next = inRange[limit];
    const withMetadata = truthy(args.include_all_metadata);
    return {
      ok: true,
      messages: page.map(({ metadata, ...m }) => (withMetadata && metadata ? { ...m, metadata } : m)),
      has_more: next !== undefined,
      pin_count: 0,
      response_metadata: {
        next_cursor: next ? Buffer.from(`next_ts:${next.ts}`).toString('base64') : '',
      },
    };
  }
}
