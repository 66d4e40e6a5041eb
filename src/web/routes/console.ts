import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as catalog from '../../catalog/index.ts';
import * as access from '../../access/index.ts';
import * as identity from '../../identity/index.ts';
import {
  DomainError,
  datasetStatuses,
  forbidden,
  notFound,
  openTiers,
  type Actor,
  type DatasetAction,
  type DatasetStatus,
  type OpenTier,
  isUuid,
} from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { field, fieldErrorsOf, formBody, seeOther, sendPage, type FormBody } from '../respond.ts';
import { safeNext, viewOf, link, type View } from '../view.ts';
import { checkAnonymousForm, SESSION_COOKIE, sessionCookieOptions } from '../session-auth.ts';
import {
  emptyValues,
  errorMap,
  extraRowsOf,
  inputFromValues,
  valuesFromBody,
  valuesOf,
  type ErrorMap,
  type FormValues,
} from '../dataset-form.ts';
import { hasMessage } from '../i18n/index.ts';
import {
  authorityPage,
  consoleHome,
  datasetDetailPage,
  datasetFormPage,
  departmentPage,
  passwordPage,
  signInPage,
  type AuthorityRow,
  type DepartmentData,
  type Change,
} from '../pages/console.ts';

const ACTIONS: DatasetAction[] = ['submit', 'publish', 'withdraw', 'return_to_draft'];

/** Signed-in pages send anonymous visitors to the sign-in form and bring them back afterwards. */
function signedIn(req: FastifyRequest, reply: FastifyReply): Actor | null {
  if (req.actor) return req.actor;
  void seeOther(reply, link('/console/sign-in', { next: req.url }));
  return null;
}

const supervises = (a: Actor) => a.role === 'authority' || a.role === 'sysadmin' || a.role === 'reviewer';
const mayCreate = (a: Actor) => a.role === 'sysadmin' || (a.role === 'department' && Boolean(a.orgId));

function flashOf(v: View, req: FastifyRequest): string | undefined {
  const done = (req.query as Record<string, unknown>).done;
  const key = `flash.${String(done)}`;
  return typeof done === 'string' && hasMessage(key) ? v.t(key) : undefined;
}

function datasetId(req: FastifyRequest): string {
  const { id } = req.params as { id: string };
  if (!isUuid(id)) throw notFound('Dataset', '数据集');
  return id;
}

export function consoleRoutes(app: FastifyInstance, ctx: Context): void {
  // ---- sign-in, sign-out, password ---------------------------------------------------------

  app.get('/console/sign-in', async (req, reply) => {
    const next = safeNext((req.query as Record<string, unknown>).next);
    if (req.actor) return seeOther(reply, next);
    return sendPage(reply, signInPage(viewOf(ctx, req, reply), { next }));
  });

  app.post('/console/sign-in', async (req, reply) => {
    const body = formBody(req);
    const next = safeNext(field(body, 'next'));
    if (req.webSession) return seeOther(reply, next);
    checkAnonymousForm(req, field(body, '_csrf'));
    const email = field(body, 'email').trim();
    let issued;
    try {
      issued = await identity.signIn(
        ctx,
        email,
        field(body, 'password'),
        req.ip,
        field(body, 'code') || null,
      );
    } catch (err) {
      if (err instanceof DomainError && err.code === 'second_factor_required') {
        const v = viewOf(ctx, req, reply);
        return sendPage(
          reply,
          signInPage(v, { next, email: email.slice(0, 200), refused: err.label[v.lang], needCode: true }),
          401,
        );
      }
      if (!(err instanceof DomainError) || err.kind !== 'too_many') throw err;
      const { retryAfterSeconds } = err.details as { retryAfterSeconds: number };
      reply.header('retry-after', String(retryAfterSeconds));
      const v = viewOf(ctx, req, reply);
      return sendPage(
        reply,
        signInPage(v, { next, email: email.slice(0, 200), refused: err.label[v.lang] }),
        429,
      );
    }
    if (!issued)
      return sendPage(
        reply,
        signInPage(viewOf(ctx, req, reply), { next, email: email.slice(0, 200), failed: true }),
        401,
      );
    reply.setCookie(SESSION_COOKIE, issued.token, sessionCookieOptions(ctx));
    return seeOther(reply, next);
  });

  app.post('/console/sign-out', async (req, reply) => {
    if (req.webSession) await identity.revokeSession(ctx, req.webSession.id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return seeOther(reply, '/');
  });

  /** Staff see their two-step verification state on the password page; others do not have it. */
  const twoFactorOf = (actor: Actor) =>
    identity.TWO_FACTOR_ROLES.includes(actor.role) ? identity.twoFactorState(ctx, actor) : null;

  app.get('/console/password', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const v = viewOf(ctx, req, reply);
    const done = (req.query as Record<string, unknown>).done;
    return sendPage(
      reply,
      passwordPage(v, {
        errors: new Map(),
        done: done === '1',
        flash:
          done === '2fa-on' || done === '2fa-off'
            ? v.t(`twofactor.done.${done.slice(4) as 'on' | 'off'}`)
            : undefined,
        twoFactor: await twoFactorOf(actor),
      }),
    );
  });

  app.post('/console/two-factor', async (req, reply) => {
    const actor = identity.requireActor(req.actor);
    const body = formBody(req);
    const action = field(body, 'action');
    const v = viewOf(ctx, req, reply);
    try {
      if (action === 'start') await identity.startTwoFactor(ctx, actor);
      else if (action === 'on' || action === 'off') {
        await identity.setTwoFactor(ctx, actor, action, field(body, 'code'));
        return seeOther(reply, `/console/password?done=2fa-${action}`);
      }
      return seeOther(reply, '/console/password#two-factor');
    } catch (err) {
      const fields = fieldErrorsOf(err);
      if (!fields) throw err;
      const [error] = errorMap(v, fields).values();
      return sendPage(
        reply,
        passwordPage(v, { errors: new Map(), twoFactor: await twoFactorOf(actor), twoFactorError: error }),
        400,
      );
    }
  });

  app.post('/console/password', async (req, reply) => {
    const actor = identity.requireActor(req.actor);
    const body = formBody(req);
    const v = viewOf(ctx, req, reply);
    const next = field(body, 'newPassword');
    const errors: ErrorMap = new Map();
    if (next !== field(body, 'confirmPassword')) errors.set('confirmPassword', v.t('password.mismatch'));
    if (!errors.size) {
      try {
        await identity.changePassword(ctx, actor, field(body, 'currentPassword'), next);
        // Whoever else knew the old password is signed out everywhere; this browser stays in.
        await identity.revokeOtherSessions(ctx, actor.userId, req.webSession?.id ?? null);
        return seeOther(reply, '/console/password?done=1');
      } catch (err) {
        const fields = fieldErrorsOf(err);
        if (!fields) throw err;
        for (const [id, msg] of errorMap(v, fields)) errors.set(id, msg);
      }
    }
    return sendPage(reply, passwordPage(v, { errors, twoFactor: await twoFactorOf(actor) }), 400);
  });

  // ---- home: my department, or the supervisor's start page -----------------------------------

  app.get('/console', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const v = viewOf(ctx, req, reply);
    if (actor.role !== 'department' || !actor.orgId) {
      // The data authority keeps the holiday calendar: its start page says when a year is missing.
      const calendar =
        actor.role === 'authority' || actor.role === 'sysadmin' ? await access.calendarStatus(ctx) : null;
      return sendPage(reply, consoleHome(v, calendar));
    }
    const organisation = await catalog.getOrganisation(ctx.db, actor.orgId);
    const lists = await Promise.all(
      datasetStatuses.map((status) =>
        catalog.listDatasets(ctx, actor, { org: organisation.id, status, sort: 'modified', pageSize: 100 }),
      ),
    );
    const byStatus = Object.fromEntries(
      datasetStatuses.map((s, i) => [s, { items: lists[i]!.items, total: lists[i]!.total }]),
    ) as DepartmentData['byStatus'];
    return sendPage(reply, departmentPage(v, { organisation, byStatus }, flashOf(v, req)));
  });

  // ---- create and edit -------------------------------------------------------------------------

  const organisationsFor = async (actor: Actor) =>
    actor.role === 'sysadmin' ? await catalog.listOrganisations(ctx.db) : null;

  const renderForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    o: { values: FormValues; errors: ErrorMap; extraRows: number; datasetRef?: string },
    status = 200,
  ) => {
    const v = viewOf(ctx, req, reply);
    const actor = req.actor!;
    const dataset = o.datasetRef ? await catalog.getDataset(ctx, actor, o.datasetRef) : undefined;
    return sendPage(
      reply,
      datasetFormPage(v, {
        title: dataset ? v.t('form.editTitle') : v.t('form.newTitle'),
        dataset,
        values: o.values,
        errors: o.errors,
        extraRows: o.extraRows,
        action: dataset ? `/console/datasets/${dataset.id}/edit` : '/console/datasets',
        submitLabel: dataset ? v.t('form.saveChanges') : v.t('form.saveDraft'),
        cancelHref: dataset ? `/console/datasets/${dataset.id}` : '/console',
        organisations: await organisationsFor(actor),
      }),
      status,
    );
  };

  app.get('/console/datasets/new', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    if (!mayCreate(actor))
      throw forbidden('Only department users can create datasets', '只有部门用户可以新建数据集');
    return renderForm(req, reply, {
      values: emptyValues(actor.orgId ?? ''),
      errors: new Map(),
      extraRows: 0,
    });
  });

  /** A department always writes as itself; only a sysadmin picks the publisher. */
  const postedValues = (actor: Actor, body: ReturnType<typeof formBody>, fallbackOrg: string): FormValues => {
    const values = valuesFromBody(body, fallbackOrg);
    if (actor.role !== 'sysadmin') values.orgId = fallbackOrg;
    return values;
  };

  /**
   * The dataset form sent (new or edited): more rows asked for, or saved and on to where `save`
   * says, or shown again with what to fix.
   */
  const sendForm = async (
    req: FastifyRequest,
    reply: FastifyReply,
    body: FormBody,
    values: FormValues,
    datasetRef: string | undefined,
    save: () => Promise<string>,
  ) => {
    const form = { values, extraRows: extraRowsOf(body), ...(datasetRef && { datasetRef }) };
    if (field(body, '_action') === 'add_rows') return renderForm(req, reply, { ...form, errors: new Map() });
    try {
      return seeOther(reply, await save());
    } catch (err) {
      const fields = fieldErrorsOf(err);
      if (!fields) throw err;
      return renderForm(req, reply, { ...form, errors: errorMap(viewOf(ctx, req, reply), fields) }, 400);
    }
  };

  app.post('/console/datasets', async (req, reply) => {
    const actor = identity.requireActor(req.actor);
    if (!mayCreate(actor))
      throw forbidden('Only department users can create datasets', '只有部门用户可以新建数据集');
    const body = formBody(req);
    const values = postedValues(actor, body, actor.orgId ?? '');
    return sendForm(req, reply, body, values, undefined, async () => {
      const created = await catalog.createDataset(ctx, actor, inputFromValues(values));
      return `/console/datasets/${created.id}?done=created`;
    });
  });

  app.get('/console/datasets/:id', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const id = datasetId(req);
    const dataset = await catalog.getDataset(ctx, actor, id);
    const versions = await catalog.listVersions(ctx, actor, id);
    const changes = new Map<number, Change[]>();
    versions.forEach((ver, i) => {
      const previous = versions[i + 1];
      if (previous) changes.set(ver.number, catalog.diffDatasets(previous.snapshot, ver.snapshot));
    });
    const pending = versions[0] ? catalog.diffDatasets(versions[0].snapshot, dataset) : null;
    const v = viewOf(ctx, req, reply);
    return sendPage(
      reply,
      datasetDetailPage(
        v,
        {
          dataset,
          versions,
          changes,
          pending,
          editable: identity.canEditOrgData(actor, dataset.publisher.id),
        },
        flashOf(v, req),
      ),
    );
  });

  app.get('/console/datasets/:id/edit', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const dataset = await catalog.getDataset(ctx, actor, datasetId(req));
    if (!identity.canEditOrgData(actor, dataset.publisher.id))
      throw forbidden("You can only manage your own organisation's datasets", '只能管理本部门的数据集');
    return renderForm(req, reply, {
      values: valuesOf(dataset),
      errors: new Map(),
      extraRows: 0,
      datasetRef: dataset.id,
    });
  });

  app.post('/console/datasets/:id/edit', async (req, reply) => {
    const actor = identity.requireActor(req.actor);
    const current = await catalog.getDataset(ctx, actor, datasetId(req));
    const body = formBody(req);
    const values = postedValues(actor, body, current.publisher.id);
    return sendForm(req, reply, body, values, current.id, async () => {
      await catalog.updateDataset(ctx, actor, current.id, inputFromValues(values));
      return `/console/datasets/${current.id}?done=updated`;
    });
  });

  app.post('/console/datasets/:id/:action', async (req, reply) => {
    const actor = identity.requireActor(req.actor);
    const action = (req.params as { action: string }).action as DatasetAction;
    if (!ACTIONS.includes(action)) throw notFound('Action', '操作');
    const d = await catalog.transitionDataset(ctx, actor, datasetId(req), action);
    return seeOther(reply, `/console/datasets/${d.id}?done=${action}`);
  });

  // ---- data authority ------------------------------------------------------------------------

  app.get('/console/authority', async (req, reply) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    if (!supervises(actor))
      throw forbidden('Only the data authority can see every department', '仅数据主管部门可以查看全部部门');
    // Facet counts by organisation, one query per status and per tier: the catalogue applies the
    // actor's visibility, so the figures are exactly what this supervisor may see.
    const tiers = openTiers.terms.map((term) => term.code as OpenTier);
    const [orgs, all, ...split] = await Promise.all([
      catalog.listOrganisations(ctx.db),
      catalog.listDatasets(ctx, actor, { pageSize: 1 }),
      ...datasetStatuses.map((status) => catalog.listDatasets(ctx, actor, { status, pageSize: 1 })),
      ...tiers.map((openTier) => catalog.listDatasets(ctx, actor, { openTier, pageSize: 1 })),
    ]);
    const countIn = (facets: { org: { value: string; count: number }[] }, orgCode: string) =>
      facets.org.find((f) => f.value === orgCode)?.count ?? 0;
    const rows: AuthorityRow[] = orgs.map((organisation) => ({
      organisation,
      status: Object.fromEntries(
        datasetStatuses.map((s, i) => [s, countIn(split[i]!.facets, organisation.orgCode)]),
      ) as Record<DatasetStatus, number>,
      tier: Object.fromEntries(
        tiers.map((tier, i) => [
          tier,
          countIn(split[datasetStatuses.length + i]!.facets, organisation.orgCode),
        ]),
      ) as Record<OpenTier, number>,
      total: countIn(all.facets, organisation.orgCode),
    }));
    rows.sort((a, b) => b.total - a.total || a.organisation.name.localeCompare(b.organisation.name, 'zh-CN'));
    return sendPage(reply, authorityPage(viewOf(ctx, req, reply), rows));
  });
}
