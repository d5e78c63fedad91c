/**
 * Which workspace a request is for, and what answers it there. Every surface gets its
 * `SurfaceDeps` per request from one `WorkspaceResolver`, consulted through Bolt's context: a
 * global middleware (`slack/app.ts`) puts this request's workspace on the context, resolved on
 * first ask, and a surface reads it with `workspaceOf(context)`.
 *
 * The workspace is Bolt's authorization (`context.teamId`, `enterpriseId`, `isEnterpriseInstall`)
 * and the listener's `client` (Bolt builds it with that installation's token), never a payload's
 * `team`: a Slack Connect event can come from the other organisation. Single-workspace mode
 * (SLACK_BOT_TOKEN) resolves every request to the one workspace built at start.
 */
import type { App, Context } from '@slack/bolt';
import { AccessPolicy } from '../../access/policy.js';
import type { PortalUser } from '../../domain/focus.js';
import type { Logger } from '../../domain/logger.js';
import type { RightsMap } from '../../domain/rights.js';
import type { Card } from '../../render/blocks.js';
import { workspaceProblemCard } from '../../render/workspace.js';
import type { StateStore } from '../../state/index.js';
import type { SubscriptionService } from '../../subscriptions/service.js';
import type { Home } from '../inbound/request.js';
import type { Answerer } from './answer.js';
import { ConnectChannels } from './connect.js';
import type { SurfaceDeps } from './deliver.js';
import { PrivateConversations } from './private-conversation.js';
import type { RecentLookups } from './recent.js';

type Client = App['client'];

/** What a request says about its workspace, from Bolt's authorization. */
export interface WorkspaceRequest {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
  /** The listener's client: Bolt builds it with this installation's token. */
  client: Client;
}

/**
 * The workspace's surfaces, ready; or why not: its Focus tenant is not connected yet, or which
 * tenant answers it could not be read just now (the connection store failed).
 */
export type Resolved =
  | {
      status: 'ready';
      deps: SurfaceDeps;
      /** Called once the request's work has ended (the tenant's stack may then be released). */
      done?: () => void;
    }
  | { status: 'not_connected' | 'unavailable' };

export type WorkspaceResolver = (request: WorkspaceRequest) => Promise<Resolved>;

/** How `startSlackApp` learns its workspaces, once Bolt's client and the token's own workspace are known. */
export interface Workspaces {
  resolve: WorkspaceResolver;
  /**
   * Single-workspace mode: the one workspace. Subscriptions (the poller's gate, channel and app
   * lifecycle events) are served for it alone, until they are per workspace too.
   */
  single?: SurfaceDeps;
}

/** What every workspace's surfaces share: the configuration and the app's own state and metrics. */
export interface SharedParts {
  access: {
    allowedUserIds: string[];
    allowedChannelIds: string[];
    requireLinkedUser: boolean;
    rights: RightsMap;
  };
  slackConnectAllowed: boolean;
  logger: Logger;
  onDelivery?: SurfaceDeps['onDelivery'];
  onDenial?: SurfaceDeps['onDenial'];
}

/** One workspace's own parts: its tenant's answerer, its Slack client and identity, its state. */
export interface WorkspaceParts {
  answerer: Answerer;
  /** The tenant's portal users (linked-user checks). */
  findPortalUsers: (search: string) => Promise<PortalUser[]>;
  recent?: RecentLookups | undefined;
  /** The installation's workspace and organisation. */
  home: Home;
  /** The client for calls the app makes itself in this workspace (the newest Bolt built for it). */
  client: () => Client;
  /** Unfurl memory, linked-user answers: scoped to this workspace. */
  state: StateStore;
  /** The installation key `state` is scoped to (its kept preview choices are scoped the same way). */
  scope?: string | undefined;
  /** The workspace's subscriptions, if they are served there. */
  subscriptions: SubscriptionService | undefined;
}

/** A workspace's surface dependencies. Its caches (Slack Connect, DMs, linked users) are its own. */
export function workspaceDeps(parts: WorkspaceParts, shared: SharedParts): SurfaceDeps {
  return {
    answerer: parts.answerer,
    policy: new AccessPolicy({
      ...shared.access,
      findPortalUsers: parts.findPortalUsers,
      logger: shared.logger,
      store: parts.state,
      lookupSlackEmail: async (user) => (await parts.client().users.info({ user })).user?.profile?.email,
    }),
    home: parts.home,
    connect: new ConnectChannels(parts.client, parts.home),
    conversations: new PrivateConversations(parts.client),
    slackClient: parts.client,
    recent: parts.recent,
    subscriptions: parts.subscriptions,
    slackConnectAllowed: shared.slackConnectAllowed,
    state: parts.state,
    scope: parts.scope,
    onDelivery: shared.onDelivery,
    onDenial: shared.onDenial,
  };
}

/** Single-workspace mode: every request is the one workspace's. */
export function singleWorkspace(deps: SurfaceDeps): Workspaces {
  const ready: Resolved = { status: 'ready', deps };
  return { resolve: async () => ready, single: deps };
}

const WORKSPACE = 'focusWorkspace';

/** Puts this request's workspace on its context, resolved on first ask; returns its `done`. */
export function provideWorkspace(
  context: Context,
  client: Client,
  resolve: WorkspaceResolver,
  logger: Logger,
): () => Promise<void> {
  let resolved: Promise<Resolved> | undefined;
  context[WORKSPACE] = () => {
    resolved ??= resolve({
      teamId: context.teamId,
      enterpriseId: context.enterpriseId,
      isEnterpriseInstall: context.isEnterpriseInstall,
      client,
    }).catch((error: unknown): Resolved => {
      // Surfaces say so (try again shortly), rather than staying silent.
      logger.error('slack.workspace_unresolved', {
        team: context.teamId,
        enterprise: context.enterpriseId,
        error,
      });
      return { status: 'unavailable' };
    });
    return resolved;
  };
  return async () => {
    const r = await resolved;
    if (r?.status === 'ready') r.done?.();
  };
}

/** This request's workspace (put on the context by `provideWorkspace`). */
export function workspaceOf(context: Context): Promise<Resolved> {
  const get = context[WORKSPACE];
  if (typeof get !== 'function') return Promise.reject(new Error('no workspace on this request'));
  return (get as () => Promise<Resolved>)();
}

/**
 * One `T` per workspace, made on its first request and kept while its `SurfaceDeps` live (the
 * caches a surface keeps are that workspace's, and go with it).
 */
export function perWorkspace<T extends object>(make: (deps: SurfaceDeps) => T): (deps: SurfaceDeps) => T {
  const made = new WeakMap<SurfaceDeps, T>();
  return (deps) => {
    let it = made.get(deps);
    if (!it) {
      it = make(deps);
      made.set(deps, it);
    }
    return it;
  };
}

/** Logs a request its workspace cannot answer and tells the asker with `send` (a failure to is logged). */
export async function answerUnready(
  logger: Logger,
  surface: string,
  resolved: Exclude<Resolved, { status: 'ready' }>,
  context: Context,
  send: (card: Card) => Promise<unknown>,
): Promise<void> {
  logUnready(logger, surface, resolved, context);
  await send(workspaceProblemCard(resolved.status)).catch((error: unknown) =>
    logger.error('slack.delivery_failed', { surface, error }),
  );
}

/** Logs a request its workspace cannot answer (the surface says so to the asker, if anyone). */
export function logUnready(
  logger: Logger,
  surface: string,
  resolved: Exclude<Resolved, { status: 'ready' }>,
  context: Context,
): void {
  logger.info('slack.workspace_not_ready', {
    surface,
    status: resolved.status,
    team: context.teamId,
    enterprise: context.enterpriseId,
  });
}
