/**
 * The floor: the least a Bolt 5 app can do for `/focus` in HTTP mode (ack, then respond with a
 * fixed one-block card), configured like the real app, as its own process. The benchmark
 * compares the real app with it to separate the app's cost from Bolt's and Node's.
 */
import { App, LogLevel } from '@slack/bolt';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`floor-app needs ${name}`);
  return value;
};

const CARD = {
  response_type: 'ephemeral' as const,
  text: 'Floor card',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Floor* card: nothing was looked up.' } }],
};

const app = new App({
  token: env('SLACK_BOT_TOKEN'),
  signingSecret: env('SLACK_SIGNING_SECRET'),
  deferInitialization: true,
  logLevel: LogLevel.WARN,
  clientOptions: {
    slackApiUrl: env('SLACK_API_URL'),
    timeout: 10_000,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
  },
  customRoutes: [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"ok"}');
      },
    },
  ],
});

app.command('/focus', async ({ ack, respond }) => {
  await ack();
  await respond(CARD);
});

await app.init();
await app.start(Number(env('PORT')));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
