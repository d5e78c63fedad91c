/**
 * The local console (design §7): `/focus ...` typed at a prompt or piped on stdin, each
 * answer printed as readable text (and its Block Kit JSON with `--json`). No Slack needed.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
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

const HINT = `Type ${SLASH_COMMAND} help, ${SLASH_COMMAND} <phone number>, ... ; exit or Ctrl-D to stop.`;

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
      if (line.startsWith(SLASH_COMMAND) && /^\/focus(\s|$)/.test(line)) {
        const answer = await options.answerer.answerCommand(line.slice(SLASH_COMMAND.length), {
          surface: 'console',
          user: 'console',
        });
        output.write(`\n${cardToText(answer.card)}\n`);
        if (options.json)
          output.write(
            `${JSON.stringify({ text: answer.card.text, blocks: answer.card.blocks }, null, 2)}\n`,
          );
        output.write('\n');
      } else {
        output.write(`${HINT}\n`);
      }
    }
    prompt();
  }
  rl.close();
}
