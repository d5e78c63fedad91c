/**
 * zod schemas for Focus responses (the Native Focus REST API as documented), and their normalisation into
 * domain types. Every [assumed] shape lives here. Objects are loose (unknown fields pass
 * through), optional stays optional, and both documented spellings are accepted.
 */
import { z } from 'zod';
import type {
  EndpointRecord,
  EndpointRef,
  Page,
  Person,
  PortalUser,
  Recording,
  RecordingComment,
  RetentionGroup,
} from '../domain/focus.js';

/**
 * Upper bounds on every list in an answer: far above a real page (Focus pages hold at most
 * 1,000), so only a misbehaving tenant meets them, as a `bad_response` naming the field.
 */
export const LIST_LIMITS = { page: 10_000, nested: 1_000 } as const;
const pageOf = <T extends z.ZodType>(item: T) => z.array(item).max(LIST_LIMITS.page);
const nestedList = <T extends z.ZodType>(item: T) => z.array(item).max(LIST_LIMITS.nested);

/** Ids are integers; tolerate them arriving as digit strings. */
const id = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);
const optionalText = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);
const optionalNumber = z
  .number()
  .nullish()
  .transform((v) => v ?? undefined);
const stringList = z
  .array(z.unknown())
  .max(LIST_LIMITS.nested)
  .nullish()
  .transform((v) => (v ?? []).filter((x): x is string => typeof x === 'string'));

export const authResponse = z.looseObject({ token: z.string().min(1), refreshToken: z.string().optional() });

const endpointValue = z.looseObject({
  id: id.optional(),
  endpoint: z.string(),
  type: z.string().default('phone'),
});

/** A recording's or person's endpoint: `{ endpoint: { endpoint, type } }`, or the inner object alone. */
const endpointWrapper = z
  .union([z.looseObject({ endpoint: endpointValue }), endpointValue])
  .transform((e): EndpointRef => {
    const inner =
      'endpoint' in e && typeof e.endpoint === 'object' ? e.endpoint : (e as z.infer<typeof endpointValue>);
    return { ...(inner.id !== undefined && { id: inner.id }), value: inner.endpoint, type: inner.type };
  });

const personRef = z.looseObject({ id, fullName: z.string().default('') });

export const person = z
  .looseObject({
    id,
    fullName: z.string().default(''),
    personType: optionalText,
    email: optionalText,
    jobTitle: optionalText,
    department: optionalText,
    endpoints: nestedList(endpointWrapper).nullish(),
  })
  .transform(
    (p): Person => ({
      id: p.id,
      fullName: p.fullName,
      personType: p.personType,
      email: p.email,
      jobTitle: p.jobTitle,
      department: p.department,
      endpoints: p.endpoints ?? [],
    }),
  );
export const peopleResponse = pageOf(person);

const endpointRecord = z
  .looseObject({
    id,
    endpoint: z.string(),
    type: z.string().default('phone'),
    personId: id.nullish(),
    person: z.looseObject({ id, fullName: optionalText, personType: optionalText }).nullish(),
  })
  .transform(
    (e): EndpointRecord => ({
      id: e.id,
      value: e.endpoint,
      type: e.type,
      personId: e.personId ?? e.person?.id ?? undefined,
      personName: e.person?.fullName,
      personType: e.person?.personType,
    }),
  );

/** Either a bare array or `{ endpoints, total, page, pageSize }`. */
export const endpointSearchResponse = z.union([
  pageOf(endpointRecord).transform(
    (items): Page<EndpointRecord> => ({
      items,
      total: items.length,
      page: 1,
      pageSize: items.length,
    }),
  ),
  z
    .looseObject({
      endpoints: pageOf(endpointRecord),
      total: optionalNumber,
      page: optionalNumber,
      pageSize: optionalNumber,
    })
    .transform(
      (r): Page<EndpointRecord> => ({
        items: r.endpoints,
        total: r.total ?? r.endpoints.length,
        page: r.page ?? 1,
        pageSize: r.pageSize ?? r.endpoints.length,
      }),
    ),
]);

const recording = z
  .looseObject({
    interactionId: id.optional(),
    recordingId: id.optional(),
    startDatetimeUTC: z.string(),
    endDatetimeUTC: optionalText,
    durationSeconds: optionalNumber,
    direction: optionalText,
    mediaType: optionalText,
    endpoints: nestedList(endpointWrapper).nullish(),
    people: nestedList(personRef).nullish(),
    thirdPartyId: z.union([z.string(), z.number().transform(String)]).nullish(),
    tags: stringList,
    hasTranscript: z.boolean().nullish(),
    retentionGroupId: id.nullish(),
  })
  .refine((r) => r.interactionId !== undefined || r.recordingId !== undefined, {
    message: 'interactionId is required',
    path: ['interactionId'],
  })
  .transform(
    (r): Recording => ({
      id: (r.interactionId ?? r.recordingId) as number,
      start: r.startDatetimeUTC,
      end: r.endDatetimeUTC,
      durationSeconds: r.durationSeconds,
      direction: r.direction,
      mediaType: r.mediaType,
      endpoints: r.endpoints ?? [],
      people: r.people ?? [],
      thirdPartyId: r.thirdPartyId ?? undefined,
      tags: r.tags,
      hasTranscript: r.hasTranscript ?? undefined,
      retentionGroupId: r.retentionGroupId ?? undefined,
    }),
  );

export const recordingSearchResponse = z
  .looseObject({
    recordings: pageOf(recording),
    total: optionalNumber,
    page: optionalNumber,
    pageSize: optionalNumber,
  })
  .transform(
    (r): Page<Recording> => ({
      items: r.recordings,
      total: r.total ?? r.recordings.length,
      page: r.page ?? 1,
      pageSize: r.pageSize ?? r.recordings.length,
    }),
  );

/** A recording of a search answer that did not parse: its id when it has one, and why. */
export interface RejectedRecording {
  id: number | undefined;
  problem: string;
}

/**
 * `recording.search` read one recording at a time: a recording that does not parse (no
 * `startDatetimeUTC`, a start that is not a date, no id) is set aside with the reason instead of
 * failing the whole answer. For the subscriptions poller, where one bad record must not stop the
 * others; a lookup keeps the strict schema and says Focus answered in a way it did not understand.
 */
export const recordingSearchTolerant = z
  .looseObject({
    recordings: pageOf(z.unknown()),
    total: optionalNumber,
    page: optionalNumber,
    pageSize: optionalNumber,
  })
  .transform((r): Page<Recording> & { rejected: RejectedRecording[] } => {
    const items: Recording[] = [];
    const rejected: RejectedRecording[] = [];
    for (const raw of r.recordings) {
      const parsed = recording.safeParse(raw);
      if (parsed.success && Number.isFinite(Date.parse(parsed.data.start))) items.push(parsed.data);
      else
        rejected.push({
          id: rawId(raw),
          problem: parsed.success ? 'startDatetimeUTC: not a date' : describeIssue(parsed.error),
        });
    }
    return {
      items,
      rejected,
      total: r.total ?? r.recordings.length,
      page: r.page ?? 1,
      pageSize: r.pageSize ?? r.recordings.length,
    };
  });

function rawId(raw: unknown): number | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as { interactionId?: unknown; recordingId?: unknown };
  const parsed = id.safeParse(r.interactionId ?? r.recordingId);
  return parsed.success && Number.isSafeInteger(parsed.data) ? parsed.data : undefined;
}

export const userSearchResponse = pageOf(
  z
    .looseObject({
      id,
      username: z.string(),
      rolesAndRights: stringList,
      fullName: optionalText,
      email: optionalText,
      enabled: z.boolean().nullish(),
    })
    .transform(
      (u): PortalUser => ({
        id: u.id,
        username: u.username,
        rolesAndRights: u.rolesAndRights,
        fullName: u.fullName,
        email: u.email,
        enabled: u.enabled ?? undefined,
      }),
    ),
);

export const commentsResponse = pageOf(
  z
    .looseObject({
      id,
      comment: z.string().default(''),
      createdDatetimeUTC: optionalText,
      username: optionalText,
      startOffset: optionalNumber,
      endOffset: optionalNumber,
      tags: stringList,
    })
    .transform(
      (c): RecordingComment => ({
        id: c.id,
        text: c.comment,
        createdAt: c.createdDatetimeUTC,
        username: c.username,
        startOffset: c.startOffset,
        endOffset: c.endOffset,
        tags: c.tags,
      }),
    ),
);

export const retentionGroupsResponse = pageOf(
  z.looseObject({ id, name: z.string() }).transform((g): RetentionGroup => {
    const { id: groupId, name, ...properties } = g;
    return { id: groupId, name, properties };
  }),
);

/** "recordings.3.startDatetimeUTC: expected string": the first problem, for a typed error. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'response did not match the schema';
  const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return `${path}: ${issue.message}`;
}
