/** Command-line arguments of `npm run sandbox`: pure, so the CLI's refusals are testable. */
import { DEFAULT_PROFILE, isProfileName, PROFILE_NAMES, PROFILES, type ProfileName } from './profiles.js';

export type SandboxArgs = { ok: true; profile: ProfileName } | { ok: false; problem: string };

export const SANDBOX_USAGE = `usage: npm run sandbox -- [--profile NAME]\nprofiles:\n${PROFILE_NAMES.map(
  (name) => `  ${name.padEnd(13)} ${PROFILES[name].summary}`,
).join('\n')}`;

/** `--profile NAME` or `--profile=NAME` (default `current`); anything else is a problem. */
export function parseSandboxArgs(argv: readonly string[]): SandboxArgs {
  let profile: string = DEFAULT_PROFILE;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--profile') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--'))
        return { ok: false, problem: '--profile needs a name' };
      profile = value;
      i++;
    } else if (arg.startsWith('--profile=')) {
      profile = arg.slice('--profile='.length);
    } else {
      return { ok: false, problem: `unknown argument "${arg}"` };
    }
  }
  if (!isProfileName(profile)) {
    return { ok: false, problem: `unknown profile "${profile}"; valid: ${PROFILE_NAMES.join(', ')}` };
  }
  return { ok: true, profile };
}
