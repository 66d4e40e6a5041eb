import {
  DomainError,
  ReasonInputSchema,
  boundByRuling,
  effectiveGrantStatus,
  grantPartiesFor,
  invalidTransition,
  nextGrantStatus,
  notFound,
  shanghaiDate,
  type Actor,
  type Grant,
  type GrantAction,
  type GrantDataset,
  type GrantKind,
  type GrantStatus,
  type GrantCandidate,
  LIVE_GRANT_STATUS,
  type Page,
  type Party,
  type ReportInterval,
  type RowCondition,
} from '../../core/index.ts';
import { sql, type Context, type Kdb } from '../../platform/index.ts';
import { datasetTitlesOf } from '../titles.ts';
import { lockedStatus } from '../locks.ts';
import { appendAudit, revokeTokensOf } from '../../identity/index.ts';
import { notify } from '../../identity/index.ts';
import { checkBody, iso, refuseAndAudit, requireWorkflowActor, substantialReason } from './support.ts';

const GRANT = { zh: '数据授权', en: 'Grant' };

/** A grant as grantQuery reads it, with the names of its grantee and provider. */
type GrantRow = Awaited<ReturnType<ReturnType<typeof grantQuery>['executeTakeFirstOrThrow']>>;

function grantQuery(db: Kdb) {
  return db
    .selectFrom('access_grant as g')
    .innerJoin('organisation as p', 'p.id', 'g.provider_org_id')
    .leftJoin('app_user as u', 'u.id', 'g.user_id')
    .leftJoin('organisation as o', 'o.id', 'g.org_id')
    .select([
      'g.id',
      'g.request_id',
      'g.kind',
      'g.user_id',
      'g.org_id',
      'g.provider_org_id',
      'g.status',
      'g.issued_at',
      'g.expires_at',
      'g.report_every',
      'g.next_report_due',
      'g.status_reason',
      'g.status_changed_at',
      'u.name as grantee_user_name',
      'o.name as grantee_org_name',
      'p.name as provider_name',
      'g.ordered_by_authority',
    ]);
}

async function grantDatasets(db: Kdb, ids: string[]): Promise<Map<string, GrantDataset[]>> {
  const out = new Map<string, GrantDataset[]>();
  if (!ids.length) return out;
  const rows = await db
    .selectFrom('access_grant_dataset as gd')
    .innerJoin('dataset as d', 'd.id', 'gd.dataset_id')
    .select(['gd.grant_id', 'd.id', 'd.code', 'd.title', 'gd.fields', 'gd.row_filter'])
    .where('gd.grant_id', 'in', ids)
    .orderBy('d.code')
    .execute();
  for (const r of rows) {
    const list = out.get(r.grant_id) ?? [];
    list.push({
      id: r.id,
      code: r.code,
      title: r.title,
      fields: (r.fields as string[] | null) ?? null,
      rows: (r.row_filter as RowCondition[] | null) ?? null,
    });
    out.set(r.grant_id, list);
  }
  return out;
}

function toGrant(r: GrantRow, datasets: GrantDataset[], now: Date): Grant {
  return {
    id: r.id,
    requestId: r.request_id,
    kind: r.kind as GrantKind,
    status: effectiveGrantStatus(r.status as GrantStatus, new Date(r.expires_at), now),
    grantee: { userId: r.user_id, orgId: r.org_id, name: r.grantee_user_name ?? r.grantee_org_name ?? '' },
    provider: { id: r.provider_org_id, name: r.provider_name },
    datasets,
    issuedAt: iso(r.issued_at)!,
    expiresAt: iso(r.expires_at)!,
    reportEvery: (r.report_every as ReportInterval | null) ?? null,
    nextReportDue: r.next_report_due,
    statusReason: r.status_reason,
    statusChangedAt: iso(r.status_changed_at),
    orderedByAuthority: !!r.ordered_by_authority,
  };
}

/** The grantee: the person for an application, any staff member of the requesting department for a sharing request. */
export function isGrantee(actor: Actor, g: { user_id: string | null; org_id: string | null }): boolean {
  if (g.user_id) return g.user_id === actor.userId;
  return !actor.grantId && actor.role === 'department' && !!g.org_id && actor.orgId === g.org_id;
}

export function grantPartiesOf(
  actor: Actor,
  g: { user_id: string | null; org_id: string | null; provider_org_id: string },
): Party[] {
  const parties: Party[] = [];
  if (isGrantee(actor, g)) parties.push('requester');
  if (!actor.grantId && actor.role === 'department' && actor.orgId === g.provider_org_id)
    parties.push('provider');
  if (!actor.grantId && actor.role === 'authority') parties.push('authority');
  return parties;
}

/** A grant token sees its own grant only, whoever holds it. */
const canRead = (actor: Actor, g: GrantRow) =>
  actor.grantId ? actor.grantId === g.id : grantPartiesOf(actor, g).length > 0 || actor.role === 'sysadmin';

async function loadVisible(ctx: Context, actor: Actor, id: string): Promise<GrantRow> {
  const r = (await grantQuery(ctx.db).where('g.id', '=', id).executeTakeFirst()) as GrantRow | undefined;
  if (!r || !canRead(actor, r)) throw notFound('Grant', '数据授权');
  return r;
}

export async function getGrant(ctx: Context, actor: Actor, id: string): Promise<Grant> {
  const r = await loadVisible(ctx, actor, id);
  return toGrant(r, (await grantDatasets(ctx.db, [r.id])).get(r.id) ?? [], ctx.clock.now());
}

export interface GrantFilter {
  /** `mine`: granted to me or my department; `issued`: granted by my department; `all`: supervisors. */
  box?: 'mine' | 'issued' | 'all';
  status?: GrantStatus;
  page?: number;
  pageSize?: number;
}

export async function listGrants(ctx: Context, actor: Actor, f: GrantFilter = {}): Promise<Page<Grant>> {
  const page = Math.max(1, f.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, f.pageSize ?? 20));
  const supervisor = actor.role === 'authority' || actor.role === 'sysadmin';
  const box = f.box ?? (supervisor ? 'all' : actor.role === 'department' ? 'issued' : 'mine');
  const now = ctx.clock.now();
  let q = grantQuery(ctx.db);
  if (box === 'all' && !supervisor) q = q.where(sql<boolean>`false`);
  if (box === 'issued')
    q =
      actor.role === 'department' && actor.orgId
        ? q.where('g.provider_org_id', '=', actor.orgId)
        : q.where(sql<boolean>`false`);
  if (box === 'mine')
    q = q.where((eb) =>
      eb.or([
        eb('g.user_id', '=', actor.userId),
        ...(actor.role === 'department' && actor.orgId ? [eb('g.org_id', '=', actor.orgId)] : []),
      ]),
    );
  if (f.status === 'expired')
    q = q.where((eb) =>
      eb.or([
        eb('g.status', '=', 'expired'),
        eb.and([eb('g.status', 'in', ['active', 'suspended']), eb('g.expires_at', '<=', now)]),
      ]),
    );
  else if (f.status === 'active' || f.status === 'suspended')
    q = q.where('g.status', '=', f.status).where('g.expires_at', '>', now);
  else if (f.status) q = q.where('g.status', '=', f.status);
  const { total } = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = (await q
    .orderBy('g.issued_at', 'desc')
    .orderBy('g.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute()) as GrantRow[];
  const ds = await grantDatasets(
    ctx.db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => toGrant(r, ds.get(r.id) ?? [], now)),
    total: Number(total),
    page,
    pageSize,
  };
}

export interface GrantScope {
  datasetId: string;
  fields: string[] | null;
  rows: RowCondition[] | null;
}

/** Issues the grant an approval gives; runs inside the approving transaction. */
export async function issueGrant(
  trx: Kdb,
  now: Date,
  g: {
    requestId: string;
    kind: GrantKind;
    userId: string | null;
    orgId: string | null;
    providerOrgId: string;
    issuedBy: string;
    expiresAt: Date;
    reportEvery: ReportInterval | null;
    nextReportDue: string | null;
    scope: GrantScope[];
    /** Issued by the authority's ruling on an escalated sharing request. */
    orderedByAuthority?: boolean;
  },
): Promise<string> {
  const row = await trx
    .insertInto('access_grant')
    .values({
      request_id: g.requestId,
      kind: g.kind,
      user_id: g.userId,
      org_id: g.orgId,
      provider_org_id: g.providerOrgId,
      status: 'active',
      issued_at: now,
      issued_by: g.issuedBy,
      expires_at: g.expiresAt,
      report_every: g.reportEvery,
      next_report_due: g.nextReportDue,
      ordered_by_authority: !!g.orderedByAuthority,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('access_grant_dataset')
    .values(
      g.scope.map((s) => ({
        grant_id: row.id,
        dataset_id: s.datasetId,
        fields: JSON.stringify(s.fields),
        row_filter: JSON.stringify(s.rows),
      })),
    )
    .execute();
  return row.id;
}

const REQUEST_STATUS_AFTER: Partial<Record<GrantStatus, string>> = { revoked: 'revoked', expired: 'expired' };

/** Records a grant's new status, the matching request status, the audit event and the grantee's notice. */
async function recordGrantStatus(
  trx: Kdb,
  now: Date,
  actorId: string | null,
  g: GrantRow,
  to: GrantStatus,
  action: GrantAction,
  reason: string | null,
) {
  await trx
    .updateTable('access_grant')
    .set({ status: to, status_reason: reason, status_changed_at: now, status_changed_by: actorId })
    .where('id', '=', g.id)
    .execute();
  const requestStatus = REQUEST_STATUS_AFTER[to];
  if (requestStatus)
    await trx
      .updateTable('access_request')
      .set({ status: requestStatus, updated_at: now })
      .where('id', '=', g.request_id)
      .execute();
  await appendAudit(trx, now, {
    actorId,
    action: `grant.${action}`,
    entityType: 'grant',
    entityId: g.id,
    before: { status: g.status },
    after: { status: to, reason, requestId: g.request_id, ...(requestStatus && { requestStatus }) },
  });
  // Tokens made for this grant die with it for good; a suspension only refuses them (authenticateToken).
  if (to === 'revoked') await revokeTokensOf(trx, now, actorId, { grantId: g.id }, 'grant_revoked');
  const kind = (
    {
      suspend: 'grant.suspended',
      reinstate: 'grant.reinstated',
      revoke: 'grant.revoked',
      expire: 'grant.expired',
    } as const
  )[action];
  await notify(
    trx,
    now,
    { users: [g.user_id], orgStaff: g.user_id ? null : g.org_id },
    {
      kind,
      params: { datasets: await datasetTitlesOf(trx, 'grant', g.id), reason },
      entityType: 'grant',
      entityId: g.id,
    },
  );
}

/** The providing department tried to change a grant the authority ordered (403 `ordered_by_authority`). */
const orderedByAuthority = () =>
  new DomainError('forbidden', 'ordered_by_authority', {
    zh: '该授权由数据主管部门裁定，只有数据主管部门可以暂停、恢复或撤销；如需暂停或撤销，请向数据主管部门提出申请并说明理由',
    en: 'The data authority ordered this grant: only the authority may suspend, reinstate or revoke it. Ask the authority to, with a reason',
  });

/** Suspend, reinstate or revoke a grant; the body is `{reason}`. Only the providing department or the data authority. */
export async function changeGrantStatus(
  ctx: Context,
  actor: Actor | null,
  id: string,
  action: Exclude<GrantAction, 'expire'>,
  body: unknown,
  /** More to record in the same transaction (the authority granting a provider's request for a ruling). */
  also?: (trx: Kdb, now: Date) => Promise<void>,
): Promise<Grant> {
  const a = requireWorkflowActor(actor);
  const current = (await grantQuery(ctx.db).where('g.id', '=', id).executeTakeFirst()) as
    GrantRow | undefined;
  if (!current) throw notFound('Grant', '数据授权');
  const parties = grantPartiesOf(a, current);
  const facts = { orderedByAuthority: !!current.ordered_by_authority };
  const allowed = grantPartiesFor(action, facts);
  if (!parties.some((p) => allowed.includes(p)))
    return refuseAndAudit(
      ctx,
      a,
      `grant.${action}`,
      'grant',
      id,
      {
        providerOrgId: current.provider_org_id,
        ...(facts.orderedByAuthority && { orderedByAuthority: true }),
      },
      parties.includes('provider') && boundByRuling(action, facts) ? orderedByAuthority() : undefined,
    );
  const now = ctx.clock.now();
  const shown = effectiveGrantStatus(current.status as GrantStatus, new Date(current.expires_at), now);
  const to = nextGrantStatus(shown, action);
  if (!to) throw invalidTransition(GRANT, shown, action);
  // Suspending and revoking must say why in substance; reinstating only needs to say something.
  const reason =
    action === 'reinstate'
      ? checkBody<{ reason: string }>(ReasonInputSchema, body, ['reason']).reason.trim()
      : substantialReason(body);
  await ctx.db.transaction().execute(async (trx) => {
    const locked = await lockedStatus(trx, 'access_grant', id);
    if (locked !== current.status) throw invalidTransition(GRANT, locked, action);
    await recordGrantStatus(trx, now, a.userId, current, to, action, reason);
    await also?.(trx, now);
  });
  return getGrant(ctx, a, id);
}

/** Records the expiry of every grant past its end (the sweep run by `sendDeadlineReminders`). Access stops at expiry regardless. */
export async function expireGrants(ctx: Context): Promise<number> {
  const now = ctx.clock.now();
  const due = (await grantQuery(ctx.db)
    .where('g.status', 'in', ['active', 'suspended'])
    .where('g.expires_at', '<=', now)
    .execute()) as GrantRow[];
  for (const g of due) {
    await ctx.db.transaction().execute(async (trx) => {
      const locked = await lockedStatus(trx, 'access_grant', g.id);
      if (locked !== 'active' && locked !== 'suspended') return;
      await recordGrantStatus(trx, now, null, g, 'expired', 'expire', null);
    });
  }
  return due.length;
}

/**
 * The caller's grants on one dataset, newest first, for the tier policy (`dataAccess`) to weigh.
 * Only live, unexpired grants are loaded (the policy checks both again, and the dataset's tier).
 */
export async function findGrantCandidates(
  ctx: Context,
  actor: Actor,
  datasetId: string,
): Promise<GrantCandidate[]> {
  const now = ctx.clock.now();
  let q = ctx.db
    .selectFrom('access_grant as g')
    .innerJoin('access_grant_dataset as gd', 'gd.grant_id', 'g.id')
    .select(['g.id', 'g.kind', 'g.status', 'g.expires_at', 'gd.fields', 'gd.row_filter'])
    .where('gd.dataset_id', '=', datasetId)
    .where('g.status', '=', LIVE_GRANT_STATUS)
    .where('g.expires_at', '>', now)
    .where((eb) => {
      // The actor was read from the database with this request, so its department is current;
      // a grant token carries none, and its holder's department is looked up instead.
      const dept = actor.grantId
        ? eb
            .selectFrom('app_user')
            .select('org_id')
            .where('id', '=', actor.userId)
            .where('role', '=', 'department')
            .where('disabled_at', 'is', null)
        : actor.role === 'department' && actor.orgId
          ? eb.val(actor.orgId)
          : null;
      return dept
        ? eb.or([eb('g.user_id', '=', actor.userId), eb('g.org_id', '=', dept)])
        : eb('g.user_id', '=', actor.userId);
    });
  if (actor.grantId) q = q.where('g.id', '=', actor.grantId);
  const rows = await q.orderBy('g.issued_at', 'desc').execute();
  return rows.map((r) => ({
    grantId: r.id,
    kind: r.kind as GrantKind,
    status: r.status,
    expiresAt: new Date(r.expires_at),
    fields: (r.fields as string[] | null) ?? null,
    rows: (r.row_filter as RowCondition[] | null) ?? null,
  }));
}

export interface DataUse {
  datasetId: string;
  /** What was read: `rows`, `aggregate`, `query`, `download`, `preview`, `export`, … */
  action: string;
  userId?: string | null;
  /** Anything worth keeping: row count, format, query text (never the data itself). */
  detail?: unknown;
}

/** Logs one read of data made possible by a grant. The data plane calls it for detail beyond `resolveDataAccess`'s own entry. */
export async function logGrantUse(ctx: Context, grantId: string, what: DataUse): Promise<void> {
  await logDataUse(ctx, 'grant', grantId, what);
}

/** Logs one read of data made possible by a grant or by an unconditional share between departments. */
export async function logDataUse(
  ctx: Context,
  basis: 'grant' | 'share',
  grantId: string | null,
  what: DataUse,
): Promise<void> {
  await ctx.db
    .insertInto('data_access_log')
    .values({
      at: ctx.clock.now(),
      user_id: what.userId ?? null,
      dataset_id: what.datasetId,
      grant_id: grantId,
      basis,
      action: what.action.slice(0, 100),
      detail: JSON.stringify(what.detail ?? null),
    })
    .execute();
}

export interface DataUseEntry {
  at: string;
  userId: string | null;
  datasetId: string;
  action: string;
  detail: unknown;
}

/** The reads logged under one grant, newest first: for the grantee, the providing department and the authority. */
export async function listGrantUses(
  ctx: Context,
  actor: Actor,
  grantId: string,
  opts: { page?: number; pageSize?: number } = {},
): Promise<Page<DataUseEntry>> {
  await loadVisible(ctx, actor, grantId);
  const page = Math.max(1, opts.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, opts.pageSize ?? 20));
  const q = ctx.db.selectFrom('data_access_log').where('grant_id', '=', grantId);
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll()
    .orderBy('id', 'desc')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();
  return {
    items: rows.map((r) => ({
      at: iso(r.at)!,
      userId: r.user_id,
      datasetId: r.dataset_id,
      action: r.action,
      detail: r.detail ?? null,
    })),
    total: Number(total),
    page,
    pageSize,
  };
}

export { loadVisible as loadVisibleGrant, type GrantRow, toGrant, grantDatasets, grantQuery };

/** Today's date in Asia/Shanghai for report bookkeeping. */
export const today = (ctx: Context) => shanghaiDate(ctx.clock.now());
