import type { Selectable } from 'kysely';
import {
  availableActions,
  clockRuns,
  negotiationStage,
  notFound,
  openRequestStatuses,
  shanghaiDate,
  type AccessRequest,
  type DayUnit,
  type Actor,
  type Applicant,
  type Label,
  type Page,
  type Party,
  type RequestDataset,
  type RequestFacts,
  type RequestKind,
  type RequestStatus,
} from '../../core/index.ts';
import { sql, type Context, type Kdb, type Schema } from '../../platform/index.ts';
import { iso } from '../grants/index.ts';

/**
 * Applications for conditional data and sharing requests are one record with a `kind`: they
 * share the state machine of design §7, the deadline clock and the decisions. What differs
 * (who may ask, for which tier, escalation) lives in `submit.ts` and in `sharing/`.
 */

export const KIND_LABEL: Record<RequestKind, Label> = {
  application: { zh: '有条件开放申请', en: 'Application' },
  sharing: { zh: '共享申请', en: 'Sharing request' },
};

export type RequestRow = Selectable<Schema['access_request']> & {
  requester_name: string;
  requester_org_name: string | null;
  provider_name: string;
  grant_id: string | null;
  negotiation_opened_at: Date | null;
  negotiation_due_at: Date | null;
  negotiation_ended_at: Date | null;
};

export function requestQuery(db: Kdb) {
  return db
    .selectFrom('access_request as r')
    .innerJoin('app_user as ru', 'ru.id', 'r.requester_id')
    .innerJoin('organisation as p', 'p.id', 'r.provider_org_id')
    .leftJoin('organisation as ro', 'ro.id', 'r.requester_org_id')
    .leftJoin('access_grant as g', 'g.request_id', 'r.id')
    .leftJoin('sharing_negotiation as n', 'n.request_id', 'r.id')
    .selectAll('r')
    .select([
      'ru.name as requester_name',
      'ro.name as requester_org_name',
      'p.name as provider_name',
      'g.id as grant_id',
      'n.opened_at as negotiation_opened_at',
      'n.due_at as negotiation_due_at',
      'n.ended_at as negotiation_ended_at',
    ]);
}

/**
 * The parts a caller plays in a request. The requester of an application is the person; of a
 * sharing request, the requesting department (any of its staff). A grant token plays no part.
 */
export function requestPartiesOf(
  actor: Actor,
  r: Pick<RequestRow, 'kind' | 'requester_id' | 'requester_org_id' | 'provider_org_id'>,
): Party[] {
  if (actor.grantId) return [];
  const parties: Party[] = [];
  const staffOf = (orgId: string | null) => actor.role === 'department' && !!orgId && actor.orgId === orgId;
  if (r.kind === 'application' ? actor.userId === r.requester_id : staffOf(r.requester_org_id))
    parties.push('requester');
  if (staffOf(r.provider_org_id)) parties.push('provider');
  if (actor.role === 'authority') parties.push('authority');
  return parties;
}

export const canReadRequest = (actor: Actor, r: RequestRow) =>
  requestPartiesOf(actor, r).length > 0 || (actor.role === 'sysadmin' && !actor.grantId);

export function requestFacts(
  r: Pick<RequestRow, 'status' | 'due_at' | 'final' | 'negotiation_due_at' | 'negotiation_ended_at'>,
  now: Date,
): RequestFacts {
  return { overdue: isOverdue(r, now), final: !!r.final, negotiation: negotiationOf(r, now) };
}

const negotiationOf = (r: Pick<RequestRow, 'negotiation_due_at' | 'negotiation_ended_at'>, now: Date) =>
  negotiationStage(
    r.negotiation_due_at ? { dueAt: r.negotiation_due_at, endedAt: r.negotiation_ended_at } : null,
    now,
  );

export const isOverdue = (r: Pick<RequestRow, 'status' | 'due_at'>, now: Date) =>
  clockRuns(r.status as RequestStatus) && !!r.due_at && new Date(r.due_at).getTime() < now.getTime();

export async function requestDatasets(db: Kdb, ids: string[]): Promise<Map<string, RequestDataset[]>> {
  const out = new Map<string, RequestDataset[]>();
  if (!ids.length) return out;
  const rows = await db
    .selectFrom('access_request_dataset as rd')
    .innerJoin('dataset as d', 'd.id', 'rd.dataset_id')
    .select(['rd.request_id', 'd.id', 'd.code', 'd.title', 'rd.fields'])
    .where('rd.request_id', 'in', ids)
    .orderBy('d.code')
    .execute();
  for (const r of rows) {
    const list = out.get(r.request_id) ?? [];
    list.push({ id: r.id, code: r.code, title: r.title, fields: (r.fields as string[] | null) ?? null });
    out.set(r.request_id, list);
  }
  return out;
}

export function toRequest(
  r: RequestRow,
  datasets: RequestDataset[],
  viewer: Actor,
  now: Date,
): AccessRequest {
  const status = r.status as RequestStatus;
  const kind = r.kind as RequestKind;
  const dueAt = iso(r.due_at);
  return {
    id: r.id,
    kind,
    batchId: r.batch_id,
    status,
    requester: {
      id: r.requester_id,
      name: r.requester_name,
      orgId: r.requester_org_id,
      orgName: r.requester_org_name,
    },
    provider: { id: r.provider_org_id, name: r.provider_name },
    datasets,
    purpose: r.purpose,
    scenario: r.scenario,
    period: { start: r.period_start, end: r.period_end },
    applicant: r.applicant as unknown as Applicant,
    commitment: { version: r.commitment_version, acceptedAt: iso(r.commitment_accepted_at)! },
    deadline: {
      days: r.deadline_days,
      unit: r.deadline_unit as DayUnit,
      submittedAt: iso(r.submitted_at)!,
      dueAt,
      dueDate: r.due_at ? shanghaiDate(new Date(r.due_at)) : null,
      provisional: !!r.due_at && r.due_provisional,
      paused: status === 'returned_for_info',
      remainingDays: status === 'returned_for_info' ? r.remaining_days : null,
      overdue: isOverdue(r, now),
    },
    infoRequest: r.info_request,
    infoResponse: r.info_response,
    decision: r.decided_at ? { at: iso(r.decided_at)!, by: r.decided_by, reason: r.decision_reason } : null,
    escalation: r.escalated_at ? { at: iso(r.escalated_at)!, reason: r.escalation_reason } : null,
    final: !!r.final,
    negotiation:
      r.negotiation_opened_at && r.negotiation_due_at
        ? {
            stage: negotiationOf(r, now),
            openedAt: iso(r.negotiation_opened_at)!,
            dueAt: iso(r.negotiation_due_at)!,
            dueDate: shanghaiDate(new Date(r.negotiation_due_at)),
          }
        : null,
    grantId: r.grant_id,
    actions: availableActions(kind, status, requestPartiesOf(viewer, r), requestFacts(r, now)).filter(
      (a) => a !== 'expire',
    ),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/** Loads a request of the given kind regardless of who asks (decisions check parties themselves). */
export async function loadRequest(db: Kdb, kind: RequestKind, id: string): Promise<RequestRow | undefined> {
  return (await requestQuery(db).where('r.id', '=', id).where('r.kind', '=', kind).executeTakeFirst()) as
    RequestRow | undefined;
}

export async function getRequest(
  ctx: Context,
  actor: Actor,
  kind: RequestKind,
  id: string,
): Promise<AccessRequest> {
  const r = await loadRequest(ctx.db, kind, id);
  if (!r || !canReadRequest(actor, r)) throw notFound(KIND_LABEL[kind].en, KIND_LABEL[kind].zh);
  return toRequest(r, (await requestDatasets(ctx.db, [r.id])).get(r.id) ?? [], actor, ctx.clock.now());
}

export interface RequestFilter {
  /** `mine`: asked by me (or, for sharing, my department); `inbox`: to my department; `all`: supervisors. */
  box?: 'mine' | 'inbox' | 'all';
  status?: RequestStatus;
  /** Only requests past their deadline. */
  overdue?: boolean;
  /** Only requests naming this dataset (id). */
  dataset?: string;
  page?: number;
  pageSize?: number;
}

export async function listRequests(
  ctx: Context,
  actor: Actor,
  kind: RequestKind,
  f: RequestFilter = {},
): Promise<Page<AccessRequest>> {
  const page = Math.max(1, f.page ?? 1);
  const pageSize = Math.min(100, Math.max(1, f.pageSize ?? 20));
  const supervisor = !actor.grantId && (actor.role === 'authority' || actor.role === 'sysadmin');
  const staff = !actor.grantId && actor.role === 'department' && !!actor.orgId;
  const box = f.box ?? (supervisor ? 'all' : staff ? 'inbox' : 'mine');
  const now = ctx.clock.now();
  let q = requestQuery(ctx.db).where('r.kind', '=', kind);
  if (actor.grantId || (box === 'all' && !supervisor) || (box === 'inbox' && !staff))
    q = q.where(sql<boolean>`false`);
  if (box === 'inbox' && staff) q = q.where('r.provider_org_id', '=', actor.orgId!);
  if (box === 'mine')
    q =
      kind === 'application'
        ? q.where('r.requester_id', '=', actor.userId)
        : staff
          ? q.where('r.requester_org_id', '=', actor.orgId!)
          : q.where(sql<boolean>`false`);
  if (f.status) q = q.where('r.status', '=', f.status);
  if (f.overdue) q = q.where('r.status', 'in', ['submitted', 'escalated']).where('r.due_at', '<', now);
  if (f.dataset)
    q = q.where(
      'r.id',
      'in',
      ctx.db.selectFrom('access_request_dataset').select('request_id').where('dataset_id', '=', f.dataset),
    );
  const { total } = await q
    .clearSelect()
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = (await q
    .orderBy('r.submitted_at', 'desc')
    .orderBy('r.id')
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute()) as RequestRow[];
  const ds = await requestDatasets(
    ctx.db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => toRequest(r, ds.get(r.id) ?? [], actor, now)),
    total: Number(total),
    page,
    pageSize,
  };
}

export { openRequestStatuses };
