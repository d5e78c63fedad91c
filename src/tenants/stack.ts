/**
 * One Focus tenant's stack: its client (token, pool, rate-limit pause), cache, people directory,
 * lookups and the answerer that renders them with the tenant's portal links. Built the same way
 * for the one tenant of single-workspace mode (`src/app.ts`) and for each connection the
 * registry (`registry.ts`) builds on first use; nothing in it is shared with another tenant.
 */
import { type Config, portalBase } from '../config.js';
import { makePortalLinks, type PortalLinks } from '../domain/links.js';
import type { Logger } from '../domain/logger.js';
import type { FocusConnection } from '../domain/tenant.js';
import { FocusCache } from '../focus/cache.js';
import { FocusClient } from '../focus/client.js';
import { PeopleDirectory } from '../lookup/directory.js';
import { LookupService } from '../lookup/service.js';
import type { Metrics } from '../metrics.js';
import { Answerer } from '../slack/answer/answer.js';
import type { RecentLookups } from '../slack/answer/recent.js';
import { EndpointResolver } from '../subscriptions/endpoints.js';

/** The configuration every tenant's stack is built with (each tenant brings its own connection). */
export type StackSettings = Pick<
  Config,
  'focus' | 'portal' | 'directory' | 'parse' | 'access' | 'subscriptions'
>;

/** Endpoints asked for per number: enough to count a number's owners well past the limit. */
const ENDPOINT_PAGE = 1_000;

export interface StackOptions {
  connection: Pick<FocusConnection, 'baseUrl' | 'credentials' | 'authPath'>;
  settings: StackSettings;
  /**
   * The portal's base URL: FOCUS_PORTAL_URL for the one tenant of single-workspace mode;
   * undefined derives it from the connection's base URL (each tenant has its own portal).
   */
  portalUrl: string | undefined;
  logger: Logger;
  /** Each person's recent lookups, kept for their Home tab (absent: HOME_RECENT_LOOKUPS=false). */
  recent?: RecentLookups | undefined;
  metrics?: Pick<Metrics, 'focusCall' | 'tokenRenewed' | 'focusPause' | 'cacheEvent' | 'lookup'>;
}

export interface TenantStack {
  client: FocusClient;
  cache: FocusCache;
  directory: PeopleDirectory;
  lookups: LookupService;
  answerer: Answerer;
  links: PortalLinks;
  /**
   * The tenant's subscription targets' endpoints, kept at least a poll interval: shared by its
   * subscriptions poller and `/focus subscribe` (which says when a target is followed in part).
   */
  endpoints: EndpointResolver;
  recent: RecentLookups | undefined;
  /** Whether askers must be linked portal users, answered with their own rights (settings.access). */
  requireLinkedUser: boolean;
  /** Stops the directory's refreshes and closes the client's pool (after its calls under way). */
  close(): Promise<void>;
}

export function buildTenantStack(options: StackOptions): TenantStack {
  const { connection, settings, logger, metrics } = options;
  const client = new FocusClient({
    baseUrl: connection.baseUrl,
    credentials: connection.credentials,
    authPath: connection.authPath,
    logger,
    maxConcurrency: settings.focus.maxConcurrency,
    deadlineMs: settings.focus.timeoutMs,
    onCall: metrics?.focusCall,
    onTokenRenew: metrics?.tokenRenewed,
    onPause: metrics?.focusPause,
  });
  const cache = new FocusCache(client, {}, metrics?.cacheEvent);
  const directory = new PeopleDirectory({
    client,
    logger,
    refreshMs: settings.directory.refreshMinutes * 60_000,
    focusConcurrency: settings.focus.maxConcurrency,
    // A name search during the first build answers with what is loaded, well within its deadline.
    loadingWaitMs: Math.min(2_000, Math.floor(settings.focus.timeoutMs / 4)),
  });
  directory.start();
  const lookups = new LookupService({ cache, logger, directory, deadlineMs: settings.focus.timeoutMs });
  const links = makePortalLinks({
    portal: portalBase({ ...settings.portal, url: options.portalUrl }, connection.baseUrl),
    recordingTemplate: settings.portal.recordingTemplate,
    personTemplate: settings.portal.personTemplate,
  });
  const answerer = new Answerer({
    lookups,
    logger,
    recent: options.recent,
    parse: { defaultRegion: settings.parse.defaultRegion, links },
    render: { links },
    rights: { map: settings.access.rights, required: settings.access.requireLinkedUser },
    onAnswer: metrics?.lookup,
  });
  const endpoints = new EndpointResolver({
    sources: {
      ofNumber: async (phone) =>
        (await client.searchEndpoints({ type: 'phone', value: phone, pageSize: ENDPOINT_PAGE })).items,
      ofPerson: (personId) => directory.endpointsOf(personId),
    },
    ttlMs: Math.max(5 * 60_000, 2 * settings.subscriptions.pollSeconds * 1000),
    logger,
  });
  let closing: Promise<void> | undefined;
  return {
    client,
    cache,
    directory,
    lookups,
    answerer,
    links,
    endpoints,
    recent: options.recent,
    requireLinkedUser: settings.access.requireLinkedUser,
    close() {
      closing ??= (async () => {
        directory.stop();
        await client.close().catch(() => {});
      })();
      return closing;
    },
  };
}
