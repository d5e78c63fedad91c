/** Portal users and retention groups: one call each. */
import type { LookupOutcome } from '../domain/outcome.js';
import type { FocusLookupRequest } from '../domain/request.js';
import type { LookupContext } from './context.js';
import { nameKey } from './normalise.js';

export async function lookupUser(
  ctx: LookupContext,
  request: Extract<FocusLookupRequest, { kind: 'user' }>,
): Promise<LookupOutcome> {
  const query = nameKey(request.query);
  const users = await ctx.cache.searchUsers(request.query.trim(), ctx.signal);
  // `search` is an assumed field: match locally as well, in case Focus ignores it.
  const matching = users.filter((u) =>
    [u.username, u.fullName, u.email].some((v) => v !== undefined && nameKey(v).includes(query)),
  );
  if (matching.length === 0) return { status: 'not_found', request };
  return { status: 'found', request, result: { kind: 'user', query: request.query, users: matching } };
}

export async function lookupRetention(
  ctx: LookupContext,
  request: Extract<FocusLookupRequest, { kind: 'retention' }>,
): Promise<LookupOutcome> {
  const groups = await ctx.cache.retentionGroups(ctx.signal);
  if (groups.length === 0) return { status: 'not_found', request };
  return { status: 'found', request, result: { kind: 'retention', groups } };
}
