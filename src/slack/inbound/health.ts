/**
 * The routes beside Slack's: `/metrics` (Prometheus), `/healthz` (the process answers) and
 * `/readyz` (Focus answers, or in distribution mode the state store; 503 once Slack revoked a
 * single-workspace token; the state store's trouble, if any, in the body).
 */
import type { CustomRoute } from '@slack/bolt';
import type { Metrics } from '../../metrics.js';

export function healthRoutes(
  ready: () => Promise<boolean>,
  metrics: Metrics,
  /** Why Slack no longer takes the app's one token, if it does not (single-workspace mode). */
  revoked: () => { reason: string } | undefined,
  stateStatus: () => string | undefined = () => undefined,
): CustomRoute[] {
  return [
    {
      path: '/metrics',
      method: ['GET'],
      handler: (_req, res) => {
        metrics.render().then(
          ({ contentType, body }) => {
            res.writeHead(200, { 'content-type': contentType });
            res.end(body);
          },
          () => {
            res.writeHead(500);
            res.end();
          },
        );
      },
    },
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"status":"ok"}');
      },
    },
    {
      path: '/readyz',
      method: ['GET'],
      handler: (_req, res) => {
        const why = revoked();
        if (why) {
          // Until a restart: a reinstall brings a new token, which the process reads at start.
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: 'slack_revoked', reason: why.reason }));
          return;
        }
        ready().then(
          (ok) => {
            const state = stateStatus();
            res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ status: ok ? 'ready' : 'focus_unavailable', ...(state && { state }) }));
          },
          () => {
            res.writeHead(503, { 'content-type': 'application/json' });
            res.end('{"status":"focus_unavailable"}');
          },
        );
      },
    },
  ];
}
