/**
 * Applications for conditional data (有条件开放申请) and the request engine they share with
 * sharing requests: submission, the decisions of design §7, deadlines, reminders and overdue lists.
 */
import type { AccessRequest, Actor } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { actOnRequest, type DecisionAction } from './decide.ts';
import { getRequest, listRequests, type RequestFilter } from './requests.ts';
import { requestPrefill, submitRequests, type Prefill } from './submit.ts';
import { requireWorkflowActor } from '../grants/index.ts';

export const submitApplication = (ctx: Context, actor: Actor | null, body: unknown) =>
  submitRequests(ctx, actor, 'application', body);
export const applicationPrefill = (
  ctx: Context,
  actor: Actor | null,
  datasetRefs: string[],
): Promise<Prefill> => requestPrefill(ctx, actor, 'application', datasetRefs);
export const getApplication = (ctx: Context, actor: Actor | null, id: string): Promise<AccessRequest> =>
  getRequest(ctx, requireWorkflowActor(actor), 'application', id);
export const listApplications = (ctx: Context, actor: Actor | null, filter: RequestFilter = {}) =>
  listRequests(ctx, requireWorkflowActor(actor), 'application', filter);
/** approve | reject | return_for_info (providing department); resubmit | withdraw (applicant); revoke (department, authority). */
export const decideApplication = (
  ctx: Context,
  actor: Actor | null,
  id: string,
  action: Exclude<DecisionAction, 'escalate'>,
  body?: unknown,
) => actOnRequest(ctx, actor, 'application', id, action, body);

export { submitRequests, requestPrefill, type RequestInput, type Prefill } from './submit.ts';
export { actOnRequest, type DecisionAction } from './decide.ts';
export {
  getRequest,
  listRequests,
  loadRequest,
  requestFacts,
  requestPartiesOf,
  type RequestFilter,
  type RequestRow,
} from './requests.ts';
export {
  sendDeadlineReminders,
  listOverdue,
  type ReminderRun,
  type OverdueItem,
  type OverdueByDepartment,
} from './deadlines.ts';
