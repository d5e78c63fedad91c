/**
 * The pipeline every surface shares: text -> parse -> lookup -> render, with one audit
 * line per answer. Surfaces (slash command, console, ...) only deliver the card.
 */
import { type Asker, newRequestId } from '../domain/interaction.js';
import type { Logger } from '../domain/logger.js';
import type { LookupOutcome } from '../domain/outcome.js';
import { isFocusLookup, type LookupRequest } from '../domain/request.js';
import type { LookupService } from '../lookup/service.js';
import { COMMANDS, type ParseSettings, parseCommand, parseMessageText } from '../parse/index.js';
import type { Card } from '../render/blocks.js';
import { nothingToLookUpCard } from '../render/modal.js';
import { type CardView, renderOutcome } from '../render/outcome.js';
import { helpCard, invalidCard } from '../render/status.js';
import type { CardMode } from '../render/view.js';

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
}

export interface AnswererDeps {
  lookups: LookupService;
  parse: ParseSettings;
  render: Pick<CardView, 'links'>;
  logger: Logger;
  now?: () => number;
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

  /** Answers the text of a `/focus` command. Never throws. */
  async answerCommand(text: string, asker: Asker, view: View = { mode: 'ephemeral' }): Promise<Answer> {
    const requestId = asker.requestId ?? newRequestId();
    let request: LookupRequest;
    try {
      request = parseCommand(text, this.deps.parse);
    } catch (error) {
      this.deps.logger.error('parse.bug', { requestId, error, stack: (error as Error)?.stack });
      request = { kind: 'invalid', message: 'That could not be read. Try `/focus help`.', input: '' };
    }
    return this.answer(request, { ...asker, requestId }, view);
  }

  /**
   * Answers every lookup in a message (the message shortcut): one card per finding, compact
   * when there are several, or a "nothing to look up" card. Never throws.
   */
  async answerMessage(text: string, asker: Asker): Promise<Card[]> {
    const requests = parseMessageText(text, this.deps.parse);
    if (requests.length === 0) return [nothingToLookUpCard()];
    const requestId = asker.requestId ?? newRequestId();
    const view: View = { mode: 'modal', compact: requests.length > 1 };
    const answers = await Promise.all(
      requests.map((request, i) =>
        this.answer(request, { ...asker, requestId: `${requestId}-${i + 1}` }, view),
      ),
    );
    return answers.map((a) => a.card);
  }

  /** Answers a parsed request. Never throws. */
  async answer(request: LookupRequest, asker: Asker, view: View = { mode: 'ephemeral' }): Promise<Answer> {
    const requestId = asker.requestId ?? newRequestId();
    const logger = this.deps.logger.child({ requestId });
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
    const outcome = await this.deps.lookups.run(request, { requestId, logger });
    const card = renderOutcome(
      outcome,
      { links: this.deps.render.links, mode: view.mode, askerId: asker.user, sharedBy: view.sharedBy },
      view.compact,
    );
    const latencyMs = now() - started;
    logger.info('audit', {
      ...auditFields(asker),
      kind: request.kind,
      outcome: outcome.status === 'failed' ? `failed:${outcome.code}` : outcome.status,
      results: resultCount(outcome),
      latencyMs,
    });
    this.deps.onAnswer?.(request.kind, outcome.status, latencyMs / 1000);
    return { card, request, outcome, requestId };
  }
}

function auditFields(asker: Asker) {
  return { surface: asker.surface, team: asker.team, user: asker.user, channel: asker.channel };
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
