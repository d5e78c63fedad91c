/** Command-line arguments of `npm run sandbox`: pure, so the CLI's refusals are testable. */
import { parseArgs } from 'node:util';
import { DEFAULT_PROFILE, isProfileName, PROFILE_NAMES, PROFILES, type ProfileName } from './profiles.js';

export type SandboxArgs = { ok: true; profile: ProfileName } | { ok: false; problem: string };

export const SANDBOX_USAGE = `usage: npm run sandbox -- [--profile NAME]\nprofiles:\n${PROFILE_NAMES.map(
  (name) => `  ${name.padEnd(13)} ${PROFILES[name].summary}`,
).join('\n')}`;

/** `--profile NAME` or `--profile=NAME` (default `current`); anything else is a problem. */
export function parseSandboxArgs(argv: readonly string[]): SandboxArgs {
  let profile: string;
  try {
    const options = { profile: { type: 'string', default: DEFAULT_PROFILE } } as const;
    profile = parseArgs({ args: [...argv], options }).values.profile;
  } catch (e) {
    return { ok: false, problem: e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e) };
  }
  if (!isProfileName(profile)) {
    return { ok: false, problem: `unknown profile "${profile}"; valid: ${PROFILE_NAMES.join(', ')}` };
  }
  return { ok: true, profile };
}
