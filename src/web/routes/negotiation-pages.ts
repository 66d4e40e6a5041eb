import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as access from '../../access/index.ts';
import * as identity from '../../identity/index.ts';
import { mayOpenNegotiation, type AccessRequest, type Actor } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import type { Html } from '../html.ts';
import { field, formBody, seeOther } from '../respond.ts';
import type { View } from '../view.ts';
import { viewOf } from '../view.ts';
import { negotiationPanel } from '../pages/negotiation-panel.ts';
import type { FormState } from '../pages/workflow-parts.ts';
import { idParam, refusedForm } from './workflow-support.ts';

const BASE = '/console/sharing';
const LABEL = { en: 'Sharing request', zh: '共享申请' };

/** The thread panel for a sharing request's page: the thread if any, and the forms when the visitor's department may write. */
export async function negotiationOf(
  ctx: Context,
  actor: Actor,
  r: AccessRequest,
  v: View,
  base: string,
  state: FormState | undefined,
): Promise<Html | ''> {
  const thread = r.negotiation ? await access.getNegotiation(ctx, actor, r.id).catch(() => null) : null;
  const side =
    actor.role === 'department' &&
    !!actor.orgId &&
    (actor.orgId === r.requester.orgId || actor.orgId === r.provider.id);
  const writable =
    side &&
    mayOpenNegotiation('sharing', r.status, { overdue: r.deadline.overdue, final: r.final }) &&
    thread?.stage !== 'ended';
  return negotiationPanel(v, {
    thread,
    href: `${base}/${r.id}/negotiation`,
    writable,
    state,
    csrf: v.csrf,
  });
}

/** Posting to the thread from the console: the access module decides (a stranger is refused and audited). */
export function negotiationRoutes(
  app: FastifyInstance,
  ctx: Context,
  rerender: (req: FastifyRequest, reply: FastifyReply, id: string, state: FormState) => Promise<unknown>,
): void {
  for (const step of ['message', 'give_up'] as const)
    app.post(`${BASE}/:id/negotiation/${step}`, async (req, reply) => {
      const actor = identity.requireActor(req.actor);
      const id = idParam(req, LABEL);
      const b = formBody(req);
      try {
        if (step === 'message')
          await access.postNegotiationMessage(ctx, actor, id, { body: field(b, 'body') });
        else await access.giveUpNegotiation(ctx, actor, id, { reason: field(b, 'reason') });
        return seeOther(reply, `${BASE}/${id}?done=negotiation_${step}#negotiation`);
      } catch (err) {
        const view = () => viewOf(ctx, req, reply);
        return rerender(
          req,
          reply,
          id,
          refusedForm(view, err, `negotiation_${step}`, b, (f) => `negotiation_${step}-${f}`),
        );
      }
    });
}
