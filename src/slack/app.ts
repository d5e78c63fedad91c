/**
 * The Bolt app: HTTP mode (signing secret; `POST /slack/events`, `/healthz`, `/readyz`) or
 * Socket Mode (app token). `deferInitialization` so a bad token fails at boot, clearly.
 */
import type { Server } from 'node:http';
import { App, type CustomRoute } from '@slack/bolt';
import { LRUCache } from 'lru-cache';
import type { SlackMode } from '../config.js';
import type { Logger } from '../domain/logger.js';
import { registerActions } from './actions.js';
import type { Answerer } from './answer.js';
import { boltLogger } from './bolt-logger.js';
import { registerCommand } from './command.js';
import { registerMentions } from './mention.js';
import { registerShortcut } from './shortcut.js';
import { type AccessCheck, allowEveryone, type SurfaceDeps } from './surface.js';
import { registerUnfurls } from './unfurl.js';

export interface SlackAppOptions {
  mode: Exclude<SlackMode, { kind: 'console' }>;
  apiUrl: string;
  port: number;
  answerer: Answerer;
  logger: Logger;
  /** Resolves true when Focus authentication works. */
  ready: () => Promise<boolean>;
  access?: AccessCheck;
  unfurlInSharedChannels: boolean;
  watchChannelIds: string[];
}

export interface RunningSlackApp {
  app: App;
  /** The HTTP port actually bound (PORT=0 picks one). */
  port: number | undefined;
  stop(): Promise<void>;
}

export async function startSlackApp(options: SlackAppOptions): Promise<RunningSlackApp> {
  const { mode, logger } = options;
  const common = {
    token: mode.botToken,
    deferInitialization: true,
    logger: boltLogger(logger),
    customRoutes: healthRoutes(options.ready),
    clientOptions: {
      slackApiUrl: options.apiUrl,
      timeout: 10_000,
      retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    },
  };
  const app =
    mode.kind === 'http'
      ? new App({ ...common, signingSecret: mode.signingSecret })
      : new App({ ...common, socketMode: true, appToken: mode.appToken });

  app.error(async (error) => {
    logger.error('slack.listener_error', { error });
  });
  // Slack redelivers an event it thinks was missed (X-Slack-Retry-Num): answer each event once.
  const seenEvents = new LRUCache<string, true>({ max: 10_000, ttl: 60 * 60_000 });
  app.use(async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string') {
      if (seenEvents.has(eventId)) {
        logger.info('slack.duplicate_event', { eventId });
        return;
      }
      seenEvents.set(eventId, true);
    }
    await next();
  });
  const deps: SurfaceDeps = { answerer: options.answerer, logger, access: options.access ?? allowEveryone };
  registerCommand(app, deps);
  registerActions(app, deps);
  registerShortcut(app, deps);
  registerUnfurls(app, deps, { unfurlInSharedChannels: options.unfurlInSharedChannels });
  registerMentions(app, deps, { watchChannelIds: options.watchChannelIds });

  await app.init();
  const started = await app.start(options.port);
  const address = mode.kind === 'http' ? (started as Server).address() : undefined;
  const port = typeof address === 'object' && address ? address.port : undefined;
  logger.info('slack.started', { mode: mode.kind, port });
  return { app, port, stop: () => app.stop() as Promise<void> };
}

function healthRoutes(ready: () => Promise<boolean>): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"ok"}');
      },
    },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        ready().then(
          (ok) => {
            res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ status: ok ? 'ready' : 'focus_unavailable' }));
          },
          () => {
            res.writeHead(503, { 'content-type': 'application/json' });
            res.end('{"status":"focus_unavailable"}');
          },
        );
      },
    },
  ];
}
