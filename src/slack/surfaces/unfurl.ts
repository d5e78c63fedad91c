/**
 * Link unfurls: `link_shared` for the portal domain -> `chat.unfurl`. What gets a preview is
 * planned without I/O (`unfurl-plan.ts`); then Slack Connect is ruled out (`connect.ts`), access
 * checked, and consent sought (`consent.ts`: with UNFURL_CONSENT=ask, the paster is asked first
 * unless only they can see the conversation or they chose "always" there); the preview itself
 * is made by `preview.ts`, once per link and conversation in the repeat window.
 */
import type { App } from '@slack/bolt';
import type { ConsentBasis } from '../../domain/consent.js';
import type { Logger } from '../../domain/logger.js';
import { afterAck, checkAccess, conversationMaySee, refuseExternalOnce } from '../answer/deliver.js';
import { logUnready, workspaceOf } from '../answer/workspace.js';
import { eventAsker } from '../inbound/request.js';
import type { ConsentOf } from './consent.js';
import { makePreview } from './preview.js';
import { planUnfurls, unfurlers } from './unfurl-plan.js';

export function registerUnfurls(app: App, logger: Logger, consentOf: ConsentOf): void {
  app.event('link_shared', async ({ event, client, body, context }) => {
    await afterAck();
    const workspace = await workspaceOf(context);
    // Nobody asked for a preview: a workspace Focus cannot answer gets none, and a log line.
    if (workspace.status !== 'ready') {
      logUnready(logger, 'unfurl', workspace, context);
      return;
    }
    const { deps } = workspace;
    const consent = consentOf(deps);
    // The tenant's own portal links.
    const matchers = unfurlers(deps.answerer.parseSettings.links);
    const plan = planUnfurls(event, matchers, { unfurlInSharedChannels: deps.slackConnectAllowed });
    if (!plan.unfurl) {
      if (plan.reason === 'too_many_links')
        logger.info('unfurl.skipped', { reason: plan.reason, links: event.links.length });
      return;
    }
    if (consent.mode === 'never') {
      logger.info('unfurl.skipped', { reason: 'consent_never' });
      return;
    }
    // A draft cannot be asked about: the posted message's own event asks.
    if (plan.fromComposer && consent.mode === 'ask') {
      logger.debug('unfurl.skipped', { reason: 'consent_composer' });
      return;
    }
    const where = plan.fromComposer ? { user: event.user } : { user: event.user, channel: event.channel };
    const asker = eventAsker('unfurl', where, body, deps.home, logger);
    const denial = await checkAccess(deps, asker);
    if (denial) {
      if (!plan.fromComposer)
        await refuseExternalOnce(deps, asker, denial, (card) =>
          client.chat.postEphemeral({
            channel: event.channel,
            user: event.user,
            text: card.text,
            blocks: card.blocks,
            ...(event.thread_ts && { thread_ts: event.thread_ts }),
          }),
        );
      return;
    }
    if (!plan.fromComposer && !(await conversationMaySee(deps, asker))) {
      asker.logger.info('unfurl.skipped', { reason: 'shared_channel', channel: event.channel });
      return;
    }
    const basis: ConsentBasis | undefined =
      consent.mode === 'always'
        ? 'config_always'
        : await consent.basisFor(
            {
              channel: event.channel,
              user: event.user,
              messageTs: event.message_ts,
              threadTs: event.thread_ts,
            },
            plan.links,
            asker,
            context.botUserId,
          );
    if (!basis) return;
    await makePreview(
      deps,
      client,
      asker,
      {
        links: plan.links,
        compact: plan.compact,
        fromComposer: plan.fromComposer,
        target:
          plan.fromComposer && event.unfurl_id
            ? { unfurl_id: event.unfurl_id, source: event.source ?? 'composer' }
            : { channel: event.channel, ts: event.message_ts },
        ...(!plan.fromComposer && {
          notify: { channel: event.channel, user: event.user, threadTs: event.thread_ts },
        }),
        consent: { basis, authorisedBy: event.user },
      },
      consent.windowMs,
    );
  });
}
