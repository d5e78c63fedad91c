/**
 * The Workflow Builder step `lookup_phone_number`: a lookup's outcome as the step's outputs (the
 * names and types `manifest.yml` declares), or the message its run fails with. Pure. Only what
 * the answer itself held is given: a right the runner lacks leaves its outputs out, as it leaves
 * the recordings off a card.
 */
import type { PortalLinks } from '../domain/links.js';
import type { LookupOutcome } from '../domain/outcome.js';
import { type Card, fields, section } from './blocks.js';
import { withheldText } from './kit.js';
import { finishCard } from './limits.js';
import { escapeEntities, safe } from './mrkdwn.js';
import { failureCard } from './status.js';

/** The step's outputs; absent ones were not found, or are not the runner's to see. */
export interface StepOutputs {
  found: boolean;
  owner_name?: string;
  person_id?: number;
  recordings_count?: number;
  latest_recording_url?: string;
}

export type StepResult = { outputs: StepOutputs } | { error: string };

/** Said when `phone_number` is not a phone number (the text itself is not repeated). */
export const STEP_BAD_NUMBER =
  'phone_number is not a phone number Focus for Slack can read. Give it as people write one: +44 7700 900123, 07700 900123, (0)20 7946 0958 or 0044 20 7946 0958.';

export function stepResult(outcome: LookupOutcome, links: PortalLinks): StepResult {
  switch (outcome.status) {
    case 'not_found':
      return { outputs: { found: false } };
    case 'withheld':
      return { error: withheldText('look up phone numbers', outcome.right).replace(/\*/g, '') };
    case 'failed':
      return {
        error: `${failureCard(outcome.code, outcome.referenceId, outcome.hint).text} (reference ${outcome.referenceId})`,
      };
    case 'ambiguous':
      return { error: 'Focus found more than one match for that number.' };
    case 'found': {
      const r = outcome.result;
      const [owner] = r.kind === 'phone' ? r.owners : [];
      if (r.kind !== 'phone' || !owner) return { outputs: { found: false } };
      const latest = r.recordings.items[0];
      return {
        outputs: {
          found: true,
          // A number with several owners: the first, as the card lists them.
          owner_name: owner.fullName,
          person_id: owner.id,
          ...(r.recordingsWithheld === undefined && {
            recordings_count: r.recordings.total,
            ...(latest && { latest_recording_url: links.recordingUrl(latest.id) }),
          }),
        },
      };
    }
  }
}

/** The step's result as the console prints it. */
export function stepCard(result: StepResult): Card {
  if ('error' in result)
    return finishCard({
      text: 'The step failed',
      blocks: [section(`:warning: *lookup_phone_number failed:* ${escapeEntities(result.error)}`)],
    });
  const lines = Object.entries(result.outputs).map(
    ([name, value]) => `\`${name}\`: ${safe(String(value), 300)}`,
  );
  return finishCard({
    text: 'The step completed',
    blocks: [section('*lookup_phone_number completed* with these outputs:'), fields(lines)],
  });
}
