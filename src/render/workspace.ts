/**
 * What a surface answers when its workspace cannot be answered from Focus: its Focus tenant is
 * not connected yet (and who can connect it, and where), or which tenant answers it could not be
 * read just now; and, in an organisation-wide install, that a workspace answered from its own
 * connection has no subscriptions.
 */
import type { Card } from './blocks.js';
import { type HomeView, homeRefusedView } from './home.js';
import { infoCard, noticeCard } from './status.js';

export type WorkspaceProblem = 'not_connected' | 'unavailable';

const TEXT: Record<WorkspaceProblem, string> = {
  not_connected:
    'Focus is not connected for this workspace yet, so Focus for Slack cannot look anything up here. A workspace admin (a Slack owner or admin) or the person who installed the app can connect it from the app’s Home tab: open Focus for Slack in the sidebar and choose Home.',
  unavailable:
    'Focus for Slack could not tell which Focus tenant answers this workspace just now. Please try again in a moment.',
};

/** The sentence itself (a workflow step's error, a log line). */
export function workspaceProblemText(problem: WorkspaceProblem): string {
  return TEXT[problem];
}

export function workspaceProblemCard(problem: WorkspaceProblem): Card {
  return problem === 'not_connected' ? infoCard(TEXT[problem]) : noticeCard(TEXT[problem]);
}

/** The Home tab of a workspace that cannot be answered (distribution mode shows the connection part instead when not connected). */
export function workspaceProblemView(problem: WorkspaceProblem): HomeView {
  return homeRefusedView(TEXT[problem]);
}

export function subscriptionsUnavailableCard(): Card {
  return infoCard(
    'Subscriptions are not available in this workspace: it is answered from its own Focus connection while the app is installed for the whole organisation, whose subscriptions follow the organisation’s connection. Lookups work as usual: try `/focus help`.',
  );
}
