/**
 * Portal links: one template builds a link to a recording or a person, and the same template
 * recognises a pasted link. Pure: no I/O.
 */

export type PortalLinkKind = 'recording' | 'person';

export interface PortalLinkMatch {
  kind: PortalLinkKind;
  id: number;
}

export interface PortalLinks {
  /** Portal hostname, lower case (the unfurl domain). */
  readonly host: string;
  recordingUrl(id: number): string;
  personUrl(id: number): string;
  /** Recognise a link built from the same templates; null for anything else. */
  match(url: string): PortalLinkMatch | null;
}

export interface PortalLinkOptions {
  /** Portal base URL, e.g. `https://uk.focus.subphonic.ai`. */
  portal: string;
  /** Template with `{portal}` and `{id}` placeholders, e.g. `{portal}/recordings/{id}`. */
  recordingTemplate: string;
  /** Template with `{portal}` and `{id}` placeholders, e.g. `{portal}/people/{id}`. */
  personTemplate: string;
}

export const DEFAULT_RECORDING_TEMPLATE = '{portal}/recordings/{id}';
export const DEFAULT_PERSON_TEMPLATE = '{portal}/people/{id}';

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

function expand(template: string, portal: string): string {
  return template.split('{portal}').join(portal);
}

/** Builds the matcher for one expanded template: scheme-, case-, slash-, query- and fragment-tolerant. */
function matcher(expanded: string, name: string): RegExp {
  const parts = expanded.split('{id}');
  if (parts.length !== 2) throw new Error(`${name} must contain exactly one {id} placeholder`);
  const [before = '', after = ''] = parts;
  const withoutScheme = before.replace(/^https?:\/\//i, '');
  const head = `^https?://${escapeRegExp(withoutScheme)}`;
  const tail = escapeRegExp(after.replace(/\/+$/, ''));
  return new RegExp(`${head}(\\d+)${tail}/?(?:[?#&].*)?$`, 'i');
}

function toId(digits: string | undefined): number | null {
  if (digits === undefined) return null;
  const id = Number(digits);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export function makePortalLinks(opts: PortalLinkOptions): PortalLinks {
  const portal = opts.portal.trim().replace(/\/+$/, '');
  let host: string;
  try {
    host = new URL(portal).hostname.toLowerCase();
  } catch {
    throw new Error(`portal URL is not a valid URL: ${portal}`);
  }
  const recording = expand(opts.recordingTemplate, portal);
  const person = expand(opts.personTemplate, portal);
  const patterns: Array<[PortalLinkKind, RegExp]> = [
    ['recording', matcher(recording, 'recording URL template')],
    ['person', matcher(person, 'person URL template')],
  ];
  const build = (expanded: string, id: number): string => expanded.split('{id}').join(String(id));

  return {
    host,
    recordingUrl: (id) => build(recording, id),
    personUrl: (id) => build(person, id),
    match(url) {
      const text = url.trim();
      if (text.length > 2048) return null;
      for (const [kind, re] of patterns) {
        const id = toId(re.exec(text)?.[1]);
        if (id !== null) return { kind, id };
      }
      return null;
    },
  };
}
