/** Generated comments: most recordings have none, some up to three. */
import { makeComment } from './build.js';
import { COMMENT_TAGS, COMMENT_TEXTS } from './names.js';
import type { Rng } from './random.js';
import type { WireComment, WireRecording } from './types.js';

export const FIRST_GENERATED_COMMENT_ID = 1001;

export function generateComments(
  rng: Rng,
  recordings: readonly WireRecording[],
  usernames: readonly string[],
  nowMs: number,
): Record<number, WireComment[]> {
  const out: Record<number, WireComment[]> = {};
  let nextId = FIRST_GENERATED_COMMENT_ID;
  for (const rec of recordings) {
    const u = rng.next();
    const count = u < 0.6 ? 0 : u < 0.8 ? 1 : u < 0.92 ? 2 : 3;
    if (count === 0) continue;
    const endMs = Date.parse(rec.endDatetimeUTC);
    const list: WireComment[] = [];
    let createdMs = endMs;
    for (let i = 0; i < count; i++) {
      createdMs = Math.min(nowMs - 1000, createdMs + rng.int(60_000, 3 * 86_400_000));
      const startOffset = rec.durationSeconds > 0 ? rng.int(0, rec.durationSeconds) : 0;
      const endOffset = Math.min(rec.durationSeconds, startOffset + rng.int(0, 60));
      list.push(
        makeComment({
          id: nextId++,
          text: rng.pick(COMMENT_TEXTS),
          createdMs,
          username: rng.pick(usernames),
          startOffset,
          endOffset,
          tags: rng.chance(0.4) ? [rng.pick(COMMENT_TAGS)] : [],
        }),
      );
    }
    out[rec.interactionId] = list;
  }
  return out;
}
