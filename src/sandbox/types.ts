/**
 * Wire shapes of the simulated Focus API (the Native Focus REST API as documented): what the
 * simulator stores and sends, before any client-side normalisation; and the field masks that
 * strip them to what a tenant sends, just before an answer goes out, so one dataset serves every
 * tenant shape.
 */

export type PersonType = 'subscriber' | 'contact' | 'user';
export type EndpointType = 'phone' | 'email';

export interface WireEndpointRef {
  id?: number;
  endpoint: string;
  type: EndpointType;
}

export interface WireEndpointHolder {
  endpoint: WireEndpointRef;
}

export interface WirePerson {
  id: number;
  fullName: string;
  personType: PersonType;
  email?: string;
  jobTitle?: string;
  department?: string;
  endpoints: WireEndpointHolder[];
}

export interface WireEndpoint {
  id: number;
  endpoint: string;
  type: EndpointType;
  personId: number;
  person: { id: number; fullName: string; personType: PersonType };
}

export type Direction = 'inbound' | 'outbound' | 'internal';
export type MediaType = 'call' | 'sms' | 'teams';

export interface WireRecording {
  interactionId: number;
  startDatetimeUTC: string;
  endDatetimeUTC: string;
  durationSeconds: number;
  direction: Direction;
  mediaType: MediaType;
  endpoints: WireEndpointHolder[];
  people: { id: number; fullName: string }[];
  thirdPartyId: string;
  tags: string[];
  hasTranscript: boolean;
  retentionGroupId: number;
}

export interface WireComment {
  id: number;
  comment: string;
  createdDatetimeUTC: string;
  username: string;
  startOffset: number;
  endOffset: number;
  tags: string[];
}

export interface WirePortalUser {
  id: number;
  username: string;
  fullName: string;
  email: string;
  enabled: boolean;
  rolesAndRights: string[];
}

export interface WireRetentionGroup {
  id: number;
  name: string;
  default?: boolean;
  retentionDays: { call: number; sms: number; teams: number };
  legalHold?: boolean;
}

export interface Dataset {
  seed: number;
  /** ISO-8601 UTC: the instant the data was generated for. */
  now: string;
  people: WirePerson[];
  endpoints: WireEndpoint[];
  /** Newest first. */
  recordings: WireRecording[];
  /** Comments by recording id (recordings without comments have no key). */
  comments: Record<number, WireComment[]>;
  users: WirePortalUser[];
  retentionGroups: WireRetentionGroup[];
}

/** The kinds of record the routes answer with. */
export type WireEntity = 'person' | 'endpoint' | 'recording' | 'user' | 'comment' | 'retentionGroup';

/**
 * The fields that survive: `true` keeps a field whole; a nested mask keeps those fields of
 * an object field (of each element, when the field is an array).
 */
export interface FieldMask {
  readonly [field: string]: true | FieldMask;
}

/** Masks per kind of record; a kind without a mask is sent whole. */
export type FieldMasks = Partial<Record<WireEntity, FieldMask>>;

/** Exactly the fields the vendor's original API page shows (the rest of the wire shapes are assumed). */
export const DOCUMENTED_FIELDS: FieldMasks = {
  person: { id: true, fullName: true },
  recording: {
    interactionId: true,
    startDatetimeUTC: true,
    endpoints: { endpoint: { endpoint: true, type: true } },
    thirdPartyId: true,
  },
  user: { id: true, username: true, rolesAndRights: true },
  comment: { id: true, comment: true },
  retentionGroup: { id: true, name: true },
};

export const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** `value` with only the fields `mask` keeps (arrays element by element; scalars as they are). */
export function project(value: unknown, mask: FieldMask): unknown {
  if (Array.isArray(value)) return value.map((item) => project(item, mask));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [field, keep] of Object.entries(mask)) {
    if (!(field in value)) continue;
    out[field] = keep === true ? value[field] : project(value[field], keep);
  }
  return out;
}

/**
 * A route's answer with its records masked: the records are the body itself when it is an
 * array, or the array under `envelope` when it is an object (`{ recordings: [...], total }`).
 */
export function shapeBody(body: unknown, mask: FieldMask | undefined, envelope?: string): unknown {
  if (!mask) return body;
  if (Array.isArray(body)) return project(body, mask);
  if (envelope && isObject(body) && Array.isArray(body[envelope])) {
    return { ...body, [envelope]: project(body[envelope], mask) };
  }
  return body;
}
