/**
 * The app as its own process, exactly as `npm start` runs it (`node --import tsx src/main.ts`),
 * pointed at a simulator and a fake Slack: for the tests that signal, kill or restart it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { FIXTURES } from '../../src/sandbox/index.js';
import { type FakeSlack, signSlackRequest, slashCommandBody } from './fake-slack.js';
import type { startSimulator } from './focus.js';
import { BOT_TOKEN, SECRET } from './harness.js';
import { freePort } from './ports.js';
import { tempStatePath } from './state.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** HTTP mode against `sim` and `slack`, with a state file of its own; `extra` wins. */
export function appEnv(
  sim: Awaited<ReturnType<typeof startSimulator>>,
  slack: Pick<FakeSlack, 'apiUrl'>,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    FOCUS_BASE_URL: sim.url,
    FOCUS_CLIENT_ID: String(sim.credentials.clientId),
    FOCUS_API_KEY: sim.credentials.apiKey,
    FOCUS_USERNAME: sim.credentials.username,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    STATE_PATH: tempStatePath().path,
    LOG_LEVEL: 'info',
    ...extra,
  };
}

export interface AppProcess {
  child: ChildProcess;
  port: number;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
}

/** Starts the app with `env` on a free port (unless `env.PORT` is set); resolves once /healthz answers. */
export async function startAppProcess(env: Record<string, string>): Promise<AppProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && child.exitCode === null; i++) {
    if (
      await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, port, base, exited, output: () => output };
}

/** `/focus subscribe +<Jane's number>` in `channel`, signed, to the app on `port`; expects "Subscribed". */
export async function subscribeJane(port: number, slack: FakeSlack, channel: string): Promise<void> {
  const body = slashCommandBody(`subscribe +${FIXTURES.jane.phone}`, slack.responseUrl(), {
    channel_id: channel,
  });
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: 'POST',
    body,
    headers: signSlackRequest(SECRET, body),
  });
  expect(res.status).toBe(200);
  expect(String((await slack.nextResponse()).body.text)).toContain('Subscribed');
}
