/**
 * The local console: `/focus ...` typed at a prompt or piped on stdin, each
 * answer printed as readable text (and its Block Kit JSON with `--json`). No Slack needed.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { linkRequest } from '../parse/index.js';
import type { Card } from '../render/blocks.js';
import { nothingToLookUpCard } from '../render/modal.js';
import { cardToText } from '../render/text.js';
import type { Answerer } from './answer.js';
import { SLASH_COMMAND } from './command.js';

export interface ConsoleOptions {
  answerer: Answerer;
  input: Readable;
  output: Writable;
  /** Print each card's Block Kit JSON too. */
  json: boolean;
  /** Show a prompt (stdin is a terminal). */
  interactive: boolean;
}

const HINT = [
  `Type ${SLASH_COMMAND} help, ${SLASH_COMMAND} <phone number>, ...`,
  'shortcut <message text> (the "Look up in Focus" message shortcut), unfurl <portal link>;',
  'exit or Ctrl-D to stop.',
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
      const cards = await answerLine(options.answerer, line);
      if (cards.length === 0) output.write(`${HINT}\n`);
      for (const card of cards) {
        output.write(`\n${cardToText(card)}\n`);
        if (options.json)
          output.write(`${JSON.stringify({ text: card.text, blocks: card.blocks }, null, 2)}\n`);
      }
      if (cards.length > 0) output.write('\n');
    }
    prompt();
  }
  rl.close();
}

const asker = { surface: 'console' as const, user: 'console' };

/** The cards for one console line: a command, a shortcut on a message, or an unfurl. */
async function answerLine(answerer: Answerer, line: string): Promise<Card[]> {
  const [word = '', ...rest] = line.split(/\s+/);
  const text = rest.join(' ');
  if (word === SLASH_COMMAND) return [(await answerer.answerCommand(text, asker)).card];
  if (word === 'shortcut') return answerer.answerMessage(text, asker);
  if (word === 'unfurl') {
    const link = answerer.parseContext.links.match(text);
    if (!link) return [nothingToLookUpCard()];
    return [(await answerer.answer(linkRequest(link), asker, { mode: 'unfurl' })).card];
  }
  return [];
}
