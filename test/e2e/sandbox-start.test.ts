/** The README's promise: with no configuration, `npm start` runs the sandbox console. */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempStatePath } from '../helpers/state.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function runMain(input: string, args: string[] = [], env: Record<string, string> = {}) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(FOCUS_|SLACK_|PORT$|NODE_ENV$)/.test(k)),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: root,
    // As the default `./data/focus-for-slack.sqlite` on a fresh machine: its folder does not exist yet.
    env: {
      STATE_PATH: join(dirname(tempStatePath().path), 'data', 'focus-for-slack.sqlite'),
      ...clean,
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  child.stdin.end(input);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm start with no configuration', () => {
  it('runs the simulator as another tenant with SANDBOX_PROFILE (documented: one auth spelling, 15 s tokens)', async () => {
    const { code, stdout, stderr } = await runMain('/focus +44 7700 900123\n', [], {
      SANDBOX_PROFILE: 'documented',
    });
    expect(code).toBe(0);
    expect(stderr).toContain('profile documented');
    expect(stdout).toContain('Owner: Jane Smith');
  });

  it('refuses an unknown SANDBOX_PROFILE at start, listing the profiles (exit 2, as for any setting)', async () => {
    const { code, stdout, stderr } = await runMain('/focus +44 7700 900123\n', [], {
      SANDBOX_PROFILE: 'nonesuch',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('Fix the configuration');
    expect(stderr).toContain('SANDBOX_PROFILE must be one of current, documented, bare, no-exp');
    expect(stdout).toBe('');
  });

  it('answers piped commands from the simulator and exits at the end of input', async () => {
    const { code, stdout, stderr } = await runMain(
      '/focus +44 7700 900123\n/focus help\nshortcut ring 07897 897897 re #500013\n',
    );
    expect(code).toBe(0);
    expect(stderr).toContain('SANDBOX');
    expect(stdout).toContain('== 📞 +44 7700 900123 ==');
    expect(stdout).toContain('Owner: Jane Smith');
    expect(stdout).toContain('/focus person <id | name | email>');
    expect(stdout).toContain('Recording 500013');
  });

  it('opens the Home tab (/home) and runs the Workflow Builder step (/step)', async () => {
    const { code, stdout } = await runMain('/focus 07897 897897\n/home\n/step 07897 897897\n/step call me\n');
    expect(code).toBe(0);
    expect(stdout).toContain('== Your recent lookups ==');
    expect(stdout).toContain('phone · •••897: Jane Smith');
    expect(stdout).toContain('lookup_phone_number completed');
    expect(stdout).toContain('`owner_name`: Jane Smith');
    expect(stdout).toContain('lookup_phone_number failed: phone_number is not a phone number');
  });

  it('prints the Block Kit JSON with --json', async () => {
    const { stdout } = await runMain('/focus 07897 897897\n', ['--json']);
    expect(stdout).toContain('"type": "header"');
  });

  it('refuses to start on bad configuration, listing every problem, echoing no secret', async () => {
    const { code, stderr } = await runMain('', [], {
      FOCUS_BASE_URL: 'https://uk.focus.example/api',
      FOCUS_API_KEY: 'super-secret-key-value',
      SLACK_BOT_TOKEN: 'xoxb-secret-token-value',
      PORT: 'eighty',
    });
    expect(code).toBe(2);
    expect(stderr).toContain('FOCUS_CLIENT_ID');
    expect(stderr).toContain('FOCUS_USERNAME');
    expect(stderr).toContain('SLACK_SIGNING_SECRET');
    expect(stderr).not.toContain('super-secret-key-value');
    expect(stderr).not.toContain('xoxb-secret-token-value');
  });
});
