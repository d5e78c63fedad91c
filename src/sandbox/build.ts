/** Pure builders shared by the fixtures and the random generator. */
import type { Direction, MediaType, WireComment, WireEndpointRef, WireRecording } from './types.js';

/** Timestamps come in three styles: whole seconds, milliseconds, and .NET-style 7-digit ticks. */
export type TimeStyle = 'seconds' | 'millis' | 'ticks';

export function isoUtc(ms: number, style: TimeStyle, ticks = '0000'): string {
  const s = new Date(ms).toISOString();
  if (style === 'seconds') return `${s.slice(0, 19)}Z`;
  if (style === 'millis') return s;
  return `${s.slice(0, 23)}${ticks}Z`;
}

export interface Party {
  ref: WireEndpointRef;
  person?: { id: number; fullName: string };
}

export interface RecordingSpec {
  id: number;
  startMs: number;
  durationSeconds: number;
  direction: Direction;
  mediaType: MediaType;
  /** Caller first. */
  parties: Party[];
  tags: string[];
  thirdPartyId: string;
  hasTranscript: boolean;
  retentionGroupId: number;
  style: TimeStyle;
  ticks?: string;
}

export function makeRecording(spec: RecordingSpec): WireRecording {
  const people: { id: number; fullName: string }[] = [];
  for (const p of spec.parties) {
    if (p.person && !people.some((x) => x.id === p.person?.id)) people.push({ ...p.person });
  }
  return {
    interactionId: spec.id,
    startDatetimeUTC: isoUtc(spec.startMs, spec.style, spec.ticks),
    endDatetimeUTC: isoUtc(spec.startMs + spec.durationSeconds * 1000, spec.style, spec.ticks),
    durationSeconds: spec.durationSeconds,
    direction: spec.direction,
    mediaType: spec.mediaType,
    endpoints: spec.parties.map((p) => ({ endpoint: { ...p.ref } })),
    people,
    thirdPartyId: spec.thirdPartyId,
    tags: [...spec.tags],
    hasTranscript: spec.hasTranscript,
    retentionGroupId: spec.retentionGroupId,
  };
}

export interface CommentSpec {
  id: number;
  text: string;
  createdMs: number;
  username: string;
  startOffset: number;
  endOffset: number;
  tags: string[];
}

export function makeComment(spec: CommentSpec): WireComment {
  return {
    id: spec.id,
    comment: spec.text,
    createdDatetimeUTC: isoUtc(spec.createdMs, 'seconds'),
    username: spec.username,
    startOffset: spec.startOffset,
    endOffset: spec.endOffset,
    tags: [...spec.tags],
  };
}
