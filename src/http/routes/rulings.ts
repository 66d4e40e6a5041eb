import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import * as access from '../../access/index.ts';
import { ReasonInputSchema } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { created, Id, idOf, Paging, security } from './support.ts';

const RulingListQuery = Type.Object({
  status: Type.Optional(Type.Union(['pending', 'accepted', 'refused'].map((s) => Type.Literal(s)))),
  ...Paging,
});
type RulingFilter = { status?: 'pending' | 'accepted' | 'refused'; page?: number; pageSize?: number };

/** Grants the data authority ordered: the provider's requests to suspend or revoke them, and the authority's answer. */
export const rulingRoutes =
  (ctx: Context): FastifyPluginAsync =>
  async (app) => {
    const tags = ['grants'];
    app.post(
      '/grants/:id/ruling-requests',
      {
        schema: {
          tags,
          summary: 'Ask the data authority to suspend or revoke a grant it ordered (providing department)',
          params: Id,
          body: access.RulingRequestInputSchema,
          security,
        },
      },
      async (req, reply) => created(reply, access.askForRuling(ctx, req.actor, idOf(req), req.body)),
    );
    app.get(
      '/grants/:id/ruling-requests',
      {
        schema: {
          tags,
          summary: 'Requests for a ruling on this grant',
          params: Id,
          querystring: RulingListQuery,
          security,
        },
      },
      async (req) =>
        access.listRulingRequests(ctx, req.actor, {
          ...(req.query as RulingFilter),
          grantId: idOf(req),
        }),
    );
    app.get(
      '/grant-ruling-requests',
      {
        schema: {
          tags,
          summary: 'Requests for a ruling: all (authority) or on my department’s grants',
          querystring: RulingListQuery,
          security,
        },
      },
      async (req) => access.listRulingRequests(ctx, req.actor, req.query as RulingFilter),
    );
    for (const decision of ['accept', 'refuse'] as const)
      app.post(
        `/grant-ruling-requests/:id/${decision}`,
        {
          schema: {
            tags,
            summary: `The data authority ${decision}s a request for a ruling, with a reason`,
            params: Id,
            body: ReasonInputSchema,
            security,
          },
        },
        async (req) => access.decideRulingRequest(ctx, req.actor, idOf(req), decision, req.body),
      );
  };
