/**
 * The local console: `/focus ...` typed at a prompt or piped on stdin, each
 * answer printed as readable text (and its Block Kit JSON with `--json`). No Slack needed.
 * `/home` prints the console user's Home tab, `/step <number>` runs the Workflow Builder step.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { PortalLinks } from '../../domain/links.js';
import { silentLogger } from '../../domain/logger.js';
import type { Subscription } from '../../domain/subscription.js';
import { COMMANDS, linkRequest } from '../../parse/index.js';
import { parseSubscriptionCommand } from '../../parse/subscribe.js';
import type { Card } from '../../render/blocks.js';
import { homeCard, homePage } from '../../render/home.js';
import { nothingToLookUpCard } from '../../render/modal.js';
import { infoCard, invalidCard } from '../../render/status.js';
import { stepCard } from '../../render/step.js';
import {
  deliveryStoppedCard,
  moreRecordingsCard,
  newRecordingCard,
  subscribedCard,
  tunedCard,
} from '../../render/subscription.js';
import { cardToText } from '../../render/text.js';
import type { Post, PostFor } from '../../subscriptions/news.js';
import type { PostResult, Publisher } from '../../subscriptions/publisher.js';
import type { SubscriptionService } from '../../subscriptions/service.js';
import type { Answerer } from '../answer/answer.js';
import type { RecentLookups } from '../answer/recent.js';
import { newAsker } from '../inbound/request.js';
import { SLASH_COMMAND } from './command.js';
import { lookupStep } from './workflow.js';

export interface ConsoleOptions {
  answerer: Answerer;
  input: Readable;
  output: Writable;
  /** Print each card's Block Kit JSON too. */
  json: boolean;
  /** Show a prompt (stdin is a terminal). */
  interactive: boolean;
  /** `subscribe <number | person …>`: the console follows it; deliveries print as they come. */
  subscriptions?: SubscriptionService;
  /** The recent lookups `/home` lists (absent: HOME_RECENT_LOOKUPS=false). */
  recent?: Pick<RecentLookups, 'list'> | undefined;
}

/** Who the console is: what it subscribes and looks up is that user's, for `/home`. */
const CONSOLE_USER = 'console';

/** The console's own channel: what it subscribes to is printed here. */
export const CONSOLE_CHANNEL = 'console';

const HINT = [
  `Type ${SLASH_COMMAND} help, ${SLASH_COMMAND} <phone number>, ...`,
  'shortcut <message text> (the "Look up in Focus" message shortcut), unfurl <portal link>,',
  'subscribe <phone number | person …> (new recordings print here as they arrive),',
  '/home (the Home tab), /step <phone number> (the Workflow Builder step); exit or Ctrl-D to stop.',
].join('\n');

export async function runConsole(options: ConsoleOptions): Promise<void> {
  const { output } = options;
  const rl = createInterface({ input: options.input, terminal: options.interactive });
  const prompt = () => {
    if (options.interactive) output.write('focus> ');
  };
  if (options.interactive) output.write(`${HINT}\n`);
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === 'exit' || line === 'quit') break;
    if (line !== '') {
      const cards = await answerLine(options, line);
      if (cards.length === 0) output.write(`${HINT}\n`);
      for (const card of cards) printCard(output, card, options.json);
      if (cards.length > 0) output.write('\n');
    }
    prompt();
  }
  rl.close();
}

function printCard(output: Writable, card: Card, json: boolean): void {
  output.write(`\n${cardToText(card)}\n`);
  if (json) output.write(`${JSON.stringify({ text: card.text, blocks: card.blocks }, null, 2)}\n`);
}

/** Subscription news printed on the console as it arrives. */
export class ConsolePublisher implements Publisher {
  constructor(
    private readonly output: Writable,
    private readonly links: PortalLinks,
    private readonly json = false,
  ) {}

  async recording({ subscriptions, recording, followed }: Post): Promise<PostResult> {
    printCard(this.output, newRecordingCard(subscriptions, recording, followed, this.links), this.json);
    return { ok: true };
  }

  async summary(subscriptions: PostFor, more: number): Promise<PostResult> {
    printCard(this.output, moreRecordingsCard(subscriptions, more), this.json);
    return { ok: true };
  }

  async stopped(sub: Subscription, reason: string): Promise<void> {
    printCard(this.output, deliveryStoppedCard(sub, reason), this.json);
  }
}

/** The cards for one console line: a command, a shortcut on a message, an unfurl, a subscription. */
async function answerLine(options: ConsoleOptions, line: string): Promise<Card[]> {
  const { answerer } = options;
  const asker = newAsker(
    'console',
    { user: CONSOLE_USER, channel: CONSOLE_CHANNEL, team: undefined },
    {},
    answerer.logger,
  );
  const [word = '', ...rest] = line.split(/\s+/);
  const text = rest.join(' ');
  if (word === 'subscribe') return [await subscribe(options, text)];
  if (word === '/home') return [await home(options)];
  if (word === '/step') return [stepCard(await lookupStep(answerer, text, asker))];
  if (word === SLASH_COMMAND) return [(await answerer.answerCommand(text, asker)).card];
  if (word === 'shortcut') return answerer.answerMessage(text, asker);
  if (word === 'unfurl') {
    const link = answerer.parseSettings.links.match(text);
    if (!link) return [nothingToLookUpCard()];
    return [(await answerer.answer(linkRequest(link), asker, { mode: 'unfurl' })).card];
  }
  return [];
}

async function subscribe(options: ConsoleOptions, text: string): Promise<Card> {
  if (!options.subscriptions) return infoCard('Subscriptions are not available here.');
  const command = parseSubscriptionCommand(`subscribe ${text}`, options.answerer.parseSettings);
  if (command?.kind !== 'subscribe')
    return invalidCard(
      command?.kind === 'invalid' ? command.message : 'Subscribe to a phone number or a person.',
    );
  const where = { channel: CONSOLE_CHANNEL, team: undefined, user: CONSOLE_USER };
  const { target, filters, format } = command;
  const outcome = await options.subscriptions.subscribe(target, where, silentLogger, { filters, format });
  if (outcome.status === 'refused') return infoCard(outcome.message);
  if (outcome.status === 'changed') return tunedCard(outcome.subscription, outcome.number, CONSOLE_USER);
  return subscribedCard(outcome.subscription, outcome.status === 'subscribed', outcome.number);
}

/**
 * The console user's Home tab: the console answers as the Focus service user (no link to show),
 * has no link previews to choose, and no buttons to press (`unsubscribe` there is the command's).
 */
async function home(options: ConsoleOptions): Promise<Card> {
  const own = (await options.subscriptions?.createdBy(CONSOLE_USER)) ?? [];
  const page = homePage(own, 0);
  return homeCard({
    link: { kind: 'not_required' },
    subscriptions: { channels: page.channels, total: own.length, offset: page.offset },
    previews: { mode: 'ask', channels: [] },
    recent: options.recent ? await options.recent.list(CONSOLE_USER) : 'off',
    help: COMMANDS,
    privateMetadata: '',
  });
}
