/**
 * A state store as a portable JSON document, so a team can move it between stores (the SQLite
 * file and Redis, either way) with `npm run state -- export|import`: the subscriptions, and in
 * distribution mode the workspaces' installations, Focus connections and uninstall marks. A
 * subscription record carries everything that makes delivery exactly-once: the subscription, its
 * cursor and its delivered ids. Installations and connections travel sealed, verbatim (crypto.ts):
 * exporting them needs no key, and each opens again only under its own installation key (its
 * authenticated data), with the same STATE_ENCRYPTION_KEY. A document without them is version 1,
 * as before; with them, version 2 (an older version of the app refuses it rather than drop them).
 *
 * Importing is idempotent: a subscription whose channel already follows the same target is not
 * added again; its cursor takes the newer of the two and its delivered ids the union (its filters
 * and format stay as they are). A subscription's `filters` and `format` are written only when set,
 * so an export of subscriptions without them reads as before; a version of the app from before
 * filters would import such a record without them.
 */
import { z } from 'zod';
import { DIRECTIONS, MAX_LONGER_THAN_SECONDS } from '../domain/filters.js';
import { CHANNEL_ID, CLOCK_SKEW_MS, IMPORT_LIMITS, TEAM_ID, USER_ID } from '../domain/subscription-limits.js';
import { sealedKeyId } from './crypto.js';
import type { Cursor, Subscription } from './subscriptions.js';

/** One subscription with where its delivery has got to. */
export interface SubscriptionRecord {
  subscription: Subscription;
  cursor: Cursor;
  /** Recording ids delivered (kept within the retention behind the cursor). */
  delivered: Array<{ id: number; startMs: number }>;
}

/** A store that can list every record and take one in (both backends). */
export interface SubscriptionArchive {
  /** Every subscription, oldest first, with its cursor and delivered ids. */
  dumpSubscriptions(): Promise<SubscriptionRecord[]>;
  /**
   * Adds the record's subscription unless its channel already follows the target (then merges
   * the cursor and delivered ids into the existing one). The exported id is kept when it is above
   * every id the store has issued; otherwise the store gives a new one.
   */
  restoreSubscription(record: SubscriptionRecord): Promise<{ added: boolean; id: number }>;
}

export const SNAPSHOT_FORMAT = 'focus-for-slack/subscriptions';
/** 1: subscriptions only; 2: with the sealed sections. Both import. */
export const SNAPSHOT_VERSIONS = [1, 2] as const;
/** The lists of records a document may hold, in the order an export writes them. */
export const SNAPSHOT_SECTIONS = ['installations', 'connections', 'uninstalls', 'subscriptions'] as const;
export type SnapshotSection = (typeof SNAPSHOT_SECTIONS)[number];

/** One sealed record as a backend keeps it: the installation key and the sealed text. */
export interface SealedRecord {
  key: string;
  sealed: string;
}

/** What a distribution-mode store keeps per workspace besides subscriptions (workspace-data.ts). */
export interface WorkspaceArchive {
  installations: SealedRecord[];
  connections: SealedRecord[];
  /** When each workspace was uninstalled, ms since the epoch. */
  uninstalls: Array<{ key: string; atMs: number }>;
}

/** A sealed record is a few kilobytes; this is far above any. */
const MAX_SEALED_CHARS = 64 * 1024;

/**
 * One record as `npm run state -- import` accepts it: what this app writes, and nothing it could
 * not use. Channels are Slack conversation ids of channels (`C…`, `G…`), never a DM or a user;
 * ids are positive integers in range; dates are ISO-8601 instants from 2000 to now (plus the
 * allowed clock skew); phone numbers are digits.
 */
function importRecord(nowMs: number) {
  const latest = nowMs + CLOCK_SKEW_MS;
  const date = (what: string) =>
    z
      .string()
      .max(64)
      .refine((s) => ISO_INSTANT.test(s) && Number.isFinite(Date.parse(s)), `${what} is not an ISO-8601 date`)
      .refine((s) => !(Date.parse(s) < IMPORT_LIMITS.earliest), `${what} is before 2000`);
  const notFuture = (what: string) =>
    date(what).refine((s) => !(Date.parse(s) > latest), `${what} is in the future`);
  const positiveId = (what: string, max: number = IMPORT_LIMITS.maxFocusId) =>
    z
      .number({ message: `${what} is not a number` })
      .int(`${what} is not a whole number`)
      .positive(`${what} is not positive`)
      .max(max, `${what} is above ${max}`);
  return z.object({
    id: positiveId('id', IMPORT_LIMITS.maxSubscriptionId),
    workspace: z.string().regex(TEAM_ID, 'workspace is not a Slack installation key (T…, E…)').optional(),
    team: z.string().regex(TEAM_ID, 'team is not a Slack workspace id (T…, E…)').nullable(),
    channel: z
      .string({ message: 'channel is missing' })
      .regex(
        CHANNEL_ID,
        'channel is not a Slack channel id (C… or G…): subscriptions post in channels, never in a DM or to a user',
      ),
    target: z.discriminatedUnion(
      'kind',
      [
        z.object({
          kind: z.literal('phone'),
          phone: z.string().regex(/^\d{3,15}$/, 'target.phone is not 3 to 15 digits'),
          display: z.string().max(100, 'target.display is longer than 100 characters'),
        }),
        z.object({
          kind: z.literal('person'),
          personId: positiveId('target.personId'),
          name: z.string().max(200, 'target.name is longer than 200 characters'),
        }),
      ],
      { message: 'target is neither a phone number nor a person' },
    ),
    createdBy: z.string().regex(USER_ID, 'createdBy is not a Slack user id (U…, W…)'),
    createdAt: notFuture('createdAt'),
    paused: z
      .object({
        reason: z.string().regex(/^[a-z_]{1,64}$/, 'paused.reason is not a pause reason'),
        at: notFuture('paused.at'),
      })
      .nullable(),
    filters: z
      .strictObject(
        {
          directions: z
            .array(z.enum(DIRECTIONS, 'filters.directions names a direction that is not one'))
            .max(DIRECTIONS.length)
            .optional(),
          longerThanSeconds: z
            .number()
            .int('filters.longerThanSeconds is not a whole number')
            .min(1, 'filters.longerThanSeconds is not positive')
            .max(MAX_LONGER_THAN_SECONDS, `filters.longerThanSeconds is above ${MAX_LONGER_THAN_SECONDS}`)
            .optional(),
        },
        'filters names a filter this version does not know',
      )
      .optional(),
    format: z.enum(['full', 'compact'], 'format is neither full nor compact').optional(),
    cursor: z.object({
      // A cursor ahead of the clock is taken as now (see parseRecord), as the poller reads it.
      newestStart: date('cursor.newestStart').nullable(),
      idsAtNewest: z.array(positiveId('cursor.idsAtNewest')).max(10_000, 'cursor.idsAtNewest is too long'),
    }),
    delivered: z
      .array(
        z.object({
          id: positiveId('delivered id'),
          startMs: z
            .number()
            .int('delivered startMs is not a whole number')
            .min(IMPORT_LIMITS.earliest, 'delivered startMs is before 2000')
            .max(Number.MAX_SAFE_INTEGER),
        }),
      )
      .max(IMPORT_LIMITS.maxDelivered, `more than ${IMPORT_LIMITS.maxDelivered} delivered ids`),
  });
}

/** `2026-11-28T09:00:00Z`, `…00.000Z`, `…+01:00`: a date with a time and a zone. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A record `npm run state -- import` can take, with what it changed; or every reason it cannot. */
export type ParsedRecord =
  | { ok: true; record: SubscriptionRecord; notes: string[] }
  | { ok: false; problems: string[] };

/** Validates one record of an export (see `importRecord`); every problem is named. */
export function parseRecord(json: unknown, nowMs: number): ParsedRecord {
  const parsed = importRecord(nowMs).safeParse(json);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error.issues) };
  const { cursor: c, delivered, workspace, team, paused, filters, format, ...fields } = parsed.data;
  const notes: string[] = [];
  let cursor: Cursor = { newestStart: c.newestStart ?? undefined, idsAtNewest: c.idsAtNewest };
  if (cursor.newestStart !== undefined && Date.parse(cursor.newestStart) > nowMs + CLOCK_SKEW_MS) {
    notes.push(`cursor ${cursor.newestStart} is in the future: taken as now`);
    cursor = { newestStart: new Date(nowMs).toISOString(), idsAtNewest: [] };
  }
  const subscription = {
    ...fields,
    ...(workspace !== undefined && { workspace }),
    team: team ?? undefined,
    paused: paused ?? undefined,
    ...(filters && { filters }),
    ...(format === 'compact' && { format }),
  };
  return { ok: true, notes, record: { subscription, cursor, delivered } };
}

const sealedRecord = z.object({
  key: z.string().regex(TEAM_ID, 'key is not a Slack installation key (T…, E…)'),
  sealed: z
    .string({ message: 'sealed is missing' })
    .max(MAX_SEALED_CHARS, `sealed is longer than ${MAX_SEALED_CHARS} characters`)
    .refine(
      (s) => sealedKeyId(s) !== undefined,
      'sealed is not a sealed value (v1.<key id>.<nonce>.<ciphertext>.<tag>)',
    ),
});

/** An installation or connection record of an export: its key and sealed text, checked for shape only. */
export function parseSealedRecord(
  json: unknown,
): { ok: true; record: SealedRecord } | { ok: false; problems: string[] } {
  const parsed = sealedRecord.safeParse(json);
  if (parsed.success) return { ok: true, record: { key: parsed.data.key, sealed: parsed.data.sealed } };
  return { ok: false, problems: problemsOf(parsed.error.issues) };
}

/** An uninstall mark of an export: a key and a time from 2000 to now (plus the allowed clock skew). */
export function parseUninstall(
  json: unknown,
  nowMs: number,
): { ok: true; key: string; atMs: number } | { ok: false; problems: string[] } {
  const parsed = z
    .object({
      key: z.string().regex(TEAM_ID, 'key is not a Slack installation key (T…, E…)'),
      at: z
        .string({ message: 'at is missing' })
        .max(64)
        .refine((s) => ISO_INSTANT.test(s) && Number.isFinite(Date.parse(s)), 'at is not an ISO-8601 date')
        .refine((s) => !(Date.parse(s) < IMPORT_LIMITS.earliest), 'at is before 2000')
        .refine((s) => !(Date.parse(s) > nowMs + CLOCK_SKEW_MS), 'at is in the future'),
    })
    .safeParse(json);
  if (parsed.success) return { ok: true, key: parsed.data.key, atMs: Date.parse(parsed.data.at) };
  return { ok: false, problems: problemsOf(parsed.error.issues) };
}

/** Messages written here name their field; zod's own get the path (delivered.3.id: …). */
function problemsOf(issues: readonly z.core.$ZodIssue[]): string[] {
  const problems = issues.map((issue) => {
    const path = issue.path.join('.');
    return path !== '' && issue.message.startsWith(path)
      ? issue.message
      : `${path || '(record)'}: ${issue.message}`;
  });
  return [...new Set(problems)].slice(0, 5);
}

/**
 * The document for these records (stable: the same state gives the same text). Version 1 when
 * there is nothing but subscriptions, so such an export reads as before.
 */
export function toSnapshot(records: readonly SubscriptionRecord[], workspaces?: WorkspaceArchive) {
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const sealed =
    workspaces &&
    workspaces.installations.length + workspaces.connections.length + workspaces.uninstalls.length > 0
      ? {
          installations: [...workspaces.installations]
            .sort(byKey)
            .map(({ key, sealed }) => ({ key, sealed })),
          connections: [...workspaces.connections].sort(byKey).map(({ key, sealed }) => ({ key, sealed })),
          uninstalls: [...workspaces.uninstalls]
            .sort(byKey)
            .map(({ key, atMs }) => ({ key, at: new Date(atMs).toISOString() })),
        }
      : undefined;
  return {
    format: SNAPSHOT_FORMAT,
    version: sealed ? 2 : 1,
    ...sealed,
    subscriptions: records.map(({ subscription: s, cursor, delivered }) => ({
      id: s.id,
      // Only in distribution mode: a single-workspace export reads as before.
      ...(s.workspace !== undefined && { workspace: s.workspace }),
      team: s.team ?? null,
      channel: s.channel,
      target: s.target,
      createdBy: s.createdBy,
      createdAt: s.createdAt,
      paused: s.paused ?? null,
      ...(s.filters && Object.keys(s.filters).length > 0 && { filters: s.filters }),
      ...(s.format === 'compact' && { format: s.format }),
      cursor: {
        newestStart: cursor.newestStart ?? null,
        idsAtNewest: cursor.newestStart === undefined ? [] : cursor.idsAtNewest,
      },
      delivered: [...delivered].sort((a, b) => a.startMs - b.startMs || a.id - b.id),
    })),
  };
}
