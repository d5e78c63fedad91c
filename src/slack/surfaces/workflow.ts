/**
 * The Workflow Builder step `lookup_phone_number` (Bolt's `app.function`, defined under
 * `functions` in manifest.yml): a phone number, in any form a person types, looked up for the
 * person running the workflow (`user_id`), who must pass the access policy as on any surface
 * (with no conversation: with ALLOWED_SLACK_CHANNEL_IDS set the step is refused). Its outputs
 * never hold more than that person may see; bad input or a refusal fails the run with a clear
 * message (`functions.completeError`). The outputs leave the app (the workflow may post them
 * anywhere), so each run is audited with `"audience":"workflow"` and the workflow run's id.
 * Slack does not tell the step who ran the workflow: `user_id` is what the workflow passes, which
 * its builder chooses (README: "Who sees what").
 */
import type { App } from '@slack/bolt';
import type { Asker } from '../../domain/interaction.js';
import type { Logger } from '../../domain/logger.js';
import { parsePhone } from '../../parse/index.js';
import { STEP_BAD_NUMBER, type StepResult, stepResult } from '../../render/step.js';
import { workspaceProblemText } from '../../render/workspace.js';
import type { Answerer } from '../answer/answer.js';
import { checkAccess, deliver, type SurfaceDeps } from '../answer/deliver.js';
import { logUnready, workspaceOf } from '../answer/workspace.js';
import { newAsker } from '../inbound/request.js';

export const LOOKUP_STEP = 'lookup_phone_number';

const USER = /^[UW][A-Z0-9]{2,30}$/;

export function registerWorkflowStep(app: App, logger: Logger): void {
  app.function(LOOKUP_STEP, async ({ inputs, complete, fail, body, event, context }) => {
    const envelope = body as { team_id?: unknown; enterprise_id?: unknown };
    // Which workflow run asked, on every line: Slack does not say who built the workflow.
    const run = logger.child({ workflowExecution: event.workflow_execution_id, step: LOOKUP_STEP });
    const workspace = await workspaceOf(context);
    if (workspace.status !== 'ready') {
      logUnready(run, 'workflow', workspace, context);
      await fail({ error: workspaceProblemText(workspace.status) }).catch((error: unknown) =>
        run.error('slack.delivery_failed', { surface: 'workflow', error }),
      );
      return;
    }
    const { deps } = workspace;
    const user = typeof inputs.user_id === 'string' && USER.test(inputs.user_id) ? inputs.user_id : undefined;
    const asker = newAsker(
      'workflow',
      {
        user,
        channel: undefined,
        team: typeof envelope.team_id === 'string' ? envelope.team_id : undefined,
        enterprise: typeof envelope.enterprise_id === 'string' ? envelope.enterprise_id : undefined,
      },
      deps.home,
      run,
    );
    const result = await runStep(deps, inputs.phone_number, asker);
    if ('error' in result) asker.logger.info('workflow.step_failed', { error: result.error });
    await deliver(deps, asker, () =>
      'error' in result ? fail({ error: result.error }) : complete({ outputs: { ...result.outputs } }),
    );
  });
}

async function runStep(deps: SurfaceDeps, phoneNumber: unknown, asker: Asker): Promise<StepResult> {
  if (!asker.user)
    return {
      error:
        'user_id must be the person running the workflow (in Workflow Builder: “Person who used this workflow”): the answer is what they may see.',
    };
  const denial = await checkAccess(deps, asker);
  if (denial) return { error: denial.message };
  return lookupStep(deps.answerer, phoneNumber, asker);
}

/** The lookup and its outputs, for an asker already allowed (the console's is). Never throws. */
export async function lookupStep(
  answerer: Answerer,
  phoneNumber: unknown,
  asker: Asker,
): Promise<StepResult> {
  const settings = answerer.parseSettings;
  const phone = typeof phoneNumber === 'string' ? parsePhone(phoneNumber, settings.defaultRegion) : null;
  if (!phone) return { error: STEP_BAD_NUMBER };
  const answer = await answerer.answer({ kind: 'phone', phone }, asker, {
    mode: 'modal',
    audience: 'workflow',
  });
  return answer.outcome ? stepResult(answer.outcome, settings.links) : { error: STEP_BAD_NUMBER };
}
