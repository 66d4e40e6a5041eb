import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import * as identity from '../../identity/index.ts';
import * as access from '../../access/index.ts';
import {
  GrantTokenInputSchema,
  ReasonInputSchema,
  UsageReportInputSchema,
  currentCommitment,
  grantStatuses,
  type GrantStatus,
} from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { GRANT_READS } from '../auth.ts';
import { requestRoutes } from './requests.ts';
import { created, Id, idOf, Paging, security } from './support.ts';

/** Applications for conditional data (有条件开放申请) and the grants approvals issue. Thin: rules live in `access`. */
export const applicationRoutes =
  (ctx: Context): FastifyPluginAsync =>
  async (app) => {
    const tags = ['applications'];
    app.get(
      '/applications/commitment',
      { schema: { tags, summary: 'The current security commitment (安全承诺书) an applicant accepts' } },
      async () => currentCommitment(),
    );
    requestRoutes(app, {
      path: '/applications',
      tags,
      summaries: {
        prefill: 'One-click application form: profile, commitment, datasets and fields',
        submit: 'Apply for one or several conditional datasets (one application per providing department)',
        list: 'Applications: mine, my department’s inbox, or all (authority)',
      },
      prefill: (actor, refs) => access.applicationPrefill(ctx, actor, refs),
      submit: (actor, body) => access.submitApplication(ctx, actor, body),
      list: (actor, filter) => access.listApplications(ctx, actor, filter),
      get: (actor, id) => access.getApplication(ctx, actor, id),
      actions: ['approve', 'reject', 'return_for_info', 'resubmit', 'withdraw', 'revoke'],
      decide: (actor, id, action, body) => access.decideApplication(ctx, actor, id, action, body),
    });

    const grantTags = ['grants'];
    app.get(
      '/grants',
      {
        schema: {
          tags: grantTags,
          summary: 'Grants: mine (or my department’s), issued by my department, or all (authority)',
          querystring: Type.Object({
            box: Type.Optional(Type.Union(['mine', 'issued', 'all'].map((b) => Type.Literal(b)))),
            status: Type.Optional(Type.Union(grantStatuses.map((s) => Type.Literal(s)))),
            ...Paging,
          }),
          security,
        },
      },
      async (req) =>
        access.listGrants(
          ctx,
          identity.requireActor(req.actor),
          req.query as { box?: 'mine' | 'issued' | 'all'; status?: GrantStatus },
        ),
    );
    // A grant token may read its own grant (which datasets, fields and rows, until when): getGrant hides the rest.
    app.get(
      '/grants/:id',
      { config: GRANT_READS, schema: { tags: grantTags, params: Id, security } },
      async (req) => access.getGrant(ctx, identity.requireActor(req.actor), idOf(req)),
    );
    for (const action of ['suspend', 'reinstate', 'revoke'] as const) {
      app.post(
        `/grants/:id/${action}`,
        {
          schema: {
            tags: grantTags,
            summary: `${action} a grant, with a reason`,
            params: Id,
            body: ReasonInputSchema,
            security,
          },
        },
        async (req) => access.changeGrantStatus(ctx, req.actor, idOf(req), action, req.body),
      );
    }
    app.post(
      '/grants/:id/tokens',
      {
        schema: {
          tags: grantTags,
          summary: 'An API token limited to this grant; shown once',
          params: Id,
          body: GrantTokenInputSchema,
          security,
        },
      },
      async (req, reply) => created(reply, access.createGrantToken(ctx, req.actor, idOf(req), req.body)),
    );
    app.get(
      '/grants/:id/reports',
      { schema: { tags: grantTags, summary: 'Usage reports (利用情况、成果)', params: Id, security } },
      async (req) => {
        const items = await access.listUsageReports(ctx, identity.requireActor(req.actor), idOf(req));
        return { items, total: items.length, page: 1, pageSize: items.length };
      },
    );
    app.post(
      '/grants/:id/reports',
      {
        schema: {
          tags: grantTags,
          summary: 'File a usage report',
          params: Id,
          body: UsageReportInputSchema,
          security,
        },
      },
      async (req, reply) => created(reply, access.fileUsageReport(ctx, req.actor, idOf(req), req.body)),
    );
    app.get(
      '/grants/:id/uses',
      {
        schema: {
          tags: grantTags,
          summary: 'Every read of data under this grant',
          params: Id,
          querystring: Type.Object(Paging),
          security,
        },
      },
      async (req) =>
        access.listGrantUses(
          ctx,
          identity.requireActor(req.actor),
          idOf(req),
          req.query as { page?: number; pageSize?: number },
        ),
    );
  };
