/**
 * Which Focus rights a linked portal user needs for each kind of answer (FOCUS_RIGHTS): the map
 * and its parser. Pure; `config.ts` parses the setting, `access/rights.ts` applies the map.
 *
 * Focus runs every API call as one service user, so the app decides what each person may see
 * from their own portal user's `rolesAndRights`. Tenants name rights differently (the vendor's
 * pages name `Recording.View`, `Recording.Play`, `Recording.Transcription.View` and `Admin`), so
 * the map is configuration:
 *
 *   FOCUS_RIGHTS="recording=Recording.View, user=User.View|Admin, retention="
 *
 * Each entry sets one kind: the rights that grant it, any one of them (`|`); empty means a
 * linked user is enough. Kinds not named keep their default. `admin=<right>` names the right that
 * grants every kind (default `Admin`; `admin=` turns that off).
 */

/** What an answer can show: a lookup kind, or the recent-recordings part of phone and person cards. */
export const RIGHT_KINDS = [
  'phone',
  'person',
  'recording',
  'comments',
  'recordings',
  'user',
  'retention',
] as const;
export type RightKind = (typeof RIGHT_KINDS)[number];

export interface RightsMap {
  /** For each kind, the rights that grant it (any one); empty: a linked user is enough. */
  needs: Readonly<Record<RightKind, readonly string[]>>;
  /** Rights that grant every kind. */
  admin: readonly string[];
}

export const DEFAULT_RIGHTS: RightsMap = {
  needs: {
    phone: [],
    person: [],
    recording: ['Recording.View'],
    comments: ['Recording.View'],
    recordings: ['Recording.View'],
    user: [],
    retention: [],
  },
  admin: ['Admin'],
};

/** A right's name: letters, digits, dots, dashes, underscores and spaces (`Compliance Officer`). */
const RIGHT = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,79}$/;
const MAX_TEXT = 4_000;

export type RightsParse = { ok: true; map: RightsMap } | { ok: false; problems: string[] };

/** Parses FOCUS_RIGHTS over the defaults; every problem is reported, none quotes more than a name. */
export function parseRights(text: string | undefined): RightsParse {
  const source = (text ?? '').trim();
  if (source === '') return { ok: true, map: DEFAULT_RIGHTS };
  if (source.length > MAX_TEXT)
    return { ok: false, problems: [`FOCUS_RIGHTS is longer than ${MAX_TEXT} characters`] };
  const needs: Record<RightKind, readonly string[]> = { ...DEFAULT_RIGHTS.needs };
  let admin = DEFAULT_RIGHTS.admin;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of source.split(',').entries()) {
    const entry = raw.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    if (eq < 0) {
      problems.push(`FOCUS_RIGHTS entry ${index + 1} needs "=": kind=Right|Other.Right`);
      continue;
    }
    const kind = entry.slice(0, eq).trim().toLowerCase();
    const rights = entry
      .slice(eq + 1)
      .split('|')
      .map((r) => r.trim())
      .filter(Boolean);
    const bad = rights.find((r) => !RIGHT.test(r));
    if (bad !== undefined) {
      problems.push(`FOCUS_RIGHTS: "${kind.slice(0, 20)}" names a right that is not a plain name`);
      continue;
    }
    if (seen.has(kind)) problems.push(`FOCUS_RIGHTS names "${kind}" twice`);
    seen.add(kind);
    if (kind === 'admin') admin = rights;
    else if ((RIGHT_KINDS as readonly string[]).includes(kind)) needs[kind as RightKind] = rights;
    else
      problems.push(
        `FOCUS_RIGHTS: unknown kind "${kind.slice(0, 20)}" (known: ${[...RIGHT_KINDS, 'admin'].join(', ')})`,
      );
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, map: { needs, admin } };
}
