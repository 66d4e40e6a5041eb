import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as catalog from '../../catalog/index.ts';
import * as data from '../../data/index.ts';
import { canEditOrgData } from '../../identity/index.ts';
import { resolveDataAccess } from '../../access/index.ts';
import { findTerm, notFound, themes, type ThemeTerm } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { sendPage } from '../respond.ts';
import { viewOf, type View } from '../view.ts';
import { homePage } from '../pages/home.ts';
import { listing, listingState, type ListingResult, type ListingState } from '../pages/search.ts';
import { page } from '../layout.ts';
import { html } from '../html.ts';
import { datasetPage } from '../pages/dataset.ts';
import { dataState, loadDataSection } from '../dataset-data.ts';
import { themePage, themesPage } from '../pages/themes.ts';
import { organisationPage, organisationsPage, orgName } from '../pages/organisations.ts';
import { aboutPage } from '../pages/about.ts';

const PAGE_SIZE = 20;
const query = (req: FastifyRequest) => (req.query ?? {}) as Record<string, unknown>;

/**
 * Public lists are what the public sees, for everyone: they ask the catalogue as an anonymous
 * caller, so a signed-in department never sees its drafts mixed into the portal.
 */
async function publicListing(
  ctx: Context,
  state: ListingState,
  fixed: Record<string, string> = {},
): Promise<ListingResult> {
  const filter = {
    ...state.filters,
    ...fixed,
    ...(state.q && { q: state.q }),
    ...(state.sort && state.sort !== 'relevance' && { sort: state.sort }),
    page: state.page,
    pageSize: PAGE_SIZE,
  } as catalog.DatasetFilter;
  return (await catalog.listDatasets(ctx, null, filter)) as unknown as ListingResult;
}

async function orgNames(ctx: Context, v: View): Promise<Map<string, string>> {
  const orgs = await catalog.listOrganisations(ctx.db);
  return new Map(orgs.map((o) => [o.orgCode, orgName(v, o)]));
}

export function portalRoutes(app: FastifyInstance, ctx: Context): void {
  app.get('/', async (req, reply) => {
    const v = viewOf(ctx, req, reply);
    const [newest, popular, orgs] = await Promise.all([
      catalog.listDatasets(ctx, null, { sort: 'newest', pageSize: 5 }),
      catalog.listDatasets(ctx, null, { sort: 'downloads', pageSize: 5 }),
      catalog.listOrganisations(ctx.db),
    ]);
    return sendPage(
      reply,
      homePage(v, {
        total: newest.total,
        organisations: orgs.filter((o) => o.datasetCount > 0).length,
        themeCounts: newest.facets.theme,
        tierCounts: newest.facets.openTier,
        newest: newest.items,
        popular: popular.items,
      }),
    );
  });

  app.get('/datasets', async (req, reply) => {
    const v = viewOf(ctx, req, reply);
    const state = listingState(query(req));
    const [result, names] = await Promise.all([publicListing(ctx, state), orgNames(ctx, v)]);
    const title = state.q ? v.t('search.titleFor', { q: state.q }) : v.t('search.title');
    const body = html`<div class="wrap page-body">
      <h1>${title}</h1>
      ${listing(v, result, state, { action: '/datasets', orgNames: names, stats: true })}
    </div>`;
    return sendPage(
      reply,
      page(v, {
        title,
        body,
        section: 'datasets',
        crumbs: [{ label: v.t('nav.datasets') }],
        charts: true,
        hideHeaderSearch: true,
      }),
    );
  });

  app.get('/datasets/:ref', async (req, reply) => {
    const v = viewOf(ctx, req, reply);
    const { ref } = req.params as { ref: string };
    if (ref.length > 200) throw notFound('Dataset', '数据集');
    // The actor matters here: a department previews its own draft; everyone else gets 404 for it.
    const dataset = await catalog.getDataset(ctx, req.actor, ref);
    const published = dataset.status === 'published';
    const [distributions, access, related, alsoUsed] = await Promise.all([
      catalog.listDistributions(ctx, req.actor, dataset.id),
      resolveDataAccess(ctx, req.actor, dataset),
      // Related datasets are what the public may see, even on a department's preview of its draft.
      published ? catalog.relatedDatasets(ctx, null, dataset.id, 5).then((r) => r.items) : [],
      published ? data.alsoUsedDatasets(ctx, null, dataset.id, 5).then((r) => r.items) : [],
      data.countView(ctx, dataset),
    ]);
    const dataSection = await loadDataSection(ctx, req.actor, distributions, dataState(query(req)));
    return sendPage(
      reply,
      datasetPage(v, {
        dataset,
        distributions,
        access,
        related,
        alsoUsed,
        editable: canEditOrgData(req.actor, dataset.publisher.id),
        data: dataSection,
      }),
    );
  });

  app.get('/themes', async (req, reply) => {
    const v = viewOf(ctx, req, reply);
    const result = await catalog.listDatasets(ctx, null, { pageSize: 1 });
    return sendPage(reply, themesPage(v, result.facets.theme));
  });

  app.get('/themes/:code', async (req, reply) => {
    const v = viewOf(ctx, req, reply);
    const { code } = req.params as { code: string };
    const term = (code.length <= 64 ? findTerm(themes, code) : undefined) as ThemeTerm | undefined;
    if (!term || term.code !== code) throw notFound('Theme', '主题');
    const state = listingState(query(req));
    delete state.filters.theme;
    const [result, names] = await Promise.all([
      publicListing(ctx, state, { theme: term.code }),
      orgNames(ctx, v),
    ]);
    return sendPage(
      reply,
      themePage(v, term, result, state, {
        action: `/themes/${term.code}`,
        fixed: ['theme'],
        orgNames: names,
      }),
    );
  });

  app.get('/organisations', async (req, reply) => {
    const v = viewOf(ctx, req, reply);
    return sendPage(reply, organisationsPage(v, await catalog.listOrganisations(ctx.db)));
  });

  app.get('/organisations/:code', async (req, reply) => {
    const v = viewOf(ctx, req, reply);
    const { code } = req.params as { code: string };
    if (!/^[0-9A-Z]{9,18}$/.test(code)) throw notFound('Organisation', '部门');
    const org = await catalog.getOrganisation(ctx.db, code);
    const state = listingState(query(req));
    delete state.filters.org;
    const [result, names] = await Promise.all([
      publicListing(ctx, state, { org: org.orgCode }),
      orgNames(ctx, v),
    ]);
    return sendPage(
      reply,
      organisationPage(v, org, result, state, {
        action: `/organisations/${org.orgCode}`,
        fixed: ['org'],
        orgNames: names,
      }),
    );
  });

  app.get('/about', async (req, reply) => sendPage(reply, aboutPage(viewOf(ctx, req, reply))));
}
