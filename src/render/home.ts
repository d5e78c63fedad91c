/**
 * The App Home tab, drawn from what the Slack side gathered (`slack/surfaces/home.ts`): who the
 * person is in Focus, the subscriptions they made (per channel, with Pause / Resume /
 * Unsubscribe) and the others in those channels they may see, their kept link-preview choices
 * (Forget), their recent lookups, and help. Pure. A view takes at most 100 blocks: the person's
 * subscriptions are shown a page at a time (`HOME_PAGE`), so even 100 of them, with the longest
 * names, fit with every other part.
 */
import { ACTIONS } from '../domain/actions.js';
import type { ConsentMode } from '../domain/consent.js';
import { encodeHome, type RecentLookup } from '../domain/home.js';
import type { DenyReason } from '../domain/interaction.js';
import type { Subscription } from '../domain/subscription.js';
import { type Block, type Button, type Card, context, divider, header, plain, section } from './blocks.js';
import { finishCard, LIMITS } from './limits.js';
import { escapeEntities, safe, slackDate } from './mrkdwn.js';
import type { HelpEntry } from './status.js';
import { madeBy, reasonText, targetLabel, tuningText } from './subscription.js';

/** Own subscriptions per page of the Home tab: 2 blocks each, and a channel line per channel. */
export const HOME_PAGE = 15;
/** Kept preview choices listed, each with its Forget button. */
const PREVIEWS_SHOWN = 10;
/** Room for the others followed in one channel (a section takes 3,000 characters). */
const OTHERS_CHARS = 2_400;

/** Who the person is in Focus, as the access policy decided it just now. */
export type LinkStatus =
  /** Allowed; linked users are not required, so everyone allowed sees the service user's view. */
  | { kind: 'not_required' }
  | {
      kind: 'linked';
      username: string;
      id: number;
      rights: readonly string[];
      /** Rights they lack, each with what it would let them see. */
      missing: ReadonlyArray<{ right: string; what: readonly string[] }>;
    }
  | { kind: 'refused'; reason: DenyReason; message: string };

/** One channel on the page: the person's own subscriptions there, and the others they may see. */
export interface HomeChannel {
  channel: string;
  own: Subscription[];
  /** Undefined: not shown (they are not in the channel, or the policy does not allow it). */
  others?: Subscription[] | undefined;
}

export interface HomeModel {
  /** What the button just pressed did, or why it could not. */
  notice?: string | undefined;
  /** Distribution mode: the workspace's Focus connection (its status; buttons for who may manage it). */
  connection?: readonly Block[] | undefined;
  link: LinkStatus;
  subscriptions: { channels: HomeChannel[]; total: number; offset: number };
  previews: { mode: ConsentMode; channels: readonly string[] };
  /** `off`: HOME_RECENT_LOOKUPS=false; `withheld`: the policy refuses the person now. */
  recent: readonly RecentLookup[] | 'off' | 'withheld';
  help: readonly HelpEntry[];
  /** Carried back by every button press (the app's DM with the person, the page). */
  privateMetadata: string;
}

/** A Home tab view, as `views.publish` takes it (checked against @slack/types' `HomeView`). */
export interface HomeView {
  type: 'home';
  callback_id: string;
  private_metadata: string;
  blocks: Block[];
}

export const HOME_CALLBACK_ID = 'focus_home';

/**
 * The page of the person's subscriptions starting at `offset`, grouped by channel in the order
 * each channel was first subscribed (the same order on every page).
 */
export function homePage(
  own: readonly Subscription[],
  offset: number,
): { offset: number; channels: HomeChannel[] } {
  const order = new Map<string, number>();
  for (const s of own) if (!order.has(s.channel)) order.set(s.channel, order.size);
  const sorted = [...own].sort(
    (a, b) => (order.get(a.channel) ?? 0) - (order.get(b.channel) ?? 0) || a.id - b.id,
  );
  const start = offset < sorted.length ? Math.max(0, offset - (offset % HOME_PAGE)) : 0;
  const channels: HomeChannel[] = [];
  for (const s of sorted.slice(start, start + HOME_PAGE)) {
    const last = channels[channels.length - 1];
    if (last?.channel === s.channel) last.own.push(s);
    else channels.push({ channel: s.channel, own: [s] });
  }
  return { offset: start, channels };
}

export function homeView(model: HomeModel): HomeView {
  const blocks: Block[] = [header('Focus for Slack')];
  if (model.notice) blocks.push(section(model.notice));
  if (model.connection) blocks.push(...model.connection, divider());
  blocks.push(...linkBlocks(model.link), divider());
  blocks.push(...subscriptionBlocks(model.subscriptions), divider());
  blocks.push(...previewBlocks(model.previews), divider());
  blocks.push(...recentBlocks(model.recent), divider());
  blocks.push(...helpBlocks(model.help));
  const card = finishCard({ text: 'Focus for Slack', blocks }, LIMITS.viewBlocks);
  return {
    type: 'home',
    callback_id: HOME_CALLBACK_ID,
    private_metadata: model.privateMetadata,
    blocks: card.blocks,
  };
}

/** For someone from another organisation: the refusal, and nothing of Focus. */
export function homeRefusedView(message: string): HomeView {
  return {
    type: 'home',
    callback_id: HOME_CALLBACK_ID,
    private_metadata: '',
    blocks: finishCard(
      {
        text: 'Focus for Slack',
        blocks: [header('Focus for Slack'), section(`:lock: ${escapeEntities(message)}`)],
      },
      LIMITS.viewBlocks,
    ).blocks,
  };
}

/** The Home tab as a card, for the console (which prints cards). */
export function homeCard(model: HomeModel): Card {
  return { text: 'Focus for Slack: Home', blocks: homeView(model).blocks };
}

const WHY_LINKED =
  'Why it matters: Focus for Slack shows you what your own Focus portal user may see, found by the email on your Slack profile.';

function linkBlocks(link: LinkStatus): Block[] {
  switch (link.kind) {
    case 'not_required':
      return [
        section(
          ':white_check_mark: You can use Focus for Slack. Here it answers with what the Focus service user sees: your Slack account does not need to be linked to a Focus portal user.',
        ),
      ];
    case 'linked': {
      const rights =
        link.rights.length > 0
          ? link.rights
              .slice(0, 20)
              .map((r) => `\`${safe(r, 80)}\``)
              .join(', ')
          : '_none_';
      const blocks = [
        section(
          `:link: Linked to Focus portal user *${safe(link.username, 120)}* (user ${link.id}), by the email on your Slack profile.\nRights: ${rights}`,
        ),
      ];
      for (const m of link.missing.slice(0, 5))
        blocks.push(
          context(
            `:lock: Without *${escapeEntities(m.right)}* you see no ${m.what.join(', ')}: you need the Focus right *${escapeEntities(m.right)}*. A Focus administrator can grant it to your Focus portal user.`,
          ),
        );
      return blocks;
    }
    case 'refused': {
      const message =
        link.reason === 'channel_not_allowed'
          ? 'Focus for Slack answers only in the channels it is enabled in, and not here (its Home tab and direct messages). Look things up with `/focus` in one of those channels; your subscriptions and preview choices are below.'
          : escapeEntities(link.message);
      const why = link.reason === 'not_linked' || link.reason === 'no_email';
      return [section(`:lock: ${message}`), ...(why ? [context(WHY_LINKED)] : [])];
    }
  }
}

function subscriptionBlocks(part: HomeModel['subscriptions']): Block[] {
  const blocks: Block[] = [header('Your subscriptions')];
  if (part.total === 0) {
    blocks.push(
      context(
        'You have not subscribed a channel to anything. In a channel, `/focus subscribe +44 20 7946 0958` posts each new recording of that number there.',
      ),
    );
    return blocks;
  }
  for (const group of part.channels) {
    blocks.push(section(`*${channelName(group.channel)}*${othersText(group.others)}`));
    for (const sub of group.own) blocks.push(...ownBlocks(sub, part.offset));
  }
  const shown = part.channels.reduce((n, g) => n + g.own.length, 0);
  if (shown < part.total) {
    const first = part.offset + 1;
    blocks.push(context(`Subscriptions ${first}–${part.offset + shown} of ${part.total}`));
    const pages: Button[] = [];
    if (part.offset > 0)
      pages.push(pageButton('Previous', Math.max(0, part.offset - HOME_PAGE), ACTIONS.homePage));
    if (part.offset + shown < part.total)
      pages.push(pageButton('Next', part.offset + HOME_PAGE, `${ACTIONS.homePage}_next`));
    blocks.push({ type: 'actions', elements: pages });
  }
  return blocks;
}

function ownBlocks(sub: Subscription, offset: number): Block[] {
  const tuning = tuningText(sub);
  const paused = sub.paused ? ` · _paused: ${reasonText(sub.paused.reason)}_` : '';
  const value = encodeHome({ s: sub.id, o: offset });
  const toggle: Button = sub.paused
    ? { type: 'button', text: plain('Resume'), action_id: ACTIONS.homeResume, value, style: 'primary' }
    : { type: 'button', text: plain('Pause'), action_id: ACTIONS.homePause, value };
  const stop: Button = {
    type: 'button',
    text: plain('Unsubscribe'),
    action_id: ACTIONS.homeUnsubscribe,
    value,
    style: 'danger',
  };
  return [
    section(`${targetLabel(sub.target)} · ${madeBy(sub, true)}${tuning ? ` · ${tuning}` : ''}${paused}`),
    { type: 'actions', elements: [toggle, stop] },
  ];
}

/** The channel's other subscriptions, on the channel's line, as many as fit. */
function othersText(others: readonly Subscription[] | undefined): string {
  if (!others || others.length === 0) return '';
  const parts: string[] = [];
  let length = 0;
  for (const s of others) {
    const tuning = tuningText(s);
    const part = `${targetLabel(s.target)} (${madeBy(s)}${tuning ? `, ${tuning}` : ''})`;
    if (length + part.length > OTHERS_CHARS) break;
    parts.push(part);
    length += part.length + 2;
  }
  const more = others.length - parts.length;
  return `\nAlso followed here: ${parts.join(', ')}${more > 0 ? `, and ${more} more (\`/focus subscriptions\` there lists them)` : ''}`;
}

function pageButton(label: string, offset: number, actionId: string): Button {
  return { type: 'button', text: plain(label), action_id: actionId, value: encodeHome({ o: offset }) };
}

/** A channel as Slack shows it; a DM has no name to show. */
function channelName(channel: string): string {
  return channel.startsWith('D') ? 'a direct message' : `<#${channel}>`;
}

function previewBlocks(previews: HomeModel['previews']): Block[] {
  const blocks: Block[] = [header('Link previews')];
  if (previews.mode === 'never') return [...blocks, context('Focus links are never previewed here.')];
  if (previews.mode === 'always')
    return [...blocks, context('Focus links are previewed as soon as they are pasted, everywhere.')];
  if (previews.channels.length === 0)
    return [
      ...blocks,
      context(
        'A Focus link you paste is previewed only after you say so. You have not chosen “Always in this channel” anywhere.',
      ),
    ];
  for (const channel of previews.channels.slice(0, PREVIEWS_SHOWN))
    blocks.push(
      section(`${channelName(channel)}: links you paste are previewed at once (“Always in this channel”).`, {
        type: 'button',
        text: plain('Forget'),
        action_id: ACTIONS.homeForget,
        value: encodeHome({ ch: channel }),
      }),
    );
  const more = previews.channels.length - PREVIEWS_SHOWN;
  if (more > 0)
    blocks.push(context(`…and ${more} more: \`/focus previews forget\` in a conversation forgets it there.`));
  return blocks;
}

function recentBlocks(recent: HomeModel['recent']): Block[] {
  const blocks: Block[] = [header('Your recent lookups')];
  if (recent === 'off') return [...blocks, context('Recent lookups are not kept here.')];
  if (recent === 'withheld')
    return [...blocks, context('Not shown while Focus for Slack cannot answer you.')];
  if (recent.length === 0)
    return [
      ...blocks,
      context('None in the last 24 hours. Try `/focus +44 7700 900123` in a channel, or message me here.'),
    ];
  const lines = recent.map(
    (r) =>
      `• ${slackDate(new Date(r.at).toISOString(), '{date_short_pretty} {time}')} · _${safe(r.kind, 20)}_ · ${safe(r.title, 150)}`,
  );
  return [...blocks, section(lines.join('\n')), context('Kept for 24 hours; phone numbers are masked.')];
}

function helpBlocks(help: readonly HelpEntry[]): Block[] {
  const lines = help.map(
    (e) =>
      `\`/focus ${escapeEntities(e.usage)}\` ${escapeEntities(e.description)}${e.examples[0] ? `  _e.g._ \`/focus ${escapeEntities(e.examples[0])}\`` : ''}`,
  );
  return [
    header('Help'),
    section(lines.join('\n')),
    context(
      'In the Messages tab, type the same without `/focus` (`+44 7700 900123`, `recording 123`, `help`). In Workflow Builder, add the step *Look up a phone number*.',
    ),
  ];
}

/** Said in the channel when a subscription's maker pauses or resumes it from the Home tab. */
export function homeChangeCard(sub: Subscription, by: string, change: 'pause' | 'resume'): Card {
  const what = targetLabel(sub.target);
  const text =
    change === 'pause'
      ? `:double_vertical_bar: <@${by}> paused posting new recordings of ${what} here. They can resume it from the Focus app's Home tab.`
      : `:arrow_forward: <@${by}> resumed posting new recordings of ${what} here.`;
  return finishCard({
    text: change === 'pause' ? 'Subscription paused' : 'Subscription resumed',
    blocks: [section(text)],
  });
}
