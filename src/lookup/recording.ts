/**
 * Recording lookups: the recording (recording.search by id), then its comments and the owners
 * of its numbers in parallel; and the comments of a recording, paged.
 */
import type { LookupOutcome } from '../domain/outcome.js';
import type { FocusLookupRequest } from '../domain/request.js';
import { FocusError } from '../focus/errors.js';
import type { LookupContext } from './context.js';

export const COMMENTS_PAGE_SIZE = 10;

export async function lookupRecording(
  ctx: LookupContext,
  request: Extract<FocusLookupRequest, { kind: 'recording' }>,
): Promise<LookupOutcome> {
  const page = await ctx.cache.searchRecordings({ recordingIds: [request.id], pageSize: 1 }, ctx.signal);
  const recording = page.items.find((r) => r.id === request.id);
  if (!recording) return { status: 'not_found', request };
  const numbers = [...new Set(recording.endpoints.filter((e) => e.type === 'phone').map((e) => e.value))];
  const [comments, endpointLists] = await Promise.all([
    ctx.cache.comments(recording.id, ctx.signal).catch((error: unknown) => {
      if (error instanceof FocusError && error.code === 'not_found') return [];
      throw error;
    }),
    Promise.all(numbers.map((n) => ctx.cache.findEndpoints(n, ctx.signal))),
  ]);
  // No prototype: endpoint values come from Focus, and `__proto__` or `valueOf` must be plain keys.
  const names: Record<string, string> = Object.create(null);
  const unnamed = new Map<number, string>();
  for (const e of endpointLists.flat()) {
    if (e.personName) names[e.value] ??= e.personName;
    else if (e.personId !== undefined) unnamed.set(e.personId, e.value);
  }
  if (unnamed.size > 0) {
    for (const p of await ctx.cache.getPeople([...unnamed.keys()], ctx.signal)) {
      const value = unnamed.get(p.id);
      if (value !== undefined) names[value] ??= p.fullName;
    }
  }
  return { status: 'found', request, result: { kind: 'recording', recording, comments, names } };
}

export async function lookupComments(
  ctx: LookupContext,
  request: Extract<FocusLookupRequest, { kind: 'comments' }>,
): Promise<LookupOutcome> {
  let all: Awaited<ReturnType<typeof ctx.cache.comments>>;
  try {
    all = await ctx.cache.comments(request.recordingId, ctx.signal);
  } catch (error) {
    if (error instanceof FocusError && error.code === 'not_found') return { status: 'not_found', request };
    throw error;
  }
  const start = (request.page - 1) * COMMENTS_PAGE_SIZE;
  const items = all.slice(start, start + COMMENTS_PAGE_SIZE);
  return {
    status: 'found',
    request,
    result: {
      kind: 'comments',
      recordingId: request.recordingId,
      comments: { items, total: all.length, page: request.page, pageSize: COMMENTS_PAGE_SIZE },
    },
  };
}
