/**
 * Focus data as the app understands it, normalised from the wire shapes of
 * the Native Focus REST API by `focus/schemas.ts`. Optional stays optional: every
 * field Focus does not document as always present is optional here too.
 */

/** A phone number or email address as Focus stores it (`447897897897`, `jane@x.com`). */
export interface EndpointRef {
  id?: number;
  value: string;
  type: string;
}

/** An endpoint search hit: the endpoint and, when Focus says, its owner. */
export interface EndpointRecord extends EndpointRef {
  id: number;
  personId?: number;
  personName?: string;
  personType?: string;
}

export interface PersonRef {
  id: number;
  fullName: string;
}

/** People are subscribers (recorded staff), contacts (external parties) and users. */
export interface Person extends PersonRef {
  personType?: string;
  email?: string;
  jobTitle?: string;
  department?: string;
  endpoints: EndpointRef[];
}

export interface Recording {
  /** `interactionId` on the wire. */
  id: number;
  /** ISO-8601 UTC. */
  start: string;
  end?: string;
  durationSeconds?: number;
  direction?: string;
  mediaType?: string;
  endpoints: EndpointRef[];
  people: PersonRef[];
  thirdPartyId?: string;
  tags: string[];
  hasTranscript?: boolean;
  retentionGroupId?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface RecordingComment {
  id: number;
  text: string;
  createdAt?: string;
  username?: string;
  /** Seconds into the recording. */
  startOffset?: number;
  endOffset?: number;
  tags: string[];
}

export interface PortalUser {
  id: number;
  username: string;
  rolesAndRights: string[];
  fullName?: string;
  email?: string;
  enabled?: boolean;
}

export interface RetentionGroup {
  id: number;
  name: string;
  /** Every other property Focus sent (periods per media type, default flag...). */
  properties: Record<string, unknown>;
}

/** Rights named by the Focus docs, plus the ones the simulator assumes for other endpoints. */
export const FOCUS_ENDPOINTS = [
  'auth',
  'retentionGroup',
  'endpoint.search',
  'recording.search',
  'user.search',
  'recording.comment',
  'people.get',
] as const;
export type FocusEndpoint = (typeof FOCUS_ENDPOINTS)[number];
