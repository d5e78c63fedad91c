/**
 * Person lookups: by id (people.get, then the recordings on their numbers), or by name or
 * email through the endpoint search and the people directory.
 */
import type { Person } from '../domain/focus.js';
import { type LookupOutcome, MAX_CHOICES } from '../domain/outcome.js';
import type { FocusLookupRequest } from '../domain/request.js';
import { emptyPage, type LookupContext } from './context.js';

type PersonById = Extract<FocusLookupRequest, { kind: 'person'; id: number }>;
type PersonByQuery = Extract<FocusLookupRequest, { kind: 'person'; query: string }>;

function ambiguous(
  request: PersonByQuery,
  people: ReadonlyArray<{ id: number; fullName: string; personType?: string }>,
  directoryLoading = false,
): LookupOutcome {
  return {
    status: 'ambiguous',
    request,
    choices: people.slice(0, MAX_CHOICES).map((p) => ({
      label: [p.fullName, p.personType].filter(Boolean).join(' · '),
      request: { kind: 'person', id: p.id },
    })),
    ...(directoryLoading && { directoryLoading }),
  };
}

/**
 * `person` with endpoints: people.get need not list them (the field is not documented), so
 * when it does not, they come from the endpoint search, through the directory.
 */
async function withEndpoints(ctx: LookupContext, person: Person): Promise<Person> {
  if (person.endpoints.length > 0 || !ctx.directory) return person;
  try {
    const endpoints = await ctx.directory.endpointsOf(person.id, ctx.signal);
    return endpoints.length > 0 ? { ...person, endpoints } : person;
  } catch (error) {
    ctx.signal?.throwIfAborted();
    // The directory could not be built: answer with the person as Focus gave them.
    ctx.logger.warn('lookup.person_endpoints_failed', { error });
    return person;
  }
}

export async function lookupPersonById(ctx: LookupContext, request: PersonById): Promise<LookupOutcome> {
  // people.get is batched across lookups and never aborted: a lookup that gave up asks for
  // nothing, and one whose deadline passes while it waits leaves at once (its signal).
  ctx.signal?.throwIfAborted();
  const [given] = await ctx.cache.getPeople([request.id], ctx.signal);
  if (!given) return { status: 'not_found', request };
  const person = await withEndpoints(ctx, given);
  const withheld = ctx.recordingsWithheld;
  if (withheld)
    return {
      status: 'found',
      request,
      result: { kind: 'person', person, recordings: emptyPage(ctx.pageSize), recordingsWithheld: withheld },
    };
  // Every endpoint: calls and SMS are on numbers, Teams meetings and email on addresses.
  const known = person.endpoints.flatMap((e) => (e.id === undefined ? [] : [e.id]));
  // Endpoints listed without ids: find them by value (cached), keeping those this person owns.
  const found = await Promise.all(
    person.endpoints
      .filter((e) => e.id === undefined)
      .map((e) => ctx.cache.findEndpoints(e.value, ctx.signal)),
  );
  const endpointIds = [
    ...known,
    ...found
      .flat()
      .filter((e) => e.personId === person.id)
      .map((e) => e.id),
  ];
  const recordings =
    endpointIds.length === 0
      ? emptyPage(ctx.pageSize)
      : await ctx.cache.searchRecordings(
          { endpointIds, page: request.page ?? 1, pageSize: ctx.pageSize },
          ctx.signal,
        );
  return { status: 'found', request, result: { kind: 'person', person, recordings } };
}

export async function lookupPersonByQuery(
  ctx: LookupContext,
  request: PersonByQuery,
): Promise<LookupOutcome> {
  const query = request.query.trim();
  let ids: number[] = [];
  if (query.includes('@')) {
    const endpoints = await ctx.cache.findEndpoints(query.toLowerCase(), ctx.signal);
    ids = [...new Set(endpoints.flatMap((e) => (e.personId === undefined ? [] : [e.personId])))];
  }
  if (ids.length === 0) {
    if (!ctx.directory) return { status: 'not_found', request };
    const { matches, complete } = await ctx.directory.find(query, MAX_CHOICES, ctx.signal);
    // Still loading: the matches so far, as choices (one of them too: another may yet load).
    if (!complete) {
      return matches.length > 0
        ? ambiguous(request, matches, true)
        : { status: 'not_found', request, directoryLoading: true };
    }
    if (matches.length > 1) return ambiguous(request, matches);
    ids = matches.map((m) => m.id);
  }
  const [id] = ids;
  if (id === undefined) return { status: 'not_found', request };
  // One email address on several people.
  ctx.signal?.throwIfAborted();
  if (ids.length > 1) return ambiguous(request, await ctx.cache.getPeople(ids, ctx.signal));
  // Answered as the lookup by id, so paging and sharing buttons carry the id.
  return lookupPersonById(ctx, { kind: 'person', id });
}
