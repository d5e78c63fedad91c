/**
 * Wire shapes of the simulated Focus API (the Native Focus REST API as documented): what the
 * simulator stores and sends, before any client-side normalisation.
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
