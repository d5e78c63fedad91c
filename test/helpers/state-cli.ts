/** `npm run state` in this process: its exit code and what it wrote. */
import { type CliIo, runStateCli } from '../../src/state/cli.js';

export async function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  stdin = '',
  options: { now?: () => Date; chunk?: number } = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const chunk = options.chunk ?? Math.max(1, stdin.length);
  const io: CliIo = {
    env,
    ...(options.now && { now: options.now }),
    stdin: async function* () {
      // In pieces of `chunk` characters, as a pipe delivers it.
      for (let i = 0; i < stdin.length; i += chunk) yield stdin.slice(i, i + chunk);
    },
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
  };
  const code = await runStateCli(args, io);
  return { code, out, err };
}
