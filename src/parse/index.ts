/** Pure parsing: Slack text, messages and links -> LookupRequest. No I/O. */

export { linkRequest } from './args.js';
export { parseCommand } from './command.js';
export { COMMANDS, type CommandName, type CommandSpec } from './commands.js';
export { lookupKey, MAX_MESSAGE_LOOKUPS, parseMessageText } from './message.js';
export { type CountryCode, maskPhone, type ParsePhoneOptions, type PhoneMode, parsePhone } from './phone.js';
export { findPhones } from './phone-find.js';
export type { ParseSettings } from './settings.js';
export { normaliseSlackText } from './slack-text.js';
