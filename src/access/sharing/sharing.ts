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
import { openNegotiationAfterRefusal } from './negotiation.ts';

/**
 * Sharing between departments (数据共享). Unconditionally shared data is read at once by any
 * department's staff (each read logged by `resolveDataAccess`); conditionally shared data needs a
 * request the providing department answers within its deadline; a refused or overdue request is
 * first negotiated between the two departments (协商, negotiation.ts), then can be escalated to the
 * data authority, whose decision is final and binding.
 */
export const submitSharingRequest = (ctx: Context, actor: Actor | null, body: unknown) =>
  submitRequests(ctx, actor, 'sharing', body);
export const sharingPrefill = (ctx: Context, actor: Actor | null, datasetRefs: string[]): Promise<Prefill> =>
  requestPrefill(ctx, actor, 'sharing', datasetRefs);
export const getSharingRequest = (ctx: Context, actor: Actor | null, id: string): Promise<AccessRequest> =>
  getRequest(ctx, requireWorkflowActor(actor), 'sharing', id);
export const listSharingRequests = (ctx: Context, actor: Actor | null, filter: RequestFilter = {}) =>
  listRequests(ctx, requireWorkflowActor(actor), 'sharing', filter);
/**
 * approve | reject | return_for_info (providing department; approve | reject by the authority once
 * escalated); resubmit | withdraw | escalate (requesting department, escalation after 协商); revoke.
 * The provider's refusal opens the 协商 thread.
 */
export async function decideSharingRequest(
  ctx: Context,
  actor: Actor | null,
  id: string,
  action: DecisionAction,
  body?: unknown,
): Promise<AccessRequest> {
  const done = await actOnRequest(ctx, actor, 'sharing', id, action, body);
  if (action !== 'reject' || done.final) return done;
  await openNegotiationAfterRefusal(ctx, id);
  return getSharingRequest(ctx, actor, id);
}
