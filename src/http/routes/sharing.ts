import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import * as access from '../../access/index.ts';
import { ReasonInputSchema } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { requestRoutes } from './requests.ts';
import { created, Id, idOf, security } from './support.ts';

/** Sharing requests between departments (共享申请), escalation to the data authority, and overdue oversight. */
export const sharingRoutes =
  (ctx: Context): FastifyPluginAsync =>
  async (app) => {
    const tags = ['sharing'];
    requestRoutes(app, {
      path: '/sharing-requests',
      tags,
      summaries: {
        prefill: 'Sharing request form: profile, commitment, datasets and fields',
        submit: "Request another department's conditionally shared data",
        list: 'Sharing requests: my department’s (mine), to my department (inbox), or all (authority)',
      },
      prefill: (actor, refs) => access.sharingPrefill(ctx, actor, refs),
      submit: (actor, body) => access.submitSharingRequest(ctx, actor, body),
      list: (actor, filter) => access.listSharingRequests(ctx, actor, filter),
      get: (actor, id) => access.getSharingRequest(ctx, actor, id),
      actions: ['approve', 'reject', 'return_for_info', 'resubmit', 'withdraw', 'escalate', 'revoke'],
      decide: (actor, id, action, body) => access.decideSharingRequest(ctx, actor, id, action, body),
    });

    // 协商: the thread between the two departments before escalation.
    const thread = '/sharing-requests/:id/negotiation';
    app.get(
      thread,
      {
        schema: {
          tags,
          summary: 'The 协商 thread: messages, deadline and how it ended (both departments, the authority)',
          params: Id,
          security,
        },
      },
      async (req) => access.getNegotiation(ctx, req.actor, idOf(req)),
    );
    app.post(
      `${thread}/messages`,
      {
        schema: {
          tags,
          summary: 'Write to the 协商 thread (opens it on an overdue request)',
          params: Id,
          body: access.NegotiationMessageInputSchema,
          security,
        },
      },
      async (req, reply) =>
        created(reply, access.postNegotiationMessage(ctx, req.actor, idOf(req), req.body)),
    );
    app.post(
      `${thread}/give_up`,
      {
        schema: {
          tags,
          summary: 'Declare the 协商 failed, with a reason: the requester may then escalate',
          params: Id,
          body: ReasonInputSchema,
          security,
        },
      },
      async (req) => access.giveUpNegotiation(ctx, req.actor, idOf(req), req.body),
    );

    app.get(
      '/oversight/overdue',
      {
        schema: {
          tags: ['oversight'],
          summary: 'Applications, sharing requests and usage reports past their deadline, per department',
          querystring: Type.Object({ org: Type.Optional(Type.String({ format: 'uuid' })) }),
          security,
        },
      },
      async (req) => access.listOverdue(ctx, req.actor, req.query as { org?: string }),
    );
  };
