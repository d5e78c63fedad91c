/** Any lookup outcome to its card. Total: every outcome has a card. */
import type { LookupOutcome } from '../domain/outcome.js';
import type { FocusLookupRequest } from '../domain/request.js';
import type { Card } from './blocks.js';
import { choicesCard, commentsCard, directoryLoadingCard, retentionCard, userCard } from './lists.js';
import { compactPersonCard, personCard } from './person.js';
import { phoneCard, unknownPhoneCard } from './phone.js';
import { compactRecordingCard, recordingCard } from './recording.js';
import { failureCard, notFoundCard, withheldCard } from './status.js';
import type { CardView } from './view.js';

export type { CardView } from './view.js';

export function renderOutcome(outcome: LookupOutcome, ctx: CardView, compact = false): Card {
  switch (outcome.status) {
    case 'failed':
      return failureCard(outcome.code, outcome.referenceId, outcome.hint);
    case 'not_found':
      if (outcome.request.kind === 'phone')
        return unknownPhoneCard(outcome.request.phone, outcome.recordings);
      return outcome.directoryLoading ? directoryLoadingCard() : notFoundCard(notFoundText(outcome.request));
    case 'withheld':
      return withheldCard(withheldWhat(outcome.request), outcome.right);
    case 'ambiguous':
      return choicesCard(outcome.choices, ctx, outcome.directoryLoading);
    case 'found': {
      const { result, request } = outcome;
      switch (result.kind) {
        case 'phone':
          return phoneCard(result, request, ctx);
        case 'person':
          return compact ? compactPersonCard(result, ctx) : personCard(result, request, ctx);
        case 'recording':
          return compact ? compactRecordingCard(result, ctx) : recordingCard(result, request, ctx);
        case 'user':
          return userCard(result, request, ctx);
        case 'comments':
          return commentsCard(result, request, ctx);
        case 'retention':
          return retentionCard(result, request, ctx);
      }
    }
  }
}

export function notFoundText(request: FocusLookupRequest): string {
  switch (request.kind) {
    case 'phone':
      return `No one in Focus has ${request.phone.display}.`;
    case 'person':
      return 'id' in request ? `No person ${request.id} in Focus.` : 'No person in Focus matches that.';
    case 'recording':
      return `Recording ${request.id} is not in Focus (it may have passed its retention period and been deleted).`;
    case 'comments':
      return `Recording ${request.recordingId} is not in Focus (it may have passed its retention period and been deleted).`;
    case 'user':
      return 'No Focus portal user matches that.';
    case 'retention':
      return 'No retention groups found.';
  }
}

/** What a right withheld lets one do, as the end of "To … you need the Focus right X". */
function withheldWhat(request: FocusLookupRequest): string {
  switch (request.kind) {
    case 'recording':
      return `see recording ${request.id}`;
    case 'comments':
      return `see the comments on recording ${request.recordingId}`;
    case 'user':
      return 'look up Focus portal users';
    case 'retention':
      return 'see the retention groups';
    case 'phone':
      return 'look up phone numbers';
    case 'person':
      return 'look up people';
  }
}
