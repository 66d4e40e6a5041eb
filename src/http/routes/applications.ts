import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import * as identity from '../../identity/index.ts';
import * as access from '../../access/index.ts';
import {
  ApproveInputSchema,
  GrantTokenInputSchema,
  ReasonInputSchema,
  RequestInputSchema,
  ResubmitInputSchema,
  UsageReportInputSchema,
  WithdrawInputSchema,
  currentCommitment,
  grantStatuses,
  requestStatuses,
  type GrantStatus,
} from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { GRANT_READS } from '../auth.ts';

const security = [{ bearer: [] }];
export const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Paging = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
};
export const RequestListQuery = Type.Object({
  box: Type.Optional(Type.Union(['mine', 'inbox', 'all'].map((b) => Type.Literal(b)))),
  status: Type.Optional(Type.Union(requestStatuses.map((s) => Type.Literal(s)))),
  overdue: Type.Optional(Type.Boolean()),
  dataset: Type.Optional(Type.String({ format: 'uuid' })),
  ...Paging,
});
export const PrefillQuery = Type.Object({
  datasets: Type.String({
    minLength: 1,
    maxLength: 4000,
    description: 'dataset ids, resource codes or slugs, comma-separated (at most 20)',
  }),
});
export const refsOf = (q: unknown) =>
  [
    ...new Set(
      (q as { datasets: string }).datasets
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ].slice(0, 20);

/** The body schema each decision takes (for OpenAPI; the domain checks it again). */
export const decisionBodies = {
  approve: ApproveInputSchema,
  reject: ReasonInputSchema,
  return_for_info: ReasonInputSchema,
  resubmit: ResubmitInputSchema,
  withdraw: WithdrawInputSchema,
  revoke: ReasonInputSchema,
  escalate: ReasonInputSchema,
} as const;

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
    app.get(
      '/applications/prefill',
      {
        schema: {
          tags,
          summary: 'One-click application form: profile, commitment, datasets and fields',
          querystring: PrefillQuery,
          security,
        },
      },
      async (req) => access.applicationPrefill(ctx, req.actor, refsOf(req.query)),
    );
    app.post(
      '/applications',
      {
        schema: {
          tags,
          summary: 'Apply for one or several conditional datasets (one application per providing department)',
          body: RequestInputSchema,
          security,
        },
      },
      async (req, reply) => reply.status(201).send(await access.submitApplication(ctx, req.actor, req.body)),
    );
    app.get(
      '/applications',
      {
        schema: {
          tags,
          summary: 'Applications: mine, my department’s inbox, or all (authority)',
          querystring: RequestListQuery,
          security,
        },
      },
      async (req) => access.listApplications(ctx, req.actor, req.query as access.RequestFilter),
    );
    app.get('/applications/:id', { schema: { tags, params: Id, security } }, async (req) =>
      access.getApplication(ctx, req.actor, (req.params as { id: string }).id),
    );
    for (const action of [
      'approve',
      'reject',
      'return_for_info',
      'resubmit',
      'withdraw',
      'revoke',
    ] as const) {
      app.post(
        `/applications/:id/${action}`,
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
          access.decideApplication(ctx, req.actor, (req.params as { id: string }).id, action, req.body),
      );
    }

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
      async (req) =>
        access.getGrant(ctx, identity.requireActor(req.actor), (req.params as { id: string }).id),
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
        async (req) =>
          access.changeGrantStatus(ctx, req.actor, (req.params as { id: string }).id, action, req.body),
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
      async (req, reply) =>
        reply
          .status(201)
          .send(await access.createGrantToken(ctx, req.actor, (req.params as { id: string }).id, req.body)),
    );
    app.get(
      '/grants/:id/reports',
      { schema: { tags: grantTags, summary: 'Usage reports (利用情况、成果)', params: Id, security } },
      async (req) => {
        const items = await access.listUsageReports(
          ctx,
          identity.requireActor(req.actor),
          (req.params as { id: string }).id,
        );
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
      async (req, reply) =>
        reply
          .status(201)
          .send(await access.fileUsageReport(ctx, req.actor, (req.params as { id: string }).id, req.body)),
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
          (req.params as { id: string }).id,
          req.query as { page?: number; pageSize?: number },
        ),
    );
  };
