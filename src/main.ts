/**
 * The process: parse the environment, start the app, run the console or serve Slack until a
 * signal. Everything else is built in `app.ts`.
 */

import { banner, type StopResult, startApp } from './app.js';
import { ConfigError, loadConfig, secretsOf } from './config.js';
import { startDistribution } from './distribution.js';
import type { Logger } from './domain/logger.js';
import { installLastResortHandlers } from './last-resort.js';
import { createLogger } from './log.js';
import { ConsolePublisher, runConsole } from './slack/surfaces/console.js';
import { StateError } from './state/index.js';

/** Configuration to fix: every problem, one a line, and exit 2. */
function refuse(problems: readonly string[]): never {
  process.stderr.write(
    `Focus for Slack cannot start. Fix the configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`,
  );
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) refuse(loaded.problems);
  const config = loaded.config;
  const consoleMode = config.slack.mode.kind === 'console';
  const logger = createLogger({
    level: config.logLevel,
    secrets: secretsOf(config),
    // The console prints cards on stdout; its logs go to stderr.
    write: consoleMode ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  installLastResortHandlers({ logger });
  if (config.slack.mode.kind === 'oauth') {
    const app = await startDistribution(config, logger);
    process.stdout.write(banner(undefined, config));
    stopOnSignals(app, config.shutdownGraceMs, logger);
    return;
  }
  const app = await startApp(config, logger);
  (consoleMode ? process.stderr : process.stdout).write(banner(app.target, config));

  if (consoleMode) {
    app.startPolling(
      new ConsolePublisher(process.stdout, app.answerer.parseSettings.links, argv.includes('--json')),
    );
    await runConsole({
      answerer: app.answerer,
      subscriptions: app.subscriptions,
      recent: app.recent,
      input: process.stdin,
      output: process.stdout,
      json: argv.includes('--json'),
      interactive: process.stdin.isTTY === true,
    });
    logger.info('shutdown', { reason: 'end of input' });
    await app.stop();
    return;
  }
  stopOnSignals(app, config.shutdownGraceMs, logger);
}

/** SIGTERM, SIGINT: stop taking work, finish what is under way, exit (1 when cut short). */
function stopOnSignals(app: { stop(): Promise<StopResult> }, graceMs: number, logger: Logger): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info('shutdown', { reason: signal });
      // However shutdown goes, the process ends shortly after the grace period.
      setTimeout(() => process.exit(1), graceMs + 10_000).unref();
      // Exit 1 when answers under way were cut short, so the supervisor sees it.
      app.stop().then(
        ({ complete }) => process.exit(complete ? 0 : 1),
        () => process.exit(1),
      );
    });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) refuse([error.message]);
  // A state file that cannot be used is configuration to fix, like a bad variable: exit 2.
  if (error instanceof StateError) {
    process.stderr.write(
      `Focus for Slack cannot start. Fix the state store (STATE_PATH or REDIS_URL):\n  - ${error.message}\n`,
    );
    process.exit(2);
  }
  process.stderr.write(
    `Focus for Slack stopped: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
