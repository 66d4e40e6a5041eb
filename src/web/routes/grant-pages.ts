import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as catalog from '../../catalog/index.ts';
import * as identity from '../../identity/index.ts';
import * as access from '../../access/index.ts';
import { forbidden, shanghaiDate, type Actor, type Distribution, type Grant } from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { field, formBody, seeOther, sendPage } from '../respond.ts';
import { link, viewOf } from '../view.ts';
import { grantPage } from '../pages/grant-detail.ts';
import type { FormState } from '../pages/request-detail.ts';
import { grantsListPage } from '../pages/console-workflows.ts';
import { fieldTitlesOf } from '../pages/workflow-parts.ts';
import { supervises } from '../pages/workflow-nav.ts';
import { datasetsOf, flashOf, idParam, pageOf, query, refusedForm } from './workflow-support.ts';

const GRANT = { en: 'Grant', zh: '数据授权' };
const STATUS_STEPS = ['suspend', 'reinstate', 'revoke'] as const;

interface Place {
  path: string;
  shell: 'portal' | 'console';
  requestPath: (g: Grant) => string;
}

const PLACES: Place[] = [
  { path: '/my/grants', shell: 'portal', requestPath: (g) => `/my/applications/${g.requestId}` },
  {
    path: '/console/grants',
    shell: 'console',
    requestPath: (g) => `/console/${g.kind === 'open' ? 'applications' : 'sharing'}/${g.requestId}`,
  },
];

/** The grantee: the person an application's grant names, or any staff member of the department a share grant names. */
const holds = (a: Actor, g: Grant) =>
  g.grantee.userId
    ? g.grantee.userId === a.userId
    : a.role === 'department' && !!a.orgId && g.grantee.orgId === a.orgId;
const manages = (a: Actor, g: Grant) =>
  a.role === 'authority' || (a.role === 'department' && !!a.orgId && a.orgId === g.provider.id);
/** Who is offered suspend / reinstate / revoke: what the authority ordered is the authority's alone. */
const changes = (a: Actor, g: Grant) => manages(a, g) && (!g.orderedByAuthority || a.role === 'authority');

export function grantPageRoutes(app: FastifyInstance, ctx: Context): void {
  const render = async (
    req: FastifyRequest,
    reply: FastifyReply,
    place: Place,
    id: string,
    extra: { state?: FormState; token?: identity.IssuedToken } = {},
  ) => {
    const actor = identity.requireActor(req.actor);
    const grant = await access.getGrant(ctx, actor, id);
    const grantee = holds(actor, grant);
    const manager = manages(actor, grant);
    const ids = grant.datasets.map((d) => d.id);
    // Files are listed for the holder of a live grant only: the downloads are theirs to make.
    const files = grantee && grant.status === 'active';
    const [datasets, reports, uses, distributions] = await Promise.all([
      datasetsOf(ctx, actor, ids),
      access.listUsageReports(ctx, actor, id),
      manager || grantee ? access.listGrantUses(ctx, actor, id, { pageSize: 20 }) : null,
      files
        ? Promise.all(
            ids.map((d) => catalog.listDistributions(ctx, actor, d).catch(() => [] as Distribution[])),
          )
        : null,
    ]);
    const v = viewOf(ctx, req, reply);
    return sendPage(
      reply,
      grantPage(v, {
        grant,
        datasets,
        downloads: distributions ? new Map(ids.map((d, i) => [d, distributions[i]!])) : null,
        reports,
        uses,
        base: place.path,
        shell: place.shell,
        grantee,
        manager: changes(actor, grant),
        requestHref: place.requestPath(grant),
        today: shanghaiDate(ctx.clock.now()),
        token: extra.token,
        state: extra.state,
        flash: extra.state || extra.token ? undefined : flashOf(v, req),
      }),
      extra.state ? 400 : 200,
    );
  };

  const view = (req: FastifyRequest, reply: FastifyReply) => () => viewOf(ctx, req, reply);
  for (const place of PLACES) {
    app.get(`${place.path}/:id`, async (req, reply) => render(req, reply, place, idParam(req, GRANT)));

    for (const step of STATUS_STEPS)
      app.post(`${place.path}/:id/${step}`, async (req, reply) => {
        const actor = identity.requireActor(req.actor);
        const id = idParam(req, GRANT);
        try {
          // Only the providing department or the authority; anyone else is refused (403) and audited.
          await access.changeGrantStatus(ctx, actor, id, step, { reason: field(formBody(req), 'reason') });
          return seeOther(reply, `${place.path}/${id}?done=grant_${step}`);
        } catch (err) {
          const state = refusedForm(view(req, reply), err, step, formBody(req), () => `${step}-reason`);
          return render(req, reply, place, id, { state });
        }
      });

    app.post(`${place.path}/:id/tokens`, async (req, reply) => {
      const actor = identity.requireActor(req.actor);
      const id = idParam(req, GRANT);
      const b = formBody(req);
      try {
        const token = await access.createGrantToken(ctx, actor, id, { name: field(b, 'name') });
        // The secret is in this response only; a redirect would have to keep it somewhere.
        return render(req, reply, place, id, { token });
      } catch (err) {
        const state = refusedForm(view(req, reply), err, 'tokens', b, () => 'token-name');
        return render(req, reply, place, id, { state });
      }
    });

    app.post(`${place.path}/:id/reports`, async (req, reply) => {
      const actor = identity.requireActor(req.actor);
      const id = idParam(req, GRANT);
      const b = formBody(req);
      try {
        await access.fileUsageReport(ctx, actor, id, {
          periodStart: field(b, 'periodStart'),
          periodEnd: field(b, 'periodEnd'),
          usage: field(b, 'usage'),
          results: field(b, 'results'),
        });
        return seeOther(reply, `${place.path}/${id}?done=report`);
      } catch (err) {
        const state = refusedForm(
          view(req, reply),
          err,
          'reports',
          b,
          (f) => `report-${f.replace(/[.[].*$/, '')}`,
        );
        return render(req, reply, place, id, { state });
      }
    });
  }

  // The console's list: what my department issued, what it holds, or (the authority) everything.
  app.get('/console/grants', async (req, reply) => {
    const actor = identity.requireActor(req.actor);
    const staff = actor.role === 'department' && !!actor.orgId;
    if (!staff && !supervises(actor))
      throw forbidden(
        'Only department staff and the data authority manage grants',
        '只有部门用户和数据主管部门可以管理数据授权',
      );
    const views = staff ? (['issued', 'mine'] as const) : (['all'] as const);
    const asked = query(req).view;
    const box = views.find((x) => x === asked) ?? views[0];
    const list = await access.listGrants(ctx, actor, { box, page: pageOf(req), pageSize: 20 });
    const datasets = await datasetsOf(ctx, actor, [
      ...new Set(list.items.flatMap((g) => g.datasets.map((d) => d.id))),
    ]);
    const v = viewOf(ctx, req, reply);
    return sendPage(
      reply,
      grantsListPage(v, {
        list,
        titles: fieldTitlesOf(datasets),
        tabs: views.map((x) => ({
          href: link('/console/grants', { view: x === views[0] ? null : x }),
          label: v.t(`wf.grants.view.${x}`),
          current: x === box,
        })),
      }),
    );
  });
}
