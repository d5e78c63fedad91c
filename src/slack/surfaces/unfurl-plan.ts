/**
 * Which links of a `link_shared` event get a preview, decided without I/O: one link a full
 * card, two compact cards, three or more none; a composer preview (typed, not yet posted) only
 * when Slack Connect need not be checked, since its conversation cannot be. Each chosen link
 * comes with the memory key it claims, so the same link in the same place is previewed once in
 * the repeat window however many deliveries (or replicas) race for it.
 */
import type { PortalLinks } from '../../domain/links.js';
import type { LookupRequest } from '../../domain/request.js';
import { linkRequest } from '../../parse/index.js';

/** Turns a pasted URL into a lookup, or null: one entry per kind of link the app previews. */
export interface Unfurler {
  name: string;
  match(url: string): LookupRequest | null;
}

/** The unfurlers of this app: Focus portal links (recordings and people). */
export function unfurlers(links: PortalLinks): Unfurler[] {
  return [
    {
      name: 'portal',
      match: (url) => {
        const link = links.match(url);
        return link ? linkRequest(link) : null;
      },
    },
  ];
}

export const MAX_UNFURLED_LINKS = 2;
const COMPOSER = 'COMPOSER';

export interface SharedLinks {
  channel: string;
  user?: string | undefined;
  source?: string | undefined;
  links: ReadonlyArray<{ url: string }>;
}

export interface PlannedLink {
  url: string;
  request: LookupRequest;
  /** Claimed in the state store for the repeat window; released if no preview is made. */
  key: string;
  /** Set by a composer preview of this link by this user: the posted message is not previewed again. */
  composerKey: string;
}

export type UnfurlPlan =
  | { unfurl: false; reason: 'no_links' | 'too_many_links' | 'composer_preview' }
  | { unfurl: true; fromComposer: boolean; compact: boolean; links: PlannedLink[] };

export function planUnfurls(
  event: SharedLinks,
  matchers: readonly Unfurler[],
  options: { unfurlInSharedChannels: boolean },
): UnfurlPlan {
  const fromComposer = event.source === 'composer' || event.channel === COMPOSER;
  const links: PlannedLink[] = [];
  for (const { url } of event.links) {
    const request = firstMatch(matchers, url);
    if (!request) continue;
    const composerKey = `unfurl:${event.user ?? ''}|${url}`;
    links.push({
      url,
      request,
      key: fromComposer ? composerKey : `unfurl:${event.channel}|${url}`,
      composerKey,
    });
  }
  if (links.length === 0) return { unfurl: false, reason: 'no_links' };
  if (links.length > MAX_UNFURLED_LINKS) return { unfurl: false, reason: 'too_many_links' };
  // A composer preview has no conversation to check for Slack Connect yet: the posted message is.
  if (fromComposer && !options.unfurlInSharedChannels) return { unfurl: false, reason: 'composer_preview' };
  return { unfurl: true, fromComposer, compact: links.length > 1, links };
}

function firstMatch(matchers: readonly Unfurler[], url: string): LookupRequest | null {
  for (const m of matchers) {
    const request = m.match(url);
    if (request) return request;
  }
  return null;
}
