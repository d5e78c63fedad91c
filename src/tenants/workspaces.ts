/**
 * Multi-workspace mode's `WorkspaceResolver`: a request's workspace (Bolt's authorization, never
 * a payload's `team`) is answered from the Focus tenant connected for its team, else for its
 * organisation, through the registry's stack for that connection (built on first use, held for
 * the request and released after it). The workspace's own Slack-side parts (its Slack Connect
 * and DM caches, its linked-user answers, its scoped state) are kept while it is active, and use
 * the newest client Bolt built with its installation's token. Its subscriptions are its own
 * (`subscriptionsOf` its installation key), resolved against its tenant's stack; an org-wide
 * installation's workspace answered from a connection of its own (not the organisation's) is
 * not offered them, since the organisation's poller follows the organisation's tenant.
 */
import { LRUCache } from 'lru-cache';
import { installationKey } from '../domain/tenant.js';
import type { SurfaceDeps } from '../slack/answer/deliver.js';
import {
  type SharedParts,
  type WorkspaceRequest,
  type WorkspaceResolver,
  workspaceDeps,
} from '../slack/answer/workspace.js';
import type { StateStore } from '../state/index.js';
import { scopedState } from '../state/scoped.js';
import type { WorkspaceSubscriptions } from '../state/subscriptions.js';
import { SubscriptionService } from '../subscriptions/service.js';
import type { TenantLease, TenantRegistry } from './registry.js';
import type { TenantStack } from './stack.js';

export interface TenantWorkspacesOptions {
  registry: Pick<TenantRegistry, 'acquire'>;
  shared: SharedParts;
  /** The shared state store; each workspace sees its own part of it. */
  state: StateStore;
  /** A workspace unused this long drops its Slack-side caches (as the registry drops its stack). */
  idleMs: number;
  max: number;
  /** Each workspace's subscriptions (absent: not served). */
  subscriptions?: {
    store: WorkspaceSubscriptions;
    /** Drops what the workspace's poller holds for these (unsubscribed, paused). */
    halt(key: string, ids: readonly number[]): void;
  };
}

interface Workspace {
  stack: TenantStack;
  deps: SurfaceDeps;
  /** The newest client Bolt built for this installation. */
  slack: { client: WorkspaceRequest['client'] };
}

export function tenantWorkspaces(options: TenantWorkspacesOptions): WorkspaceResolver {
  const workspaces = new LRUCache<string, Workspace>({
    max: options.max,
    ttl: options.idleMs,
    updateAgeOnGet: true,
    // Dropped on time, not when next touched: an idle workspace's parts hold its tenant's stack
    // (cache, people directory), which the registry released at the same idle time.
    ttlAutopurge: true,
  });
  return async (request) => {
    const key = installationKey(request);
    if (!key) return { status: 'not_connected' };
    // A connection for the workspace itself first, then for its organisation.
    let lease: TenantLease | undefined;
    for (const candidate of new Set([request.teamId, request.enterpriseId])) {
      if (candidate) lease = await options.registry.acquire(candidate);
      if (lease) break;
    }
    if (!lease) return { status: 'not_connected' };
    const cacheKey = `${key}|${request.teamId ?? ''}|${lease.key}`;
    let workspace = workspaces.get(cacheKey);
    // A new stack (its connection replaced, or released while idle) comes with new parts.
    if (!workspace || workspace.stack !== lease.stack) {
      const state = scopedState(options.state, key);
      const stack = lease.stack;
      const subs = options.subscriptions;
      // The poller follows the tenant its installation resolves to (tenants/subscriptions.ts).
      const polled = !request.isEnterpriseInstall || lease.key === key;
      const subscriptions =
        subs && polled
          ? new SubscriptionService({
              store: subs.store.subscriptionsOf(key),
              cache: stack.cache,
              directory: stack.directory,
              endpoints: stack.endpoints,
              logger: options.shared.logger,
              onStopped: (ids) => subs.halt(key, ids),
            })
          : undefined;
      const slack = { client: request.client };
      workspace = {
        stack,
        slack,
        deps: workspaceDeps(
          {
            answerer: stack.answerer,
            findPortalUsers: (search) => stack.cache.searchUsers(search),
            // Kept by the tenant's stack, which records them as it answers.
            recent: stack.recent,
            home: {
              teamId: request.teamId,
              ...(request.enterpriseId && { enterpriseId: request.enterpriseId }),
              ...(request.isEnterpriseInstall && { isEnterpriseInstall: true }),
            },
            client: () => slack.client,
            state,
            scope: key,
            subscriptions,
          },
          // Each connection says whether its members must be linked users (the App Home's choice).
          {
            ...options.shared,
            access: { ...options.shared.access, requireLinkedUser: stack.requireLinkedUser },
          },
        ),
      };
      workspaces.set(cacheKey, workspace);
    }
    // The newest client for this installation (a rotated token comes with a new one).
    workspace.slack.client = request.client;
    return { status: 'ready', deps: workspace.deps, done: lease.release };
  };
}
