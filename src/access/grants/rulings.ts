import { Type } from '@sinclair/typebox';
import {
  DomainError,
  ReasonInputSchema,
  effectiveGrantStatus,
  invalidTransition,
  nextGrantStatus,
  notFound,
  type Actor,
  type GrantRulingRequest,
  type GrantStatus,
  type Page,
} from '../../core/index.ts';
import { sql, type Context, type Kdb } from '../../platform/index.ts';
import { appendAudit } from '../../identity/index.ts';
import { notify } from '../../identity/index.ts';
import { changeGrantStatus, grantPartiesOf, grantQuery, loadVisibleGrant, type GrantRow } from './grants.ts';
import { checkBody, iso, refuseAndAudit, requireWorkflowActor } from './support.ts';

/**
 * A grant the data authority ordered binds the providing department (seed 001 协调机制: the
 * authority settles what the departments could not). The provider may still ask the authority
 * to suspend or revoke it, with a reason; the authority accepts (and the grant changes in the
 * same transaction) or refuses, with a reason. Each step is audited on the grant and told.
 */

export const RulingRequestInputSchema = Type.Object(
  {
    action: Type.Union([Type.Literal('suspend'), Type.Literal('revoke')]),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);

const RULING_REQUEST = { zh: '裁定变更申请', en: 'Request for a ruling' };

type RulingRow = {
  id: string;
  grant_id: string;
  action: string;
  reason: string;
  requested_by: string;
  requested_at: Date;
  status: string;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
};

const toRuling = (r: RulingRow): GrantRulingRequest => ({
  id: r.id,
  grantId: r.grant_id,
  action: r.action as GrantRulingRequest['action'],
  reason: r.reason,
  requestedBy: r.requested_by,
  requestedAt: iso(r.requested_at)!,
  status: r.status as GrantRulingRequest['status'],
  decision: r.decided_at
    ? { at: iso(r.decided_at)!, by: r.decided_by!, reason: r.decision_reason ?? '' }
    : null,
});

const loadGrant = async (db: Kdb, id: string) =>
  (await grantQuery(db).where('g.id', '=', id).executeTakeFirst()) as GrantRow | undefined;

const datasetTitles = async (db: Kdb, grantId: string) =>
  (
    await db
      .selectFrom('access_grant_dataset as gd')
      .innerJoin('dataset as d', 'd.id', 'gd.dataset_id')
      .select('d.title')
      .where('gd.grant_id', '=', grantId)
      .execute()
  ).map((t) => t.title);

/** The providing department asks the authority to suspend or revoke a grant the authority ordered. */
export async function askForRuling(
  ctx: Context,
  actor: Actor | null,
  grantId: string,
  body: unknown,
): Promise<GrantRulingRequest> {
  const a = requireWorkflowActor(actor);
  const g = await loadGrant(ctx.db, grantId);
  if (!g) throw notFound('Grant', '数据授权');
  if (!grantPartiesOf(a, g).includes('provider'))
    return refuseAndAudit(ctx, a, 'grant.ruling_request', 'grant', grantId, {
      providerOrgId: g.provider_org_id,
    });
  const input = checkBody<{ action: 'suspend' | 'revoke'; reason: string }>(RulingRequestInputSchema, body, [
    'reason',
  ]);
  if (!g.ordered_by_authority)
    throw new DomainError('conflict', 'not_ordered_by_authority', {
      zh: '该授权不是数据主管部门裁定的，提供部门可以直接暂停或撤销',
      en: 'The data authority did not order this grant: the providing department may suspend or revoke it itself',
    });
  const now = ctx.clock.now();
  const shown = effectiveGrantStatus(g.status as GrantStatus, new Date(g.expires_at), now);
  if (!nextGrantStatus(shown, input.action))
    throw invalidTransition({ zh: '数据授权', en: 'Grant' }, shown, input.action);
  const reason = input.reason.trim();
  const row = await ctx.db.transaction().execute(async (trx) => {
    // One open request per grant and step: a second would only repeat the first.
    await trx.selectFrom('access_grant').select('id').where('id', '=', grantId).forUpdate().execute();
    const pending = await trx
      .selectFrom('grant_ruling_request')
      .select('id')
      .where('grant_id', '=', grantId)
      .where('action', '=', input.action)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (pending)
      throw new DomainError(
        'conflict',
        'already_requested',
        {
          zh: '已有一项同类申请等待数据主管部门处理',
          en: 'A request for the same step is already waiting for the data authority',
        },
        { id: pending.id },
      );
    const created = (await trx
      .insertInto('grant_ruling_request')
      .values({
        grant_id: grantId,
        action: input.action,
        reason,
        requested_by: a.userId,
        requested_at: now,
        status: 'pending',
      })
      .returningAll()
      .executeTakeFirstOrThrow()) as RulingRow;
    await appendAudit(trx, now, {
      actorId: a.userId,
      action: 'grant.ruling_request',
      entityType: 'grant',
      entityId: grantId,
      after: { rulingRequestId: created.id, action: input.action, reason },
    });
    await notify(
      trx,
      now,
      { authority: true },
      {
        kind: 'grant.ruling_requested',
        params: { datasets: await datasetTitles(trx, grantId), reason, step: input.action },
        entityType: 'grant',
        entityId: grantId,
      },
    );
    return created;
  });
  return toRuling(row);
}

/** Requests for a ruling: the authority sees all, a providing department those on its grants. */
export async function listRulingRequests(
  ctx: Context,
  actor: Actor | null,
  f: { grantId?: string; status?: GrantRulingRequest['status']; page?: number; pageSize?: number } = {},
): Promise<Page<GrantRulingRequest>> {
  const a = requireWorkflowActor(actor);
  // A grant the caller may not see is not found, whether or not it exists.
  if (f.grantId) await loadVisibleGrant(ctx, a, f.grantId);
  const page = Math.max(1, f.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, f.pageSize ?? 20));
  let q = ctx.db
    .selectFrom('grant_ruling_request as q')
    .innerJoin('access_grant as g', 'g.id', 'q.grant_id')
    .selectAll('q');
  if (a.role === 'department' && a.orgId) q = q.where('g.provider_org_id', '=', a.orgId);
  else if (a.role !== 'authority' && a.role !== 'sysadmin') q = q.where(sql<boolean>`false`);
  if (f.grantId) q = q.where('q.grant_id', '=', f.grantId);
  if (f.status) q = q.where('q.status', '=', f.status);
  const { total } = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = (await q
    .orderBy('q.requested_at', 'desc')
    .orderBy('q.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute()) as RulingRow[];
  return { items: rows.map(toRuling), total: Number(total), page, pageSize };
}

/**
 * The authority accepts (the grant is suspended or revoked in the same transaction) or refuses a
 * provider's request, with a reason; the providing department is told either way.
 */
export async function decideRulingRequest(
  ctx: Context,
  actor: Actor | null,
  id: string,
  decision: 'accept' | 'refuse',
  body: unknown,
): Promise<GrantRulingRequest> {
  const a = requireWorkflowActor(actor);
  const r = (await ctx.db
    .selectFrom('grant_ruling_request')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()) as RulingRow | undefined;
  const g = r && (await loadGrant(ctx.db, r.grant_id));
  if (!r || !g) throw notFound('Request for a ruling', '裁定变更申请');
  if (a.role !== 'authority')
    return refuseAndAudit(ctx, a, `grant.ruling_request.${decision}`, 'grant', g.id, {
      rulingRequestId: id,
    });
  if (r.status !== 'pending') throw invalidTransition(RULING_REQUEST, r.status, decision);
  const reason = checkBody<{ reason: string }>(ReasonInputSchema, body, ['reason']).reason.trim();
  const record = async (trx: Kdb, now: Date) => {
    const done = await trx
      .updateTable('grant_ruling_request')
      .set({
        status: decision === 'accept' ? 'accepted' : 'refused',
        decided_by: a.userId,
        decided_at: now,
        decision_reason: reason,
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (!Number(done.numUpdatedRows)) throw invalidTransition(RULING_REQUEST, 'decided', decision);
    await appendAudit(trx, now, {
      actorId: a.userId,
      action: `grant.ruling_request.${decision}`,
      entityType: 'grant',
      entityId: g.id,
      before: { status: 'pending' },
      after: { rulingRequestId: id, action: r.action, reason },
    });
    await notify(
      trx,
      now,
      { users: [r.requested_by], orgStaff: g.provider_org_id },
      {
        kind: decision === 'accept' ? 'grant.ruling_request_accepted' : 'grant.ruling_request_refused',
        params: { datasets: await datasetTitles(trx, g.id), reason, step: r.action },
        entityType: 'grant',
        entityId: g.id,
      },
    );
  };
  if (decision === 'accept')
    await changeGrantStatus(ctx, a, g.id, r.action as 'suspend' | 'revoke', { reason }, record);
  else await ctx.db.transaction().execute((trx) => record(trx, ctx.clock.now()));
  const after = await ctx.db
    .selectFrom('grant_ruling_request')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return toRuling(after as RulingRow);
}
