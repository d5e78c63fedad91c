/**
 * The subscription commands' work: resolve what a channel wants to follow (a number as typed;
 * a person by id, name or email, exactly one), add, list and remove subscriptions. Subscribing
 * again to what the channel follows, with other filters or format, changes them: the command says
 * what the channel wants, and the latest one wins. Every change writes one audit line.
 */
import type { Logger } from '../domain/logger.js';
import type {
  Subscription,
  SubscriptionCommand,
  SubscriptionTarget,
  Tuning,
} from '../domain/subscription.js';
import type { FocusCache } from '../focus/cache.js';
import type { PeopleDirectory } from '../lookup/directory.js';
import { checkLimits } from '../state/subscription-limits.js';
import type { SubscriptionStore } from '../state/subscriptions.js';
import type { EndpointResolver } from './endpoints.js';

export interface Where {
  channel: string;
  team: string | undefined;
  user: string;
}

export type SubscribeOutcome =
  | {
      /** `changed`: it was there, active, and now has the filters and format asked for. */
      status: 'subscribed' | 'already' | 'changed';
      subscription: Subscription;
      number: number;
      /** Said with the answer: e.g. the number has more owners than a subscription follows. */
      note?: string;
    }
  | { status: 'refused'; message: string };

/** Filters and format as one comparable value (the order of directions is the parser's). */
function tuningKey({ filters, format }: Tuning): string {
  return JSON.stringify([filters?.directions ?? [], filters?.longerThanSeconds ?? 0, format === 'compact']);
}

/** Why a subscription its maker paused from the Home tab is paused. */
const PAUSED_BY_SUBSCRIBER = 'paused_by_subscriber';

/** Names offered when a person search is ambiguous. */
const CHOICES_SHOWN = 5;

export class SubscriptionService {
  constructor(
    private readonly options: {
      store: SubscriptionStore;
      cache: FocusCache;
      directory?: PeopleDirectory;
      /** Resolves what a target follows (to say when it follows only part of it). */
      endpoints?: EndpointResolver;
      logger: Logger;
      now?: () => Date;
      /** These subscriptions stopped here (unsubscribed, paused): what the poller holds for them is dropped. */
      onStopped?: (ids: readonly number[]) => void;
    },
  ) {}

  /** Subscribes one at a time in this process, so the limits cannot be passed by a burst. */
  private queue: Promise<unknown> = Promise.resolve();

  async subscribe(
    target: Extract<SubscriptionCommand, { kind: 'subscribe' }>['target'],
    where: Where,
    logger: Logger,
    tuning: Tuning = {},
  ): Promise<SubscribeOutcome> {
    const resolved = await this.resolve(target);
    if ('message' in resolved) return { status: 'refused', message: resolved.message };
    const note = await this.partialNote(resolved, logger);
    const now = this.options.now?.() ?? new Date();
    const wanted: Tuning = {
      ...(tuning.filters && Object.keys(tuning.filters).length > 0 && { filters: tuning.filters }),
      ...(tuning.format === 'compact' && { format: 'compact' }),
    };
    const sub = { ...where, createdBy: where.user, target: resolved, ...wanted };
    const added = this.queue.then(async () => {
      const refused = await checkLimits(this.options.store, sub);
      if (refused) return refused;
      return this.options.store.add(sub, now);
    });
    this.queue = added.catch(() => undefined);
    const result = await added;
    if ('refused' in result) {
      logger.info('subscriptions.limit_reached', {
        channel: where.channel,
        team: where.team,
        limit: result.limit,
      });
      return { status: 'refused', message: result.refused };
    }
    // Subscribing again to a paused one (the channel was fixed) resumes it.
    const resumed = !result.added && result.subscription.paused !== undefined;
    if (resumed) await this.options.store.resume(result.subscription.id);
    const retuned = !result.added && tuningKey(result.subscription) !== tuningKey(wanted);
    if (retuned) await this.options.store.tune(result.subscription.id, wanted);
    const list = await this.options.store.list(where.channel);
    const number = list.findIndex((s) => s.id === result.subscription.id) + 1;
    logger.info('audit', {
      kind: 'subscribe',
      channel: where.channel,
      user: where.user,
      team: where.team,
      subscription: result.subscription.id,
      target: result.subscription.target.kind,
      outcome: result.added ? 'subscribed' : resumed ? 'resumed' : retuned ? 'changed' : 'already',
      ...wanted,
    });
    const subscription = {
      ...result.subscription,
      ...(retuned && { filters: wanted.filters, format: wanted.format }),
      ...(resumed && { paused: undefined }),
    };
    return {
      status: result.added || resumed ? 'subscribed' : retuned ? 'changed' : 'already',
      subscription,
      number,
      ...(note && { note }),
    };
  }

  list(channel: string): Promise<Subscription[]> {
    return this.options.store.list(channel);
  }

  /** Removes by the numbers `list` shows (1-based), or all; returns what stopped. */
  async unsubscribe(which: 'all' | number[], where: Where, logger: Logger): Promise<Subscription[]> {
    const list = await this.options.store.list(where.channel);
    const chosen =
      which === 'all' ? list : which.flatMap((n) => (list[n - 1] ? [list[n - 1] as Subscription] : []));
    const removed = await this.options.store.remove(
      where.channel,
      chosen.map((s) => s.id),
    );
    if (removed.length > 0) this.options.onStopped?.(removed.map((s) => s.id));
    logger.info('audit', {
      kind: 'unsubscribe',
      channel: where.channel,
      user: where.user,
      team: where.team,
      subscriptions: removed.map((s) => s.id),
      outcome: removed.length > 0 ? 'unsubscribed' : 'nothing',
    });
    return removed;
  }

  /** Every subscription this person made, in any channel, oldest first (the Home tab). */
  createdBy(user: string): Promise<Subscription[]> {
    return this.options.store.createdBy(user);
  }

  /**
   * The Home tab's buttons, on one subscription its maker pressed them for (the caller has
   * checked who pressed and what they may do). Pausing keeps it, and its cursor, until resumed;
   * an already paused one keeps its reason. Each writes one audit line.
   */
  async change(
    action: 'pause' | 'resume' | 'unsubscribe',
    sub: Subscription,
    where: Where,
    logger: Logger,
  ): Promise<void> {
    const store = this.options.store;
    if (action === 'pause' && !sub.paused)
      await store.pause(sub.id, PAUSED_BY_SUBSCRIBER, this.options.now?.() ?? new Date());
    if (action === 'resume') await store.resume(sub.id);
    if (action === 'unsubscribe') await store.remove(sub.channel, [sub.id]);
    if (action !== 'resume') this.options.onStopped?.([sub.id]);
    logger.info('audit', {
      kind: action,
      channel: sub.channel,
      user: where.user,
      team: where.team,
      subscription: sub.id,
      target: sub.target.kind,
      outcome: action === 'pause' && sub.paused ? 'already' : action,
    });
  }

  /** When the target has more endpoints than a subscription follows: what to tell the channel. */
  private async partialNote(target: SubscriptionTarget, logger: Logger): Promise<string | undefined> {
    const resolver = this.options.endpoints;
    if (!resolver) return undefined;
    try {
      const found = await resolver.resolve(target);
      if (!found.capped) return undefined;
      const listed = found.listed >= 1_000 ? 'at least 1,000' : String(found.listed);
      return target.kind === 'phone'
        ? `Focus lists this number for ${listed} people; a subscription follows at most ${found.endpointIds.length} of them (the first ${found.endpointIds.length} by Focus endpoint id), so recordings of the others are not posted.`
        : `This person has ${listed} numbers in Focus; a subscription follows at most ${found.endpointIds.length} of them (the first by Focus endpoint id).`;
    } catch (error) {
      // Focus did not answer now: the poller resolves it again, and logs a cut then.
      logger.warn('subscriptions.endpoints_unresolved', { target: target.kind, error });
      return undefined;
    }
  }

  private async resolve(
    target: Extract<SubscriptionCommand, { kind: 'subscribe' }>['target'],
  ): Promise<SubscriptionTarget | { message: string }> {
    if (target.kind === 'phone') return target;
    if ('id' in target) {
      const [person] = await this.options.cache.getPeople([target.id]);
      return person
        ? { kind: 'person', personId: person.id, name: person.fullName }
        : { message: `Focus has no person with id ${target.id}.` };
    }
    if (!this.options.directory) return { message: 'Subscribe to a person by id here.' };
    const found = await this.options.directory.search(target.query, CHOICES_SHOWN + 1);
    const [only] = found;
    if (found.length === 1 && only) return { kind: 'person', personId: only.id, name: only.fullName };
    if (found.length === 0)
      return { message: 'Nobody in Focus matches that. Try an id, a full name or an email.' };
    const names = found.slice(0, CHOICES_SHOWN).map((p) => `${p.fullName} (person ${p.id})`);
    return {
      message: `Several people match: ${names.join(', ')}${found.length > CHOICES_SHOWN ? ', …' : ''}. Subscribe by id, e.g. \`/focus subscribe person ${found[0]?.id}\`.`,
    };
  }
}
