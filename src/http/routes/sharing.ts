import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import * as access from '../../access/index.ts';
import { ReasonInputSchema, RequestInputSchema } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { decisionBodies, Id, PrefillQuery, refsOf, RequestListQuery } from './applications.ts';

const security = [{ bearer: [] }];

/** Sharing requests between departments (共享申请), escalation to the data authority, and overdue oversight. */
export const sharingRoutes =
  (ctx: Context): FastifyPluginAsync =>
  async (app) => {
    const tags = ['sharing'];
    app.get(
      '/sharing-requests/prefill',
      {
        schema: {
          tags,
          summary: 'Sharing request form: profile, commitment, datasets and fields',
          querystring: PrefillQuery,
          security,
        },
      },
      async (req) => access.sharingPrefill(ctx, req.actor, refsOf(req.query)),
    );
    app.post(
      '/sharing-requests',
      {
        schema: {
          tags,
          summary: "Request another department's conditionally shared data",
          body: RequestInputSchema,
          security,
        },
      },
      async (req, reply) =>
        reply.status(201).send(await access.submitSharingRequest(ctx, req.actor, req.body)),
    );
    app.get(
      '/sharing-requests',
      {
        schema: {
          tags,
          summary: 'Sharing requests: my department’s (mine), to my department (inbox), or all (authority)',
          querystring: RequestListQuery,
          security,
        },
      },
      async (req) => access.listSharingRequests(ctx, req.actor, req.query as access.RequestFilter),
    );
    app.get('/sharing-requests/:id', { schema: { tags, params: Id, security } }, async (req) =>
      access.getSharingRequest(ctx, req.actor, (req.params as { id: string }).id),
    );
    for (const action of [
      'approve',
      'reject',
      'return_for_info',
      'resubmit',
      'withdraw',
      'escalate',
      'revoke',
    ] as const) {
      app.post(
        `/sharing-requests/:id/${action}`,
        {
          schema: {
            tags,
            summary: `Decision: ${action}`,
            params: Id,
            body: decisionBodies[action],
            security,
          },
        },
        async (req) =>
          access.decideSharingRequest(ctx, req.actor, (req.params as { id: string }).id, action, req.body),
      );
    }

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
      async (req) => access.getNegotiation(ctx, req.actor, (req.params as { id: string }).id),
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
        reply
          .status(201)
          .send(
            await access.postNegotiationMessage(ctx, req.actor, (req.params as { id: string }).id, req.body),
          ),
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
      async (req) => access.giveUpNegotiation(ctx, req.actor, (req.params as { id: string }).id, req.body),
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
