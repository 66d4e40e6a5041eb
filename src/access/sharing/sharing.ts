import type { AccessRequest, Actor } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import {
  actOnRequest,
  getRequest,
  listRequests,
  requestPrefill,
  submitRequests,
  type DecisionAction,
  type Prefill,
  type RequestFilter,
} from '../applications/index.ts';
import { requireWorkflowActor } from '../grants/index.ts';

/**
 * Sharing between departments (数据共享). Unconditionally shared data is read at once by any
 * department's staff (each read logged by `resolveDataAccess`); conditionally shared data needs a
 * request the providing department answers within its deadline; a refused or overdue request can
 * be escalated to the data authority, whose decision is final.
 */
export const submitSharingRequest = (ctx: Context, actor: Actor | null, body: unknown) =>
  submitRequests(ctx, actor, 'sharing', body);
export const sharingPrefill = (ctx: Context, actor: Actor | null, datasetRefs: string[]): Promise<Prefill> =>
  requestPrefill(ctx, actor, 'sharing', datasetRefs);
export const getSharingRequest = (ctx: Context, actor: Actor | null, id: string): Promise<AccessRequest> =>
  getRequest(ctx, requireWorkflowActor(actor), 'sharing', id);
export const listSharingRequests = (ctx: Context, actor: Actor | null, filter: RequestFilter = {}) =>
  listRequests(ctx, requireWorkflowActor(actor), 'sharing', filter);
/** approve | reject | return_for_info (providing department; approve | reject by the authority once escalated); resubmit | withdraw | escalate (requesting department); revoke. */
export const decideSharingRequest = (
  ctx: Context,
  actor: Actor | null,
  id: string,
  action: DecisionAction,
  body?: unknown,
) => actOnRequest(ctx, actor, 'sharing', id, action, body);
