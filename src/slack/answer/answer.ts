/**
 * The pipeline every surface shares: text -> parse -> lookup -> render, with one audit
 * line per answer. Surfaces (slash command, console, ...) only deliver the card.
 */
import { type RightsPolicy, rightMissing } from '../../access/rights.js';
import { type Asker, askerPart } from '../../domain/interaction.js';
import type { Logger } from '../../domain/logger.js';
import type { LookupOutcome } from '../../domain/outcome.js';
import { type FocusLookupRequest, isFocusLookup, type LookupRequest } from '../../domain/request.js';
import type { RightKind } from '../../domain/rights.js';
import type { LookupService } from '../../lookup/service.js';
import { COMMANDS, type ParseSettings, parseCommand, parseMessageText } from '../../parse/index.js';
import type { Card } from '../../render/blocks.js';
import { nothingToLookUpCard } from '../../render/modal.js';
import { type CardView, renderOutcome } from '../../render/outcome.js';
import { helpCard, invalidCard } from '../../render/status.js';
import type { CardMode } from '../../render/view.js';
import type { RecentLookups } from './recent.js';

export interface Answer {
  card: Card;
  request: LookupRequest;
  outcome?: LookupOutcome;
  requestId: string;
}

/** How the card will be shown. */
export interface View {
  mode: CardMode;
  compact?: boolean;
  sharedBy?: string;
  /** False: no Share in channel (a DM with the app has no channel to share to). */
  shareable?: boolean;
  /** Where the answer goes when that is not a card: a workflow's outputs (audited as such). */
  audience?: 'workflow';
}

export interface AnswererDeps {
  lookups: LookupService;
  parse: ParseSettings;
  render: Pick<CardView, 'links'>;
  logger: Logger;
  /** What each kind of answer needs of the asker's linked Focus portal user. */
  rights?: RightsPolicy;
  now?: () => number;
  /** Keeps each person's recent lookups for their Home tab (absent: HOME_RECENT_LOOKUPS=false). */
  recent?: Pick<RecentLookups, 'record'>;
  /** Called once per answer (metrics); `answered` for help and invalid input. */
  onAnswer?: (
    kind: LookupRequest['kind'],
    outcome: LookupOutcome['status'] | 'answered',
    seconds: number,
  ) => void;
}

export class Answerer {
  constructor(private readonly deps: AnswererDeps) {}

  get parseSettings(): ParseSettings {
    return this.deps.parse;
  }

  get logger(): Logger {
    return this.deps.logger;
  }

  /** Answers the text of a `/focus` command. Never throws. */
  async answerCommand(text: string, asker: Asker, view: View = { mode: 'ephemeral' }): Promise<Answer> {
    let request: LookupRequest;
    try {
      request = parseCommand(text, this.deps.parse);
    } catch (error) {
      asker.logger.error('parse.bug', { error, stack: (error as Error)?.stack });
      request = { kind: 'invalid', message: 'That could not be read. Try `/focus help`.', input: '' };
    }
    return this.answer(request, asker, view);
  }

  /**
   * Answers every lookup in a message (the message shortcut): one card per finding, compact
   * when there are several, or a "nothing to look up" card. Never throws.
   */
  async answerMessage(text: string, asker: Asker): Promise<Card[]> {
    const requests = parseMessageText(text, this.deps.parse);
    if (requests.length === 0) return [nothingToLookUpCard()];
    const view: View = { mode: 'modal', compact: requests.length > 1 };
    const answers = await Promise.all(
      requests.map((request, i) => this.answer(request, askerPart(asker, i + 1), view)),
    );
    return answers.map((a) => a.card);
  }

  /** Answers a parsed request. Never throws. */
  async answer(request: LookupRequest, asker: Asker, view: View = { mode: 'ephemeral' }): Promise<Answer> {
    const { requestId, logger } = asker;
    const now = this.deps.now ?? Date.now;
    const started = now();
    if (!isFocusLookup(request)) {
      const card =
        request.kind === 'help'
          ? helpCard(COMMANDS, request.reason === 'unknown' ? { unknown: request.unknown ?? '' } : {})
          : invalidCard(request.message);
      logger.info('audit', {
        ...auditFields(asker),
        kind: request.kind,
        outcome: request.kind,
        results: 0,
        latencyMs: 0,
      });
      this.deps.onAnswer?.(request.kind, 'answered', 0);
      return { card, request, requestId };
    }
    const outcome = await this.run(request, asker);
    const card = renderOutcome(
      outcome,
      {
        links: this.deps.render.links,
        mode: view.mode,
        askerId: view.shareable === false ? undefined : asker.user,
        sharedBy: view.sharedBy,
      },
      view.compact,
    );
    this.deps.recent?.record(asker, outcome, card);
    const latencyMs = now() - started;
    const seenBy = view.audience ?? audience(view);
    logger.info('audit', {
      ...auditFields(asker),
      kind: request.kind,
      outcome: outcome.status === 'failed' ? `failed:${outcome.code}` : outcome.status,
      results: resultCount(outcome),
      latencyMs,
      // Focus data more than the asker will see: who authorised it, and the ids it shows.
      ...(seenBy !== 'asker' &&
        outcome.status === 'found' && {
          audience: seenBy,
          authorisedBy: asker.user,
          ...shownIds(outcome),
        }),
    });
    this.deps.onAnswer?.(request.kind, outcome.status, latencyMs / 1000);
    return { card, request, outcome, requestId };
  }

  /** The lookup, within what the asker's Focus rights allow: nothing withheld is asked of Focus. */
  private async run(request: FocusLookupRequest, asker: Asker): Promise<LookupOutcome> {
    const rights = this.deps.rights;
    if (!rights) return this.deps.lookups.run(request, asker);
    const right = rightMissing(rights, RIGHT_OF[request.kind], asker.linked);
    if (right) return { status: 'withheld', request, right };
    const hasRecordings = request.kind === 'phone' || request.kind === 'person';
    const recordingsWithheld = hasRecordings ? rightMissing(rights, 'recordings', asker.linked) : undefined;
    return this.deps.lookups.run(request, { ...asker, recordingsWithheld });
  }
}

const RIGHT_OF: Record<FocusLookupRequest['kind'], RightKind> = {
  phone: 'phone',
  person: 'person',
  recording: 'recording',
  comments: 'comments',
  user: 'user',
  retention: 'retention',
};

/**
 * Who will see the card: the asker alone, or everyone in the conversation. A preview (`unfurl`)
 * is audited when Slack took it, with the consent it was made on (`preview.ts`).
 */
function audience(view: View): 'asker' | 'channel' {
  return view.mode === 'shared' || view.mode === 'thread' ? 'channel' : 'asker';
}

function auditFields(asker: Asker) {
  return {
    surface: asker.surface,
    team: asker.team,
    user: asker.user,
    channel: asker.channel,
    ...(asker.linked && { focusUser: asker.linked.id }),
  };
}

/** The recording and person ids a card shows (never a number in clear), for the audit line. */
function shownIds(outcome: Extract<LookupOutcome, { status: 'found' }>): {
  recordingIds?: number[];
  personIds?: number[];
} {
  const r = outcome.result;
  switch (r.kind) {
    case 'phone':
      return { personIds: r.owners.map((o) => o.id), recordingIds: r.recordings.items.map((x) => x.id) };
    case 'person':
      return { personIds: [r.person.id], recordingIds: r.recordings.items.map((x) => x.id) };
    case 'recording':
      return { recordingIds: [r.recording.id] };
    case 'comments':
      return { recordingIds: [r.recordingId] };
    default:
      return {};
  }
}

function resultCount(outcome: LookupOutcome): number {
  if (outcome.status === 'ambiguous') return outcome.choices.length;
  if (outcome.status !== 'found') return 0;
  const r = outcome.result;
  switch (r.kind) {
    case 'phone':
      return r.owners.length;
    case 'user':
      return r.users.length;
    case 'comments':
      return r.comments.items.length;
    case 'retention':
      return r.groups.length;
    default:
      return 1;
  }
}
