/**
 * Recordings that arrive while the simulator runs, so channel subscriptions have news: one at a
 * time (`addRecording`, `POST /api/__sim/recordings`) or one every few seconds for a known
 * number (`newRecordingEveryMs`). Each is built like the generated ones and indexed by the
 * store in its place: with the default start (now), the newest.
 */
import { makeRecording, type Party, partyOf } from './build.js';
import { FIXTURES } from './fixtures.js';
import { isListOf, objectBody, optional } from './routes.js';
import type { FocusStore } from './store.js';
import type { Direction, MediaType, WireEndpoint, WireRecording } from './types.js';

export interface NewRecording {
  /** The parties by endpoint id (known endpoints; their owners are on the recording). */
  endpointIds?: number[];
  /** Or by number (Focus form, digits with country code): a known one is its endpoint, another a bare number. */
  phone?: string | string[];
  /** ISO-8601, a Date or ms since the epoch; default now (the simulator's clock). */
  startsAt?: string | Date | number;
  /** Default `inbound`: the counterparty called. */
  direction?: Direction;
  /** Default `call`. */
  mediaType?: MediaType;
  /** Default 60 (0 for an SMS). */
  durationSeconds?: number;
  /** With one party given, the other side (default: the fixture number nobody owns). */
  counterparty?: string;
  tags?: string[];
  hasTranscript?: boolean;
  retentionGroupId?: number;
  /**
   * Served without `startDatetimeUTC` (a tenant's broken record): it is still indexed at its start,
   * so a search by date finds it, but the answer does not carry the field.
   */
  withoutStart?: boolean;
}

const DIRECTIONS: readonly Direction[] = ['inbound', 'outbound', 'internal'];
const MEDIA: readonly MediaType[] = ['call', 'sms', 'teams'];

export class LiveRecordings {
  private nextId: number;
  private readonly endpointsById: Map<number, WireEndpoint>;

  constructor(
    private readonly store: FocusStore,
    private readonly clock: () => number,
  ) {
    const { recordings, endpoints } = store.dataset;
    this.nextId =
      recordings.reduce<number>(
        (max, r) => Math.max(max, r.interactionId),
        FIXTURES.firstGeneratedRecordingId,
      ) + 1;
    this.endpointsById = new Map(endpoints.map((e) => [e.id, e]));
  }

  /** Builds the recording, adds it, and returns it as the wire has it. Throws on a bad spec. */
  add(spec: NewRecording): WireRecording {
    const given = this.parties(spec);
    if (given.length === 0) throw new Error('give endpointIds or phone: the recording needs a party');
    const direction = spec.direction ?? 'inbound';
    const mediaType = spec.mediaType ?? 'call';
    const startMs = spec.startsAt === undefined ? this.clock() : new Date(spec.startsAt).getTime();
    if (!Number.isFinite(startMs)) throw new Error(`startsAt ${JSON.stringify(spec.startsAt)} is not a date`);
    let parties = given;
    if (given.length === 1) {
      const other = this.byPhone(spec.counterparty ?? FIXTURES.unknownNumber);
      parties = direction === 'inbound' ? [other, ...given] : [...given, other];
    }
    const id = this.nextId++;
    const recording = makeRecording({
      id,
      startMs,
      durationSeconds: spec.durationSeconds ?? (mediaType === 'sms' ? 0 : 60),
      direction,
      mediaType,
      parties,
      tags: spec.tags ?? [],
      thirdPartyId: `SIM-LIVE-${id}`,
      hasTranscript: spec.hasTranscript ?? false,
      retentionGroupId: spec.retentionGroupId ?? FIXTURES.retentionGroups.defaultId,
      style: 'millis',
    });
    this.store.insertRecording(recording);
    if (spec.withoutStart) delete (recording as Partial<WireRecording>).startDatetimeUTC;
    return recording;
  }

  private parties(spec: NewRecording): Party[] {
    const byId = (spec.endpointIds ?? []).map((id) => {
      const e = this.endpointsById.get(id);
      if (!e) throw new Error(`no endpoint ${id}`);
      return partyOf(e, e.endpoint);
    });
    return [...byId, ...[spec.phone ?? []].flat().map((p) => this.byPhone(p))];
  }

  private byPhone(phone: string): Party {
    const digits = phone.replace(/^\+/, '');
    if (!/^\d{4,17}$/.test(digits)) throw new Error(`phone ${JSON.stringify(phone)} is not digits`);
    return partyOf(this.store.searchEndpoints('phone', digits, 1, 1).items[0], digits);
  }
}

/**
 * Adds one recording of `phone` every `everyMs`, alternating inbound and outbound, until
 * stopped. The timer does not keep the process alive.
 */
export function feedRecordings(live: LiveRecordings, everyMs: number, phone: string): () => void {
  if (!/^\d{4,17}$/.test(phone)) throw new Error(`newRecordingPhone ${JSON.stringify(phone)} is not digits`);
  if (!(everyMs > 0)) throw new Error(`newRecordingEveryMs must be positive, got ${everyMs}`);
  let n = 0;
  const timer = setInterval(() => {
    const direction: Direction = n % 2 === 0 ? 'inbound' : 'outbound';
    live.add({ phone, direction, durationSeconds: 30 + ((n * 47) % 600) });
    n++;
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** The body of `POST /api/__sim/recordings`: a `NewRecording` in JSON (throws a 400 otherwise). */
export function parseNewRecording(raw: unknown): NewRecording {
  const body = objectBody(raw, 'body must be a JSON object describing the recording');
  const strings = isListOf((x) => typeof x === 'string');
  const oneOf = (list: readonly string[]) => (x: unknown) => list.includes(x as string);
  return {
    endpointIds: optional(
      body.endpointIds,
      isListOf(Number.isInteger),
      'endpointIds must be an array of integers',
    ),
    phone: optional(body.phone, (x) => strings([x].flat()), 'phone must be a string or an array of strings'),
    startsAt: optional(
      body.startsAt,
      (x) => typeof x === 'string' || typeof x === 'number',
      'startsAt must be an ISO-8601 string or ms since the epoch',
    ),
    direction: optional(
      body.direction,
      oneOf(DIRECTIONS),
      `direction must be one of ${DIRECTIONS.join(', ')}`,
    ),
    mediaType: optional(body.mediaType, oneOf(MEDIA), `mediaType must be one of ${MEDIA.join(', ')}`),
    durationSeconds: optional(
      body.durationSeconds,
      (x) => Number.isInteger(x) && (x as number) >= 0,
      'durationSeconds must be a non-negative integer',
    ),
    counterparty: optional(body.counterparty, (x) => typeof x === 'string', 'counterparty must be a string'),
    tags: optional(body.tags, strings, 'tags must be strings'),
  };
}
