/**
 * Phone lookup: endpoint search, then the owners and the latest recordings on
 * those endpoints in parallel. Two sequential round trips, the fewest the API allows.
 */
import type { LookupOutcome } from '../domain/outcome.js';
import type { FocusLookupRequest } from '../domain/request.js';
import { emptyPage, type LookupContext, personFromEndpoint } from './context.js';

/**
 * A number shared by more people than this gets their details (`people.get`) for the first
 * ones only; the rest keep what the endpoint record says. Recordings are searched on at most
 * `MAX_SEARCHED_ENDPOINTS` endpoints. Bounds the work one lookup can cause.
 */
export const MAX_OWNER_DETAILS = 20;
const MAX_SEARCHED_ENDPOINTS = 200;

export async function lookupPhone(
  ctx: LookupContext,
  request: Extract<FocusLookupRequest, { kind: 'phone' }>,
): Promise<LookupOutcome> {
  const { phone } = request;
  const page = request.page ?? 1;
  const endpoints = (await ctx.cache.findEndpoints(phone.focus, ctx.signal)).filter(
    (e) => e.type === 'phone',
  );
  const withheld = ctx.recordingsWithheld;
  if (endpoints.length === 0) {
    if (withheld) return { status: 'not_found', request };
    // Unknown to the directory; recordings may still mention it (an external party).
    const recordings = await ctx.cache
      .searchRecordings({ freeText: phone.focus, page, pageSize: ctx.pageSize }, ctx.signal)
      .catch((error: unknown) => {
        ctx.logger.warn('lookup.free_text_failed', { error });
        return undefined;
      });
    return { status: 'not_found', request, ...(recordings && { recordings }) };
  }

  const ownerIds = [
    ...new Set(endpoints.map((e) => e.personId).filter((id): id is number => id !== undefined)),
  ];
  const [people, recordings] = await Promise.all([
    ctx.cache.getPeople(ownerIds.slice(0, MAX_OWNER_DETAILS), ctx.signal),
    withheld
      ? emptyPage(ctx.pageSize)
      : ctx.cache.searchRecordings(
          {
            endpointIds: endpoints.slice(0, MAX_SEARCHED_ENDPOINTS).map((e) => e.id),
            page,
            pageSize: ctx.pageSize,
          },
          ctx.signal,
        ),
  ]);
  const byId = new Map(people.map((p) => [p.id, p]));
  const records = new Map(endpoints.map((e) => [e.personId, e]));
  const owners = ownerIds.map((id) => {
    const known = byId.get(id);
    if (known) return known;
    const record = records.get(id);
    return personFromEndpoint(id, record?.personName, record?.personType);
  });
  return {
    status: 'found',
    request,
    result: { kind: 'phone', phone, owners, recordings, ...(withheld && { recordingsWithheld: withheld }) },
  };
}
