/**
 * Consent before a conversation sees a preview (UNFURL_CONSENT, default `ask`). With `ask`, a
 * link pasted where someone besides the paster can see it is not previewed at once: the paster
 * gets an ephemeral prompt (Show, Not now, Always in this channel). Show re-checks everything a
 * new paste would (Slack Connect, access, the repeat-window claims, the lookup), since who may
 * see it can have changed meanwhile. Always also keeps the choice for that user in that
 * conversation for a year (`CONSENT_TTL_MS`), in the durable state store (the SQLite file, or
 * Redis: it outlives a restart and is shared by replicas); `/focus previews forget` drops it,
 * and so does Forget on the user's Home tab, which lists them from a per-user index.
 * Only the paster may answer.
 */
import type { BlockAction, ButtonAction } from '@slack/bolt';
import {
  CONSENT_TTL_MS,
  type ConsentBasis,
  type ConsentMode,
  type ConsentStep,
  consentIndexKey,
  consentKey,
  decodeConsent,
  encodeConsent,
  MAX_CONSENT_INDEX,
} from '../../domain/consent.js';
import type { Asker } from '../../domain/interaction.js';
import type { Logger } from '../../domain/logger.js';
import type { PreviewsCommand } from '../../parse/previews.js';
import type { Card } from '../../render/blocks.js';
import {
  consentNoteCard,
  consentPromptCard,
  previewsForgottenCard,
  previewsStatusCard,
} from '../../render/consent.js';
import { infoCard, invalidCard, noticeCard } from '../../render/status.js';
import type { StateStore } from '../../state/index.js';
import { checkAccess, conversationMaySee, deliver, type SurfaceDeps } from '../answer/deliver.js';
import { interactionAsker, newAsker } from '../inbound/request.js';
import { makePreview, REPEAT_WINDOW_MS, unclaimed } from './preview.js';
import { type PlannedLink, planUnfurls, type Unfurler, unfurlers } from './unfurl-plan.js';

export type ConsentAnswer = 'show' | 'not_now' | 'always';

/** The consent of a workspace (one per workspace, made on its first request). */
export type ConsentOf = (deps: SurfaceDeps) => UnfurlConsent;

export interface ConsentOptions {
  mode: ConsentMode;
  /** Same link, same conversation: not previewed again within this (default 30 minutes). */
  repeatWindowMs?: number;
  onConsent?: (step: ConsentStep) => void;
  /** Where kept "always" choices live: a store that outlives the process (SQLite or Redis). */
  choices: StateStore;
}

/** Where a link was pasted, as the `link_shared` event says. */
export interface Pasted {
  channel: string;
  user: string | undefined;
  messageTs: string;
  threadTs?: string | undefined;
}

/** A press, already acknowledged (`actions.ts`). */
export interface ButtonArgs {
  body: BlockAction<ButtonAction>;
  action: ButtonAction;
  respond: (message: Record<string, unknown>) => Promise<unknown>;
}

export class UnfurlConsent {
  private readonly matchers: Unfurler[];

  /** One per workspace (`perWorkspace`): its Slack client, its tenant's links. */
  constructor(
    private readonly deps: SurfaceDeps,
    private readonly logger: Logger,
    private readonly options: ConsentOptions,
  ) {
    this.matchers = unfurlers(deps.answerer.parseSettings.links);
  }

  get mode(): ConsentMode {
    return this.options.mode;
  }

  get windowMs(): number {
    return this.options.repeatWindowMs ?? REPEAT_WINDOW_MS;
  }

  /**
   * With `ask`, for a posted message whose conversation and asker have passed the checks: the
   * basis on which to preview at once, or undefined when the paster was asked instead (or there
   * is nothing left to ask about).
   */
  async basisFor(
    pasted: Pasted,
    links: readonly PlannedLink[],
    request: Asker,
    botUserId: string | undefined,
  ): Promise<ConsentBasis | undefined> {
    const { channel, user } = pasted;
    const log = request.logger;
    if (await this.deps.conversations.isPrivateTo(channel, user, botUserId, log)) return 'private';
    if (!user) {
      log.info('unfurl.skipped', { reason: 'no_paster', channel });
      return undefined;
    }
    if (await this.kept(request.team, channel, user, log)) {
      this.options.onConsent?.('always_kept');
      return 'always_kept';
    }
    const open = await unclaimed(this.deps.state, links);
    if (open.length === 0) return undefined;
    const value = encodeConsent({
      ch: channel,
      ts: pasted.messageTs,
      ...(pasted.threadTs && { th: pasted.threadTs }),
      u: user,
      l: open.map((l) => l.url),
    });
    if (!value) {
      log.info('unfurl.skipped', { reason: 'link_too_long', channel });
      return undefined;
    }
    const card = consentPromptCard(channel, open, value);
    const posted = await deliver(
      this.deps,
      request,
      () =>
        this.deps.slackClient().chat.postEphemeral({
          channel,
          user,
          text: card.text,
          blocks: card.blocks,
          ...(pasted.threadTs && { thread_ts: pasted.threadTs }),
        }),
      'consent prompt',
    );
    if (posted) {
      this.options.onConsent?.('prompted');
      log.info('unfurl.consent_asked', { channel, links: open.length });
    }
    return undefined;
  }

  /** Show, Not now or Always in this channel, pressed on a prompt (acknowledged). Never throws. */
  async answerButton(answer: ConsentAnswer, { body, action, respond }: ButtonArgs): Promise<void> {
    const button = interactionAsker('button', body, this.deps.home, this.logger);
    const reply = (card: Card, replace: boolean) =>
      deliver(this.deps, button, () =>
        respond({
          response_type: 'ephemeral',
          replace_original: replace,
          text: card.text,
          blocks: card.blocks,
        }),
      );
    const value = decodeConsent(action.value);
    const plan =
      value &&
      planUnfurls(
        { channel: value.ch, user: value.u, links: value.l.map((url) => ({ url })) },
        this.matchers,
        { unfurlInSharedChannels: this.deps.slackConnectAllowed },
      );
    const where = body.channel?.id;
    if (!value || !plan?.unfurl || plan.links.length !== value.l.length || (where && where !== value.ch)) {
      button.logger.warn('slack.bad_action_value', { action: action.action_id });
      await reply(invalidCard('That button no longer works. Paste the link again to be asked again.'), false);
      return;
    }
    if (body.user.id !== value.u) {
      this.options.onConsent?.('refused');
      button.logger.info('unfurl.consent_refused', { channel: value.ch, presser: body.user.id });
      await reply(
        noticeCard('Only the person who pasted the link can choose whether it is previewed.'),
        false,
      );
      return;
    }
    if (answer === 'not_now') {
      this.options.onConsent?.('not_now');
      button.logger.info('unfurl.consent_declined', { channel: value.ch });
      await reply(consentNoteCard('No preview was shown.'), true);
      return;
    }
    if (this.options.mode === 'never') {
      await reply(consentNoteCard('Link previews are turned off, so no preview was shown.'), true);
      return;
    }
    // As a new paste would be: Slack Connect, then access, then the repeat-window claims.
    const request = newAsker(
      'unfurl',
      { user: value.u, channel: value.ch, team: body.team?.id, userTeam: body.user.team_id ?? body.team?.id },
      this.deps.home,
      this.logger,
    );
    if (!(await conversationMaySee(this.deps, request))) {
      request.logger.info('unfurl.skipped', { reason: 'shared_channel', channel: value.ch });
      await reply(
        consentNoteCard('This conversation is shared with another organisation, so no preview was shown.'),
        true,
      );
      return;
    }
    const denial = await checkAccess(this.deps, request);
    if (denial) {
      await reply(noticeCard(denial.message), true);
      return;
    }
    let keptNote = '';
    if (answer === 'always') {
      keptNote = (await this.keep(request, value.ch, value.u))
        ? ' Links you paste here will be previewed at once; `/focus previews forget` undoes that.'
        : ' Your choice could not be saved, so you will be asked again next time.';
    }
    this.options.onConsent?.(answer);
    const result = await makePreview(
      this.deps,
      this.deps.slackClient(),
      request,
      {
        links: plan.links,
        compact: plan.compact,
        fromComposer: false,
        target: { channel: value.ch, ts: value.ts },
        notify: { channel: value.ch, user: value.u, threadTs: value.th },
        consent: { basis: answer === 'always' ? 'always_new' : 'show', authorisedBy: body.user.id },
      },
      this.windowMs,
    );
    const note = result.sent
      ? 'Preview shown.'
      : result.claimed === 0
        ? 'This link was already previewed here.'
        : 'No preview could be made.';
    await reply(consentNoteCard(`${note}${keptNote}`), true);
  }

  /** `/focus previews [forget]` in a conversation: the asker's own choice there. */
  async previews(command: PreviewsCommand, request: Asker): Promise<Card> {
    if (command.kind === 'invalid') return invalidCard(command.message);
    const { channel, user } = request;
    if (!channel || !user) return infoCard('Run this in the conversation whose link previews you mean.');
    if (command.action === 'status')
      return previewsStatusCard(
        channel,
        await this.kept(request.team, channel, user, request.logger),
        this.mode,
      );
    return previewsForgottenCard(channel, await this.forget(request.team, channel, user, request.logger));
  }

  /** Drops one user's "always" in one conversation; true when there was one. */
  async forget(team: string | undefined, channel: string, user: string, logger: Logger): Promise<boolean> {
    const had = await this.kept(team, channel, user, logger);
    await this.options.choices.release(consentKey(team, channel, user));
    await this.updateIndex(team, user, (channels) => channels.filter((c) => c !== channel), logger);
    if (had) {
      this.options.onConsent?.('forgotten');
      logger.info('unfurl.consent_forgotten', { channel });
    }
    return had;
  }

  /** The conversations where this user's "always" holds now, most recent choice first. */
  async keptChannels(team: string | undefined, user: string, logger: Logger): Promise<string[]> {
    const channels = await this.readIndex(team, user, logger);
    const held = await Promise.all(channels.map((c) => this.kept(team, c, user, logger)));
    return channels.filter((_, i) => held[i]);
  }

  /** Whether this user chose "always" in this conversation; a store that cannot answer means ask. */
  private async kept(
    team: string | undefined,
    channel: string,
    user: string,
    logger: Logger,
  ): Promise<boolean> {
    try {
      return (await this.options.choices.get(consentKey(team, channel, user))) === 'always';
    } catch (error) {
      logger.warn('unfurl.consent_unreadable', { error });
      return false;
    }
  }

  /** The user's index of conversations with a kept choice (entries are checked when read). */
  private async readIndex(team: string | undefined, user: string, logger: Logger): Promise<string[]> {
    try {
      const text = await this.options.choices.get(consentIndexKey(team, user));
      const list = text?.startsWith('[') ? (JSON.parse(text) as unknown[]) : [];
      return list.filter((c): c is string => typeof c === 'string' && /^[CDG][A-Z0-9]{1,30}$/.test(c));
    } catch (error) {
      logger.warn('unfurl.consent_unreadable', { error });
      return [];
    }
  }

  /** Index writes under way, by user: one at a time in a process. */
  private readonly indexing = new Map<string, Promise<void>>();

  /**
   * Changes the user's index; the choice itself is already kept or dropped, so a failure here
   * only leaves the Home tab's list behind (logged). Two replicas changing one user's index in
   * the same instant can lose one entry.
   */
  private updateIndex(
    team: string | undefined,
    user: string,
    change: (channels: string[]) => string[],
    logger: Logger,
  ): Promise<void> {
    const key = consentIndexKey(team, user);
    const write = (this.indexing.get(key) ?? Promise.resolve())
      .then(async () => {
        const next = change(await this.readIndex(team, user, logger)).slice(0, MAX_CONSENT_INDEX);
        if (next.length === 0) await this.options.choices.release(key);
        else await this.options.choices.set(key, JSON.stringify(next), CONSENT_TTL_MS);
      })
      .catch((error: unknown) => logger.warn('unfurl.consent_index_failed', { error }));
    this.indexing.set(key, write);
    void write.then(() => {
      if (this.indexing.get(key) === write) this.indexing.delete(key);
    });
    return write;
  }

  private async keep(request: Asker, channel: string, user: string): Promise<boolean> {
    try {
      await this.options.choices.set(consentKey(request.team, channel, user), 'always', CONSENT_TTL_MS);
      request.logger.info('unfurl.consent_kept', { channel, ttlDays: CONSENT_TTL_MS / 86_400_000 });
      await this.updateIndex(
        request.team,
        user,
        (channels) => [channel, ...channels.filter((c) => c !== channel)],
        request.logger,
      );
      return true;
    } catch (error) {
      request.logger.error('unfurl.consent_not_kept', { error });
      return false;
    }
  }
}
