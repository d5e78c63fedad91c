import { describe, expect, it } from 'vitest';
import { RECENT_LOOKUPS } from '../../src/domain/home.js';
import { type Asker, newRequestId, type Surface } from '../../src/domain/interaction.js';
import { silentLogger } from '../../src/domain/logger.js';
import type { LookupOutcome } from '../../src/domain/outcome.js';
import type { FocusLookupRequest } from '../../src/domain/request.js';
import { RecentLookups } from '../../src/slack/answer/recent.js';
import { MemoryStore } from '../../src/state/index.js';

const asker = (surface: Surface = 'command', user = 'U1'): Asker => ({
  surface,
  user,
  requestId: newRequestId(),
  logger: silentLogger,
});
const phone: FocusLookupRequest = {
  kind: 'phone',
  phone: { focus: '447897897897', e164: '+447897897897', display: '+44 7897 897897', valid: true },
};
const found = (request: FocusLookupRequest): LookupOutcome =>
  ({ status: 'found', request, result: {} }) as unknown as LookupOutcome;
const card = (text: string) => ({ text, blocks: [] });
const flush = () => new Promise((r) => setTimeout(r, 10));

describe('recent lookups', () => {
  it('keeps the last 10 of the last 24 hours, newest first, numbers masked, repeats moved up', async () => {
    let now = 1_750_000_000_000;
    const store = new MemoryStore({ now: () => now });
    const recent = new RecentLookups(store, () => now);
    recent.record(asker(), found(phone), card('+44 7897 897897: Jane Smith &amp; Co'));
    for (let i = 1; i <= 10; i++) {
      now += 1_000;
      recent.record(
        asker(),
        found({ kind: 'recording', id: 1_000_000_000 + i }),
        card(`Recording ${1_000_000_000 + i}`),
      );
    }
    await flush();
    const list = await recent.list('U1');
    expect(list).toHaveLength(RECENT_LOOKUPS.max);
    // Recording ids are not phone numbers: kept as the card showed them.
    expect(list[0]).toEqual({ kind: 'recording', title: 'Recording 1000000010', at: now });
    expect(list.some((r) => r.kind === 'phone')).toBe(false);

    now += 1_000;
    recent.record(asker(), found(phone), card('+44 7897 897897: Jane Smith &amp; Co'));
    recent.record(asker('button'), found(phone), card('+44 7897 897897: Jane Smith &amp; Co'));
    await flush();
    const again = await recent.list('U1');
    expect(again[0]).toEqual({ kind: 'phone', title: '•••897: Jane Smith & Co', at: now });
    expect(again.filter((r) => r.kind === 'phone')).toHaveLength(1);

    now += RECENT_LOOKUPS.ttlMs;
    expect(await recent.list('U1')).toEqual([]);
  });

  it('keeps nothing for previews, subscription posts or workflow runs, nor failures', async () => {
    const recent = new RecentLookups(new MemoryStore());
    for (const surface of ['unfurl', 'subscription', 'workflow'] as const)
      recent.record(asker(surface), found(phone), card('x'));
    recent.record(
      asker(),
      { status: 'failed', request: phone, code: 'timeout', referenceId: 'r' },
      card('x'),
    );
    await flush();
    expect(await recent.list('U1')).toEqual([]);
  });
});
