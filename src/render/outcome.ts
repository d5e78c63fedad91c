/** Any lookup outcome to its card. Total: every outcome has a card. */
import type { PortalLinks } from '../domain/links.js';
import type { LookupOutcome } from '../domain/outcome.js';
import type { FocusLookupRequest } from '../domain/request.js';
import type { Card } from './blocks.js';
import { phoneCard, unknownPhoneCard } from './phone.js';
import { failureCard, notFoundCard } from './status.js';

export interface RenderContext {
  links: PortalLinks;
}

export function renderOutcome(outcome: LookupOutcome, ctx: RenderContext): Card {
  switch (outcome.status) {
    case 'failed':
      return failureCard(outcome.code, outcome.referenceId);
    case 'not_found':
      return outcome.request.kind === 'phone'
        ? unknownPhoneCard(outcome.request.phone, outcome.recordings)
        : notFoundCard(describe(outcome.request));
    case 'ambiguous':
      return notFoundCard(`Several matches for ${describe(outcome.request)}; be more specific.`);
    case 'found':
      switch (outcome.result.kind) {
        case 'phone':
          return phoneCard(outcome.result, ctx.links);
        default:
          return failureCard('internal', 'render');
      }
  }
}

function describe(request: FocusLookupRequest): string {
  switch (request.kind) {
    case 'phone':
      return `No one in Focus has ${request.phone.display}.`;
    case 'person':
      return 'id' in request ? `No person ${request.id} in Focus.` : 'No person in Focus matches that.';
    case 'recording':
      return `Recording ${request.id} is not in Focus (it may have passed its retention period).`;
    case 'comments':
      return `Recording ${request.recordingId} is not in Focus (it may have passed its retention period).`;
    case 'user':
      return 'No Focus portal user matches that.';
    case 'retention':
      return 'No retention groups found.';
  }
}
