/** Cards for answers that are not data: failures, invalid input, help. */
import type { FailureCode } from '../domain/outcome.js';
import { type Block, type Card, context, header, section } from './blocks.js';
import { withheldText } from './kit.js';
import { finishCard } from './limits.js';
import { escapeEntities, escapeMrkdwn, safe } from './mrkdwn.js';

const FAILURE_TEXT: Record<FailureCode, string> = {
  auth_failed:
    'Focus did not accept this app’s API credentials. An administrator needs to check the Focus API key.',
  forbidden:
    'The Focus service user is missing a right this lookup needs (recordings need *Recording.View*). An administrator can grant it in Focus.',
  not_found: 'Focus could not find that.',
  rate_limited: 'Focus is busy right now and asked us to slow down. Please try again in a minute.',
  unavailable: 'Focus is unavailable right now. Please try again shortly.',
  timeout: 'Focus is slow to answer right now, so this lookup was stopped. Please try again shortly.',
  bad_response: 'Focus answered in a way this app did not understand. The team has the details.',
  restarting: 'Focus for Slack is restarting, so this lookup was stopped. Please try again in a minute.',
  internal: 'Something went wrong on our side. The team has the details.',
};

export function failureCard(code: FailureCode, referenceId: string, hint?: string): Card {
  const text = hint ? `${FAILURE_TEXT[code]} ${escapeEntities(hint)}` : FAILURE_TEXT[code];
  return finishCard({
    text: text.replace(/\*/g, ''),
    blocks: [
      section(`:warning: ${text}`),
      context(`Reference: \`${escapeMrkdwn(referenceId)}\` · quote it if you ask for help`),
    ],
  });
}

/** The parser's message about bad input: it quotes the user's text, so all of it is escaped. */
export function invalidCard(message: string): Card {
  return finishCard({
    text: escapeEntities(message),
    blocks: [section(`:grey_question: ${safe(message, 500)}`)],
  });
}

/** Our own refusal (a denial, something the asker may not do here): entities escaped, formatting kept. */
export function noticeCard(message: string): Card {
  const text = escapeEntities(message);
  return finishCard({ text, blocks: [section(`:lock: ${text}`)] });
}

/**
 * Our own message that refuses nothing (where to run a command, several people match, what to
 * do next): as `noticeCard`, with an information icon instead of the lock.
 */
export function infoCard(message: string): Card {
  const text = escapeEntities(message);
  return finishCard({ text, blocks: [section(`:information_source: ${text}`)] });
}

/** The asker's Focus portal user lacks the right this answer needs. */
export function withheldCard(what: string, right: string): Card {
  const text = withheldText(what, right);
  return finishCard({ text: text.replace(/\*/g, ''), blocks: [section(`:lock: ${text}`)] });
}

export function notFoundCard(what: string): Card {
  return finishCard({ text: `Not found: ${what}`, blocks: [section(`:mag: ${what}`)] });
}

export interface HelpEntry {
  usage: string;
  description: string;
  examples: readonly string[];
}

export function helpCard(
  entries: readonly HelpEntry[],
  options: { command?: string; unknown?: string } = {},
): Card {
  const command = options.command ?? '/focus';
  const blocks: Block[] = [];
  if (options.unknown !== undefined) {
    blocks.push(
      section(`:grey_question: Unknown command “${safe(options.unknown, 40)}”. Here is what works:`),
    );
  }
  blocks.push(header('Focus for Slack'));
  blocks.push(
    section(
      entries
        .map(
          (e) =>
            `\`${command} ${escapeEntities(e.usage)}\`\n${escapeEntities(e.description)}` +
            (e.examples.length > 0
              ? `  _e.g._ ${e.examples.map((x) => `\`${command} ${escapeEntities(x)}\``).join(', ')}`
              : ''),
        )
        .join('\n'),
    ),
  );
  blocks.push(context('Results are only visible to you until you share them.'));
  return finishCard({ text: 'Focus for Slack: what you can look up', blocks });
}
