/**
 * Which phone endpoints a subscription follows, resolved once per target (a number, a person)
 * and kept at least a poll interval, so 2,000 subscriptions of one number make one endpoint
 * search per poll, not 2,000; concurrent resolutions of one target share one call. At most
 * `SUBSCRIPTION_LIMITS.endpointsPerSubscription` endpoints are followed (the first by id): a
 * number listed for thousands of owners costs one recording search, not fifty. Errors are not kept.
 */
import type { EndpointRef } from '../domain/focus.js';
import type { Logger } from '../domain/logger.js';
import { SUBSCRIPTION_LIMITS } from '../domain/subscription-limits.js';
import type { SubscriptionTarget } from '../state/subscriptions.js';

export interface ResolvedEndpoints {
  /** Phone numbers (Focus form) whose recordings the subscription follows. */
  numbers: ReadonlySet<string>;
  /** Endpoint ids to search, at most the limit, ascending. */
  endpointIds: readonly number[];
  /** Phone endpoints Focus listed for the target (before the limit). */
  listed: number;
  /** More were listed than are followed. */
  capped: boolean;
}

export interface EndpointSources {
  /** One Focus call (`endpoint.search`): the endpoints of a number. */
  ofNumber(phone: string): Promise<EndpointRef[]>;
  /** From the people directory (no Focus call): the endpoints of a person. */
  ofPerson(personId: number): Promise<EndpointRef[]>;
}

export interface EndpointResolverOptions {
  sources: EndpointSources;
  /** How long a resolution is kept; at least the poll interval (default 5 minutes). */
  ttlMs: number;
  logger: Logger;
  limit?: number;
  /** Targets kept at most (default 20,000). */
  max?: number;
  now?: () => number;
}

/** Counts the Focus calls made on someone's behalf (the poll's report). */
export interface CallCounter {
  focusCalls: number;
}

export function targetKeyOf(target: SubscriptionTarget): string {
  return target.kind === 'phone' ? `phone:${target.phone}` : `person:${target.personId}`;
}

export class EndpointResolver {
  private readonly kept = new Map<string, { until: number; value: ResolvedEndpoints }>();
  private readonly pending = new Map<string, Promise<ResolvedEndpoints>>();
  private readonly told = new Set<string>();
  private readonly now: () => number;
  private readonly limit: number;

  /** Where endpoints come from (uncached). */
  get sources(): EndpointSources {
    return this.options.sources;
  }

  constructor(private readonly options: EndpointResolverOptions) {
    this.now = options.now ?? Date.now;
    this.limit = options.limit ?? SUBSCRIPTION_LIMITS.endpointsPerSubscription;
  }

  /** The target's endpoints: kept, joined, or resolved now (counting a Focus call on `counter`). */
  resolve(target: SubscriptionTarget, counter?: CallCounter): Promise<ResolvedEndpoints> {
    const key = targetKeyOf(target);
    const kept = this.kept.get(key);
    if (kept && kept.until > this.now()) return Promise.resolve(kept.value);
    let pending = this.pending.get(key);
    if (!pending) {
      if (target.kind === 'phone' && counter) counter.focusCalls++;
      pending = this.load(target)
        .then((value) => {
          this.keep(key, value);
          return value;
        })
        .finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    return pending;
  }

  private async load(target: SubscriptionTarget): Promise<ResolvedEndpoints> {
    const { sources } = this.options;
    const refs =
      target.kind === 'phone'
        ? await sources.ofNumber(target.phone)
        : await sources.ofPerson(target.personId);
    const phones = refs.filter((e) => e.type === 'phone');
    const ids = [...new Set(phones.flatMap((e) => (e.id === undefined ? [] : [e.id])))].sort((a, b) => a - b);
    const followed = new Set(ids.slice(0, this.limit));
    const numbers = new Set(
      phones.filter((e) => e.id === undefined || followed.has(e.id)).map((e) => e.value),
    );
    if (target.kind === 'phone') numbers.add(target.phone);
    const capped = ids.length > this.limit;
    const key = targetKeyOf(target);
    if (capped && !this.told.has(key)) {
      this.told.add(key);
      this.options.logger.warn('subscriptions.endpoints_capped', {
        target: target.kind,
        ...(target.kind === 'person' && { personId: target.personId }),
        listed: ids.length,
        followed: this.limit,
      });
    }
    return { numbers, endpointIds: ids.slice(0, this.limit), listed: ids.length, capped };
  }

  private keep(key: string, value: ResolvedEndpoints): void {
    const now = this.now();
    if (this.kept.size >= (this.options.max ?? 20_000)) {
      for (const [k, v] of this.kept) if (v.until <= now) this.kept.delete(k);
      const oldest = this.kept.keys().next().value;
      if (this.kept.size >= (this.options.max ?? 20_000) && oldest !== undefined) this.kept.delete(oldest);
    }
    this.kept.delete(key);
    this.kept.set(key, { until: now + this.options.ttlMs, value });
  }
}
