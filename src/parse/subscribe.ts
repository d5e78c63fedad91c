/**
 * The subscription commands: `subscribe <phone number | person <id | name | email>>`,
 * `subscriptions`, `unsubscribe <n … | all>`. What follows `subscribe` is read with the lookup
 * grammar, so a number or a person is written exactly as in a lookup.
 */
import type { SubscriptionCommand } from '../domain/subscription.js';
import { echo, limitInput } from './args.js';
import { parseCommand } from './command.js';
import type { ParseSettings } from './settings.js';
import { normaliseSlackText } from './slack-text.js';

const SUBSCRIBE_USAGE = '/focus subscribe <phone number | person <id | name | email>>';
const UNSUBSCRIBE_USAGE = '/focus unsubscribe <n | all>';

/** A subscription command, or null when the text is not one (it is then a lookup). */
export function parseSubscriptionCommand(text: string, ctx: ParseSettings): SubscriptionCommand | null {
  const plain = normaliseSlackText(limitInput(text)).trim();
  const space = plain.search(/\s/);
  const word = (space < 0 ? plain : plain.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : plain.slice(space + 1).trim();
  if (word === 'subscriptions') return { kind: 'subscriptions' };
  if (word === 'unsubscribe') return unsubscribe(rest);
  if (word === 'subscribe') return subscribe(rest, ctx);
  return null;
}

function subscribe(rest: string, ctx: ParseSettings): SubscriptionCommand {
  if (rest === '') return { kind: 'invalid', message: `Tell me what to follow. Usage: ${SUBSCRIBE_USAGE}` };
  const request = parseCommand(rest, ctx);
  switch (request.kind) {
    case 'phone':
      return {
        kind: 'subscribe',
        target: { kind: 'phone', phone: request.phone.focus, display: request.phone.display },
      };
    case 'person':
      return {
        kind: 'subscribe',
        target:
          'id' in request ? { kind: 'person', id: request.id } : { kind: 'person', query: request.query },
      };
    case 'invalid':
      return { kind: 'invalid', message: request.message };
    default:
      return {
        kind: 'invalid',
        message: `A channel can follow a phone number or a person, not “${echo(rest)}”. Usage: ${SUBSCRIBE_USAGE}`,
      };
  }
}

function unsubscribe(rest: string): SubscriptionCommand {
  if (/^all$/i.test(rest)) return { kind: 'unsubscribe', which: 'all' };
  const tokens = rest.split(/[\s,]+/).filter(Boolean);
  const numbers = tokens.map((t) => (/^#?\d{1,6}$/.test(t) ? Number(t.replace('#', '')) : Number.NaN));
  if (tokens.length === 0 || tokens.length > 50 || numbers.some((n) => !Number.isInteger(n) || n < 1)) {
    return {
      kind: 'invalid',
      message: `Say which subscription to stop, by its number in \`/focus subscriptions\`, or all. Usage: ${UNSUBSCRIBE_USAGE}`,
    };
  }
  return { kind: 'unsubscribe', which: [...new Set(numbers)] };
}
