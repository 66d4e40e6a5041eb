import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import {
  DatasetInputSchema,
  DatasetPatchSchema,
  DistributionInputSchema,
  DistributionPatchSchema,
  OrganisationInputSchema,
  OrganisationPatchSchema,
  OpenTierSchema,
  ShareTierSchema,
  type DatasetAction,
} from '../../core/index.ts';
import * as catalog from '../../catalog/index.ts';
import * as data from '../../data/index.ts';
import type { Context } from '../../platform/index.ts';

const Ref = Type.Object({ ref: Type.String({ minLength: 1, maxLength: 200 }) });
const Id = Type.Object({ id: Type.String({ format: 'uuid' }) });
const security = [{ bearer: [] }];

export const DatasetListQuery = Type.Object({
  org: Type.Optional(Type.String({ maxLength: 64 })),
  theme: Type.Optional(Type.String({ maxLength: 64 })),
  openTier: Type.Optional(OpenTierSchema),
  shareTier: Type.Optional(ShareTierSchema),
  updateFrequency: Type.Optional(Type.String({ maxLength: 32 })),
  format: Type.Optional(Type.String({ maxLength: 32, description: 'a distribution format, e.g. CSV' })),
  region: Type.Optional(
    Type.String({ pattern: '^[0-9]{6}$', description: "the publisher's GB/T 2260 region code" }),
  ),
  adminLevel: Type.Optional(
    Type.Union(
      ['national', 'provincial', 'sub_provincial', 'prefecture', 'county'].map((s) => Type.Literal(s)),
    ),
  ),
  status: Type.Optional(
    Type.Union(['draft', 'in_review', 'published', 'withdrawn'].map((s) => Type.Literal(s))),
  ),
  q: Type.Optional(
    Type.String({
      maxLength: 200,
      description: 'search words; `field:身份证号` finds datasets having that 数据项',
    }),
  ),
  fields: Type.Optional(
    Type.String({
      maxLength: 200,
      description: '数据项 names or titles every dataset must have, comma-separated',
    }),
  ),
  sort: Type.Optional(
    Type.Union(
      ['relevance', 'newest', 'modified', 'views', 'downloads', 'title'].map((s) => Type.Literal(s)),
    ),
  ),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});

const RelatedQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })) });

/** Thin: parse, call the catalogue, return. Rules live in `catalog` and `access`. */
export const catalogRoutes =
  (ctx: Context): FastifyPluginAsync =>
  async (app) => {
    const orgTags = ['organisations'];
    app.get(
      '/organisations',
      { schema: { tags: orgTags, summary: 'All organisations (departments)' } },
      async () => {
        const items = await catalog.listOrganisations(ctx.db);
        return { items, total: items.length, page: 1, pageSize: items.length };
      },
    );
    app.get('/organisations/:ref', { schema: { tags: orgTags, params: Ref } }, async (req) =>
      catalog.getOrganisation(ctx.db, (req.params as { ref: string }).ref),
    );
    app.post(
      '/organisations',
      { schema: { tags: orgTags, body: OrganisationInputSchema, security } },
      async (req, reply) =>
        reply.status(201).send(await catalog.createOrganisation(ctx, req.actor, req.body)),
    );
    app.patch(
      '/organisations/:id',
      { schema: { tags: orgTags, params: Id, body: OrganisationPatchSchema, security } },
      async (req) => catalog.updateOrganisation(ctx, req.actor, (req.params as { id: string }).id, req.body),
    );
    app.delete(
      '/organisations/:id',
      { schema: { tags: orgTags, params: Id, security } },
      async (req, reply) => {
        await catalog.deleteOrganisation(ctx, req.actor, (req.params as { id: string }).id);
        return reply.status(204).send();
      },
    );

    const dsTags = ['datasets'];
    app.get(
      '/datasets',
      {
        schema: {
          tags: dsTags,
          summary: 'Search, filter and list datasets, with facets',
          querystring: DatasetListQuery,
        },
      },
      async (req) => catalog.listDatasets(ctx, req.actor, req.query as catalog.DatasetFilter),
    );
    app.get(
      '/datasets/:ref/related',
      {
        schema: {
          tags: dsTags,
          summary: 'Datasets sharing tags, 数据项, themes or publisher, best first',
          params: Ref,
          querystring: RelatedQuery,
        },
      },
      async (req) =>
        catalog.relatedDatasets(
          ctx,
          req.actor,
          (req.params as { ref: string }).ref,
          (req.query as { limit?: number }).limit,
        ),
    );
    app.get(
      '/datasets/:ref/also-used',
      {
        schema: {
          tags: dsTags,
          summary: 'People who used this also used: datasets at least 3 users used with it in 180 days',
          params: Ref,
          querystring: RelatedQuery,
        },
      },
      async (req) =>
        data.alsoUsedDatasets(
          ctx,
          req.actor,
          (req.params as { ref: string }).ref,
          (req.query as { limit?: number }).limit,
        ),
    );
    app.post(
      '/datasets',
      { schema: { tags: dsTags, body: DatasetInputSchema, security } },
      async (req, reply) => reply.status(201).send(await catalog.createDataset(ctx, req.actor, req.body)),
    );
    app.get(
      '/datasets/:ref',
      { schema: { tags: dsTags, summary: 'One dataset by id, resource code or slug', params: Ref } },
      async (req) => {
        const { ref } = req.params as { ref: string };
        const dataset = await catalog.getDataset(ctx, req.actor, ref);
        const [distributions] = await Promise.all([
          catalog.listDistributions(ctx, req.actor, dataset.id),
          data.countView(ctx, dataset),
        ]);
        return { ...dataset, distributions };
      },
    );
    app.patch(
      '/datasets/:ref',
      { schema: { tags: dsTags, params: Ref, body: DatasetPatchSchema, security } },
      async (req) => catalog.updateDataset(ctx, req.actor, (req.params as { ref: string }).ref, req.body),
    );
    app.delete('/datasets/:ref', { schema: { tags: dsTags, params: Ref, security } }, async (req, reply) => {
      await catalog.deleteDataset(ctx, req.actor, (req.params as { ref: string }).ref);
      return reply.status(204).send();
    });
    for (const action of ['submit', 'publish', 'withdraw', 'return_to_draft'] satisfies DatasetAction[]) {
      app.post(
        `/datasets/:ref/${action}`,
        { schema: { tags: dsTags, summary: `Lifecycle: ${action}`, params: Ref, security } },
        async (req) => catalog.transitionDataset(ctx, req.actor, (req.params as { ref: string }).ref, action),
      );
    }
    app.get(
      '/datasets/:ref/versions',
      { schema: { tags: dsTags, summary: 'Published versions, newest first', params: Ref } },
      async (req) => {
        const items = await catalog.listVersions(ctx, req.actor, (req.params as { ref: string }).ref);
        return { items, total: items.length, page: 1, pageSize: items.length };
      },
    );
    app.get(
      '/datasets/:ref/versions/:number',
      {
        schema: {
          tags: dsTags,
          params: Type.Object({
            ref: Type.String({ maxLength: 200 }),
            number: Type.Integer({ minimum: 1, maximum: 1000000 }),
          }),
        },
      },
      async (req) => {
        const { ref, number } = req.params as { ref: string; number: number };
        return catalog.getVersion(ctx, req.actor, ref, number);
      },
    );

    const distTags = ['distributions'];
    app.get('/datasets/:ref/distributions', { schema: { tags: distTags, params: Ref } }, async (req) => {
      const items = await catalog.listDistributions(ctx, req.actor, (req.params as { ref: string }).ref);
      return { items, total: items.length, page: 1, pageSize: items.length };
    });
    app.post(
      '/datasets/:ref/distributions',
      { schema: { tags: distTags, params: Ref, body: DistributionInputSchema, security } },
      async (req, reply) =>
        reply
          .status(201)
          .send(
            await catalog.createDistribution(ctx, req.actor, (req.params as { ref: string }).ref, req.body),
          ),
    );
    app.get('/distributions/:id', { schema: { tags: distTags, params: Id } }, async (req) =>
      catalog.getDistribution(ctx, req.actor, (req.params as { id: string }).id),
    );
    app.patch(
      '/distributions/:id',
      { schema: { tags: distTags, params: Id, body: DistributionPatchSchema, security } },
      async (req) => catalog.updateDistribution(ctx, req.actor, (req.params as { id: string }).id, req.body),
    );
    app.delete(
      '/distributions/:id',
      { schema: { tags: distTags, params: Id, security } },
      async (req, reply) => {
        await catalog.deleteDistribution(ctx, req.actor, (req.params as { id: string }).id);
        return reply.status(204).send();
      },
    );
  };
