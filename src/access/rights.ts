/**
 * Applying the rights map (`domain/rights.ts`, FOCUS_RIGHTS): which right an asker lacks for a
 * kind of answer. Pure.
 */
import type { RightKind, RightsMap } from '../domain/rights.js';

/**
 * The right missing for `kind` (the first one the map names), or undefined when `held` grants
 * it. `held` undefined: rights are not checked (linked users are not required).
 */
export function missingRight(
  map: RightsMap,
  kind: RightKind,
  held: readonly string[] | undefined,
): string | undefined {
  if (held === undefined) return undefined;
  const needed = map.needs[kind];
  if (needed.length === 0) return undefined;
  if (held.some((r) => map.admin.includes(r) || needed.includes(r))) return undefined;
  return needed[0];
}

/** What the answer pipeline needs to apply rights: the map, and whether rights count at all. */
export interface RightsPolicy {
  map: RightsMap;
  /** FOCUS_REQUIRE_LINKED_USER: without it every answer is the Focus service user's view. */
  required: boolean;
}

/**
 * The right an asker lacks for `kind`, or undefined. Rights count only when linked users are
 * required; then an asker without a linked user lacks every right the map names.
 */
export function rightMissing(
  policy: RightsPolicy,
  kind: RightKind,
  linked: { rights: readonly string[] } | undefined,
): string | undefined {
  return policy.required ? missingRight(policy.map, kind, linked?.rights ?? []) : undefined;
}
