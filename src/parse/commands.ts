/**
 * The `/focus` grammar: one table, read by the parser (keywords) and by the help renderer
 * (usage, description, examples). Examples are the text typed after `/focus`.
 */

export interface CommandSpec {
  /** Stable name (the parser's handler key). */
  name: string;
  /** Words that select this command (case-insensitive); empty when the input is auto-detected. */
  keywords: readonly string[];
  /** Usage line as typed after `/focus`. */
  usage: string;
  description: string;
  /** Text typed after `/focus`, each one a working example. */
  examples: readonly string[];
}

export const COMMANDS = [
  {
    name: 'help',
    keywords: ['help', '?'],
    usage: 'help',
    description: 'Show what Focus can look up.',
    examples: ['help'],
  },
  {
    name: 'number',
    keywords: [],
    usage: '<phone number>',
    description: 'Look up a phone number in any common format: who owns it and its latest recordings.',
    examples: ['+44 7897 897897', '07897 897897', '447897897897'],
  },
  {
    name: 'phone',
    keywords: ['phone'],
    usage: 'phone <number>',
    description: 'Look up a phone number.',
    examples: ['phone +44 20 7946 0958', 'phone 0044 7897 897897'],
  },
  {
    name: 'person',
    keywords: ['person'],
    usage: 'person <id | name | email>',
    description: 'Look up a person by id, name or email address.',
    examples: ['person 42', 'person "Jane Smith"', 'person jane.smith@example.com'],
  },
  {
    name: 'recording',
    keywords: ['recording'],
    usage: 'recording <id>',
    description: 'Look up a recording by id; `#<id>` or a pasted portal link work too.',
    examples: ['recording 123', '#123'],
  },
  {
    name: 'user',
    keywords: ['user'],
    usage: 'user <name | email>',
    description: 'Look up a Focus portal user.',
    examples: ['user alice', 'user alice@example.com'],
  },
  {
    name: 'comments',
    keywords: ['comments'],
    usage: 'comments <recording id> [page]',
    description: 'Show the comments on a recording.',
    examples: ['comments 123', 'comments #123 2'],
  },
  {
    name: 'retention',
    keywords: ['retention'],
    usage: 'retention',
    description: 'List the retention groups.',
    examples: ['retention'],
  },
  {
    name: 'subscribe',
    keywords: ['subscribe'],
    usage:
      'subscribe <phone number | person <id | name | email>> [inbound | outbound | internal] [longer than 2m] [compact]',
    description:
      'In a channel: post each new recording of a number or a person here; only those of a direction, or longer than a length; one line each with compact.',
    examples: [
      'subscribe +44 20 7946 0958',
      'subscribe person 42',
      'subscribe +44 7700 900123 inbound longer than 2m',
      'subscribe person Jane Smith outbound compact',
    ],
  },
  {
    name: 'subscriptions',
    keywords: ['subscriptions'],
    usage: 'subscriptions',
    description: 'What this channel follows, numbered.',
    examples: ['subscriptions'],
  },
  {
    name: 'unsubscribe',
    keywords: ['unsubscribe'],
    usage: 'unsubscribe <n | all>',
    description: 'Stop one of this channel’s subscriptions (by its number), or all.',
    examples: ['unsubscribe 2', 'unsubscribe all'],
  },
  {
    name: 'previews',
    keywords: ['previews'],
    usage: 'previews [forget]',
    description:
      'In a channel: whether links you paste here are previewed without asking (you chose Always in this channel); `forget` makes it ask again.',
    examples: ['previews', 'previews forget'],
  },
] as const satisfies readonly CommandSpec[];

export type CommandName = (typeof COMMANDS)[number]['name'];

/** The command a first word selects, if any. */
export function commandForKeyword(word: string): CommandName | null {
  const w = word.toLowerCase().replace(/:$/, '');
  const spec = COMMANDS.find((c) => (c.keywords as readonly string[]).includes(w));
  return spec ? spec.name : null;
}

export function usageOf(name: CommandName): string {
  const spec = COMMANDS.find((c) => c.name === name);
  return `/focus ${spec?.usage ?? name}`;
}
