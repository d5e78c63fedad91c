/**
 * Response shaping: a tenant may send fewer fields than the simulator stores. A field mask
 * per kind of record says which fields survive; everything else is stripped just before the
 * answer is sent, so one dataset serves every tenant shape.
 */

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

const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/** `value` with only the fields `mask` keeps (arrays element by element; scalars as they are). */
export function project(value: unknown, mask: FieldMask): unknown {
  if (Array.isArray(value)) return value.map((item) => project(item, mask));
  if (!isRecord(value)) return value;
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
  if (envelope && isRecord(body) && Array.isArray(body[envelope])) {
    return { ...body, [envelope]: project(body[envelope], mask) };
  }
  return body;
}

/** `over` on top of `under`, kind by kind (a kind's mask is replaced, not merged). */
export function mergeMasks(under: FieldMasks | undefined, over: FieldMasks | undefined): FieldMasks {
  return { ...under, ...over };
}
