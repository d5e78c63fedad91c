/**
 * Each person's recent lookups, for their Home tab: the last 10 of the last 24 hours, each its
 * kind and its card's title, any phone number in it masked (`•••123`). Kept in the shared state
 * store under `recent:<user>` with a 24-hour time to live: this process's memory on one replica
 * (a restart forgets them; names are not put at rest in the state file), Redis with several.
 *
 * Recorded after the card is made, never awaited by the answer. One write at a time per person in
 * a process; two replicas writing one person's list in the same instant can lose one entry.
 */
import { RECENT_LOOKUPS, type RecentLookup } from '../../domain/home.js';
import type { Asker, Surface } from '../../domain/interaction.js';
import { maskPhone } from '../../domain/mask.js';
import type { LookupOutcome } from '../../domain/outcome.js';
import type { Card } from '../../render/blocks.js';
import { mrkdwnToPlain } from '../../render/text.js';
import type { StateStore } from '../../state/index.js';

/** Where nobody asked (a preview, a subscription post) or a workflow did: not the person's lookups. */
const NOT_ASKED: ReadonlySet<Surface> = new Set(['unfurl', 'subscription', 'workflow']);

export class RecentLookups {
  /** Each person's write under way, so two answers of theirs do not overwrite each other. */
  private readonly writing = new Map<string, Promise<void>>();

  constructor(
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Adds a found (or not found) answer to its asker's list. Never throws, never waits. */
  record(asker: Asker, outcome: LookupOutcome, card: Card): void {
    const user = asker.user;
    if (!user || NOT_ASKED.has(asker.surface)) return;
    if (outcome.status !== 'found' && outcome.status !== 'not_found') return;
    const kind = outcome.request.kind;
    const plain = mrkdwnToPlain(card.text);
    // Recording ids can be as long as a phone number: only titles that can hold a number are masked.
    const title = kind === 'recording' || kind === 'comments' ? plain : maskPhone(plain);
    const entry: RecentLookup = { kind, title: title.slice(0, 200), at: this.now() };
    const previous = this.writing.get(user) ?? Promise.resolve();
    const write = previous
      .then(() => this.add(user, entry))
      .catch((error: unknown) => asker.logger.warn('home.recent_not_kept', { error }));
    this.writing.set(user, write);
    void write.then(() => {
      if (this.writing.get(user) === write) this.writing.delete(user);
    });
  }

  /** The person's recent lookups, newest first; none when the store cannot answer. */
  async list(user: string): Promise<RecentLookup[]> {
    const since = this.now() - RECENT_LOOKUPS.ttlMs;
    return decode(await this.store.get(key(user))).filter((r) => r.at > since);
  }

  private async add(user: string, entry: RecentLookup): Promise<void> {
    const kept = (await this.list(user)).filter((r) => r.kind !== entry.kind || r.title !== entry.title);
    const next = [entry, ...kept].slice(0, RECENT_LOOKUPS.max);
    await this.store.set(key(user), JSON.stringify(next), RECENT_LOOKUPS.ttlMs);
  }
}

const key = (user: string) => `recent:${user}`;

/** What the store holds, or nothing when it is not ours (or is from an older version). */
function decode(text: string | undefined): RecentLookup[] {
  if (!text?.startsWith('[')) return [];
  try {
    const list = JSON.parse(text) as unknown[];
    return list
      .filter(
        (r): r is RecentLookup =>
          typeof r === 'object' &&
          r !== null &&
          typeof (r as RecentLookup).kind === 'string' &&
          typeof (r as RecentLookup).title === 'string' &&
          Number.isFinite((r as RecentLookup).at),
      )
      .slice(0, RECENT_LOOKUPS.max);
  } catch {
    return [];
  }
}
