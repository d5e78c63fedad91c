/**
 * `npm run sandbox [-- --profile NAME]`: runs the Focus simulator until SIGINT/SIGTERM,
 * behaving like the named tenant profile (default `current`; an unknown name exits 2).
 * Env: SANDBOX_PORT (default 4010), SANDBOX_SEED (default 42), SANDBOX_LATENCY_MS (default: the
 * profile's, 0 for most), SANDBOX_NEW_RECORDING_MS (default 0: off; else a new recording of Jane
 * Smith's number every so many ms, for subscriptions), SANDBOX_PEOPLE (people in all, e.g.
 * 100000 for a large tenant; default the regular ~300).
 */
import { parseSandboxArgs, SANDBOX_USAGE } from './cli-args.js';
import { FIXTURES } from './fixtures.js';
import { PROFILES } from './profiles.js';
import { startFocusSimulator } from './server.js';

/** A non-negative integer from the environment; undefined when unset or empty. */
function intEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

async function main(): Promise<void> {
  const args = parseSandboxArgs(process.argv.slice(2));
  if (!args.ok) {
    process.stderr.write(`sandbox: ${args.problem}\n${SANDBOX_USAGE}\n`);
    process.exit(2);
  }
  const latencyMs = intEnv('SANDBOX_LATENCY_MS');
  const newRecordingEveryMs = intEnv('SANDBOX_NEW_RECORDING_MS') ?? 0;
  const sim = await startFocusSimulator({
    profile: args.profile,
    port: intEnv('SANDBOX_PORT') ?? 4010,
    seed: intEnv('SANDBOX_SEED') ?? FIXTURES.seed,
    now: new Date(),
    people: intEnv('SANDBOX_PEOPLE'),
    newRecordingEveryMs,
    // Only when set: it overrides the profile's latency.
    ...(latencyMs !== undefined && { faults: { latencyMs } }),
  });
  const d = sim.dataset;
  const lines = [
    `Focus simulator listening on ${sim.url}`,
    `  profile ${sim.profile}: ${PROFILES[sim.profile].summary}`,
    `  ${d.people.length} people, ${d.endpoints.length} endpoints, ${d.recordings.length} recordings, ${d.users.length} portal users`,
    '',
    'Credentials it accepts:',
    `FOCUS_BASE_URL=${sim.url}`,
    `FOCUS_CLIENT_ID=${sim.credentials.clientId}`,
    `FOCUS_API_KEY=${sim.credentials.apiKey}`,
    `FOCUS_USERNAME=${sim.credentials.username}`,
    '',
    'Numbers to try:',
    `  ${FIXTURES.jane.phone}  Jane Smith (${FIXTURES.jane.recordingCount} recordings)`,
    `  ${FIXTURES.sharedNumber.phone}  shared by two people`,
    `  ${FIXTURES.hostile.phone}  hostile name`,
    `  ${FIXTURES.unknownNumber}  nobody's number, still on recordings`,
    `  recording ${FIXTURES.manyComments.recordingId}  has ${FIXTURES.manyComments.commentCount} comments`,
    '',
    newRecordingEveryMs > 0
      ? `A new recording of ${FIXTURES.jane.phone} every ${newRecordingEveryMs} ms (SANDBOX_NEW_RECORDING_MS).`
      : `New recordings: POST ${sim.url}/__sim/recordings {"phone":"${FIXTURES.jane.phone}"}, or set SANDBOX_NEW_RECORDING_MS.`,
    `Request counts: GET ${sim.url}/__sim/stats   Ctrl-C to stop.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the simulator\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  process.stderr.write(`sandbox failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
