import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as catalog from '../../catalog/index.ts';
import * as identity from '../../identity/index.ts';
import * as access from '../../access/index.ts';
import {
  DomainError,
  forbidden,
  notFound,
  type Actor,
  type Dataset,
  type RequestKind,
  type RequestStatus,
} from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import type { ErrorMap } from '../dataset-form.ts';
import { html } from '../html.ts';
import { fieldErrorsOf, formBody, seeOther, sendPage } from '../respond.ts';
import { link, viewOf, type View } from '../view.ts';
import {
  oversightPage,
  requestListPage,
  sharingChooserPage,
  sharingFormPage,
  type RequestListData,
  type SharingValues,
} from '../pages/console-workflows.ts';
import { isStaff, supervises } from '../pages/workflow-nav.ts';
import {
  emptyRequestTerms,
  flashOf,
  listOf,
  pageOf,
  pendingRequests,
  query,
  requestInputId,
  requestTermsFrom,
  requestTermsInput,
  workflowErrors,
} from './workflow-support.ts';

/** Statuses in which a request waits for someone: the department, the requester, or the authority. */
const WAITING: Record<RequestKind, RequestStatus[]> = {
  application: ['submitted', 'returned_for_info'],
  sharing: ['submitted', 'returned_for_info', 'escalated'],
};

function requireDeskUser(actor: Actor): void {
  if (!isStaff(actor) && !supervises(actor))
    throw forbidden(
      'Only department staff and the data authority handle applications and sharing requests',
      '只有部门用户和数据主管部门可以办理申请和共享申请',
    );
}

type ViewName = 'pending' | 'all' | 'mine' | 'escalated';

/** One tab of an inbox: which requests, and how to fetch them. */
interface Tab {
  view: ViewName;
  box: access.RequestFilter['box'];
  statuses?: RequestStatus[];
}

async function listing(
  ctx: Context,
  req: FastifyRequest,
  reply: FastifyReply,
  kind: RequestKind,
  tabs: Tab[],
  o: Pick<RequestListData, 'tab' | 'title' | 'lead' | 'hrefBase' | 'before'> & { provider: boolean },
) {
  const actor = req.actor!;
  const v = viewOf(ctx, req, reply);
  const asked = query(req).view;
  const tab = tabs.find((x) => x.view === asked) ?? tabs[0]!;
  const base = o.hrefBase;
  const data: RequestListData = {
    ...o,
    requester: tab.view !== 'mine',
    provider: o.provider || tab.view === 'mine',
    tabs: tabs.map((x) => ({
      href: link(base, { view: x === tabs[0] ? null : x.view }),
      label: v.t(`wf.view.${x.view}`),
      current: x === tab,
    })),
    flash: flashOf(v, req),
  };
  if (tab.statuses) data.pending = await pendingRequests(ctx, actor, kind, tab.box, tab.statuses);
  else data.list = await listOf(kind)(ctx, actor, { box: tab.box, page: pageOf(req), pageSize: 20 });
  return sendPage(reply, requestListPage(v, data));
}

export function consoleWorkflowRoutes(app: FastifyInstance, ctx: Context): void {
  // ---- applications for conditional data addressed to my department ---------------------------

  app.get('/console/applications', async (req, reply) => {
    const actor = identity.requireActor(req.actor);
    requireDeskUser(actor);
    const box = supervises(actor) ? 'all' : 'inbox';
    const v = viewOf(ctx, req, reply);
    return listing(
      ctx,
      req,
      reply,
      'application',
      [
        { view: 'pending', box, statuses: WAITING.application },
        { view: 'all', box },
      ],
      {
        tab: 'applications',
        title: v.t('wf.inbox.title'),
        lead: supervises(actor) ? v.t('wf.inbox.leadAll') : v.t('wf.inbox.lead'),
        hrefBase: '/console/applications',
        provider: supervises(actor),
      },
    );
  });

  // ---- sharing between departments -------------------------------------------------------------

  app.get('/console/sharing', async (req, reply) => {
    const actor = identity.requireActor(req.actor);
    requireDeskUser(actor);
    const v = viewOf(ctx, req, reply);
    const tabs: Tab[] = supervises(actor)
      ? [
          { view: 'escalated', box: 'all', statuses: ['escalated'] },
          { view: 'pending', box: 'all', statuses: WAITING.sharing },
          { view: 'all', box: 'all' },
        ]
      : [
          { view: 'pending', box: 'inbox', statuses: WAITING.sharing },
          { view: 'mine', box: 'mine' },
          { view: 'all', box: 'inbox' },
        ];
    return listing(ctx, req, reply, 'sharing', tabs, {
      tab: 'sharing',
      title: v.t('wf.sharing.title'),
      lead: supervises(actor) ? v.t('wf.sharing.leadAll') : v.t('wf.sharing.lead'),
      hrefBase: '/console/sharing',
      provider: supervises(actor),
      before: isStaff(actor) ? sharingNewLink(v) : undefined,
    });
  });

  const showSharingForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    dataset: Dataset,
    values: SharingValues | null,
    errors: ErrorMap,
    formError?: string,
    status = 200,
  ) => {
    const actor = req.actor!;
    const v = viewOf(ctx, req, reply);
    const prefill = await access.sharingPrefill(ctx, actor, [dataset.id]);
    const target = prefill.datasets[0];
    return sendPage(
      reply,
      sharingFormPage(v, {
        dataset,
        prefill,
        values: values ?? emptyRequestTerms(),
        errors,
        refused: target?.problem?.message[v.lang],
        formError,
      }),
      target?.problem ? 403 : status,
    );
  };

  /** The dataset a sharing request is about: published, by id, code or slug; anything else is not found. */
  const sharingTarget = async (actor: Actor, req: FastifyRequest): Promise<Dataset> => {
    const ref = query(req).dataset;
    if (typeof ref !== 'string' || !ref || ref.length > 200) throw notFound('Dataset', '数据集');
    const d = await catalog.getDataset(ctx, actor, ref);
    if (d.status !== 'published') throw notFound('Dataset', '数据集');
    return d;
  };

  app.get('/console/sharing/new', async (req, reply) => {
    const actor = identity.requireActor(req.actor);
    if (!isStaff(actor))
      throw forbidden(
        'Only department staff request other departments’ data',
        '只有部门用户可以提出共享申请',
      );
    const ref = query(req).dataset;
    if (ref !== undefined)
      return showSharingForm(req, reply, await sharingTarget(actor, req), null, new Map());
    const q = typeof query(req).q === 'string' ? (query(req).q as string).trim().slice(0, 200) : '';
    const list = await catalog.listDatasets(ctx, actor, {
      shareTier: 'conditional',
      ...(q && { q }),
      page: pageOf(req),
      pageSize: 20,
    });
    return sendPage(reply, sharingChooserPage(viewOf(ctx, req, reply), { list, q, ownOrgId: actor.orgId }));
  });

  app.post('/console/sharing/new', async (req, reply) => {
    const actor = identity.requireActor(req.actor);
    const dataset = await sharingTarget(actor, req);
    const b = formBody(req);
    const values = requestTermsFrom(b);
    const v = viewOf(ctx, req, reply);
    try {
      const result = await access.submitSharingRequest(ctx, actor, requestTermsInput(dataset.id, values, b));
      return seeOther(reply, `/console/sharing/${result.items[0]!.id}?done=submitted`);
    } catch (err) {
      const fields = fieldErrorsOf(err);
      if (fields)
        return showSharingForm(
          req,
          reply,
          dataset,
          values,
          workflowErrors(v, fields, requestInputId),
          undefined,
          400,
        );
      if (err instanceof DomainError && err.kind === 'conflict')
        return showSharingForm(req, reply, dataset, values, new Map(), err.label[v.lang], 409);
      throw err;
    }
  });

  // ---- the data authority: overdue items per department, escalated sharing requests -----------

  app.get('/console/oversight', async (req, reply) => {
    const actor = identity.requireActor(req.actor);
    if (!supervises(actor))
      throw forbidden(
        'Only the data authority oversees every department',
        '仅数据主管部门可以查看全部部门的逾期事项',
      );
    const [overdue, escalated] = await Promise.all([
      access.listOverdue(ctx, actor),
      pendingRequests(ctx, actor, 'sharing', 'all', ['escalated']),
    ]);
    return sendPage(
      reply,
      oversightPage(viewOf(ctx, req, reply), { ...overdue, escalated: escalated.items }),
    );
  });
}

function sharingNewLink(v: View) {
  return html`<p><a class="button primary" href="/console/sharing/new">${v.t('wf.sharing.newTitle')}</a></p>`;
}
