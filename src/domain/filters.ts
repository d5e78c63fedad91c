/**
 * A subscription's filters applied to a recording, without I/O. Focus documents neither a
 * recording's direction nor its length (the simulator's `bare` tenant sends neither), so both are
 * read tolerantly: a direction in any case, `incoming`/`outgoing` too; a length from
 * `durationSeconds`, else from its end less its start. A filter passes only what Focus says
 * matches it: a recording whose direction (or length) cannot be read passes no direction (or
 * length) filter, so a channel that asked for inbound calls gets only calls known to be inbound.
 */
import type { Recording } from './focus.js';
import type { Direction, SubscriptionFilters } from './subscription.js';

export const DIRECTIONS: readonly Direction[] = ['inbound', 'outbound', 'internal'];

/** The longest `longer than` a filter takes (24 h): no call is longer. */
export const MAX_LONGER_THAN_SECONDS = 86_400;

const SPELLINGS: Record<string, Direction> = {
  inbound: 'inbound',
  incoming: 'inbound',
  outbound: 'outbound',
  outgoing: 'outbound',
  internal: 'internal',
};

/** The recording's direction, or undefined when Focus gave none this app can read. */
export function directionOf(recording: Recording): Direction | undefined {
  const raw = recording.direction;
  return typeof raw === 'string' ? SPELLINGS[raw.trim().toLowerCase()] : undefined;
}

/** How long the recording lasted in seconds, or undefined when Focus does not say. */
export function secondsOf(recording: Recording): number | undefined {
  const { durationSeconds, start, end } = recording;
  if (typeof durationSeconds === 'number' && Number.isFinite(durationSeconds) && durationSeconds >= 0)
    return durationSeconds;
  const from = Date.parse(start);
  const to = end === undefined ? Number.NaN : Date.parse(end);
  return Number.isFinite(from) && Number.isFinite(to) && to >= from ? (to - from) / 1000 : undefined;
}

/** Whether the recording passes every filter set (none set: it passes). */
export function passesFilters(filters: SubscriptionFilters | undefined, recording: Recording): boolean {
  if (!filters) return true;
  const { directions, longerThanSeconds } = filters;
  if (directions && directions.length > 0) {
    const direction = directionOf(recording);
    if (direction === undefined || !directions.includes(direction)) return false;
  }
  if (longerThanSeconds !== undefined) {
    const seconds = secondsOf(recording);
    if (seconds === undefined || !(seconds > longerThanSeconds)) return false;
  }
  return true;
}

/** Why stored filters are not what this app writes (a bad row is skipped, not guessed at), or undefined. */
export function filtersProblem(filters: unknown): string | undefined {
  if (filters === undefined) return undefined;
  if (!filters || typeof filters !== 'object' || Array.isArray(filters)) return 'filters are unreadable';
  const { directions, longerThanSeconds, ...rest } = filters as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return 'filters name a filter this version does not know';
  if (
    directions !== undefined &&
    !(Array.isArray(directions) && directions.every((d) => DIRECTIONS.includes(d as Direction)))
  )
    return 'filters name a direction that is not one';
  if (
    longerThanSeconds !== undefined &&
    !(
      Number.isSafeInteger(longerThanSeconds) &&
      (longerThanSeconds as number) >= 1 &&
      (longerThanSeconds as number) <= MAX_LONGER_THAN_SECONDS
    )
  )
    return 'filters give a length that is not one';
  return undefined;
}
