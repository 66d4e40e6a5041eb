import { randomUUID } from 'node:crypto';
import {
  DomainError,
  RequestInputSchema,
  currentCommitment,
  deadlineAfter,
  forbidden,
  shanghaiDate,
  type DayUnit,
  validationFailed,
  type AccessRequest,
  type Actor,
  type Commitment,
  type FieldError,
  type Label,
  type RequestKind,
  type Refusal,
  requestRefusal,
} from '../../core/index.ts';
import { sql, type Context } from '../../platform/index.ts';
import { findDatasets, type DatasetFacts } from '../../catalog/index.ts';
import { checkBody, requireWorkflowActor, deadlineRule, workCalendar } from '../grants/index.ts';
import { appendAudit, notify } from '../../identity/index.ts';
import {
  KIND_LABEL,
  openRequestStatuses,
  requestDatasets,
  requestQuery,
  toRequest,
  type RequestRow,
} from './requests.ts';

export interface RequestInput {
  datasets: { id: string; fields?: string[] | null }[];
  purpose: string;
  scenario: string;
  period: { start?: string | null; end: string };
  applicant?: { name?: string; phone?: string | null; organisation?: string | null };
  commitment: { version: string; accepted: true };
}

/** A dataset as the workflows weigh it, read through the catalogue's door. */
export type { DatasetFacts } from '../../catalog/index.ts';

const fieldError = (field: string, code: string, zh: string, en: string): FieldError => ({
  field,
  code,
  message: { zh, en },
});

/** Whether a dataset can be asked for through this kind of request (the tier policy's rule); null when it can. */
export const eligibility = (kind: RequestKind, d: DatasetFacts, actor: Actor): Refusal | null =>
  requestRefusal(kind, d, actor);

/** Field names must be among the dataset's declared fields (when it declares any). */
export function unknownFieldErrors(
  path: string,
  names: string[] | null | undefined,
  d: DatasetFacts,
): FieldError[] {
  if (!names || !d.fields.length) return [];
  const known = new Set(d.fields.map((f) => f.name));
  return names.flatMap((n, j) =>
    known.has(n)
      ? []
      : [
          fieldError(
            `${path}[${j}]`,
            'unknown_field',
            `数据集没有数据项 ${n}`,
            `The dataset has no field ${n}`,
          ),
        ],
  );
}

/**
 * Submits an application (or sharing request) for one or several datasets. Datasets of different
 * departments become one request per department — each department answers for its own data —
 * sharing a batch id. The deadline runs in working days from the day of submission.
 */
export async function submitRequests(
  ctx: Context,
  actor: Actor | null,
  kind: RequestKind,
  body: unknown,
): Promise<{ batchId: string; items: AccessRequest[] }> {
  const a = requireWorkflowActor(actor);
  if (kind === 'sharing' && !(a.role === 'department' && a.orgId))
    throw forbidden(
      'Only department staff can request another department’s data',
      '只有部门用户可以提出共享申请',
    );
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const input = checkBody<RequestInput>(RequestInputSchema, body, ['purpose', 'scenario'], (b) => {
    const errors: FieldError[] = [];
    if (b.period.start && b.period.start > b.period.end)
      errors.push(
        fieldError('period.end', 'invalid_range', '使用期限结束早于开始', 'The period ends before it starts'),
      );
    if (b.period.end < today)
      errors.push(fieldError('period.end', 'in_past', '使用期限已过', 'The period has already ended'));
    if (b.commitment.version !== currentCommitment().version)
      errors.push(
        fieldError(
          'commitment.version',
          'outdated',
          '安全承诺书已更新，请阅读并接受新版本',
          'The security commitment has changed; read and accept the current version',
        ),
      );
    if (b.applicant?.name !== undefined && !b.applicant.name.trim())
      errors.push(
        fieldError('applicant.name', 'required', '姓名不能为空白', 'applicant.name must not be blank'),
      );
    return errors;
  });

  const found = await findDatasets(
    ctx.db,
    input.datasets.map((d) => d.id),
  );
  const errors: FieldError[] = [];
  const chosen: { d: DatasetFacts; fields: string[] | null }[] = [];
  const seen = new Set<string>();
  input.datasets.forEach((choice, i) => {
    const d = found.get(choice.id);
    const problem = d
      ? eligibility(kind, d, a)
      : { code: 'not_found', zh: '数据集不存在', en: 'No such dataset' };
    if (!d || problem)
      return errors.push(fieldError(`datasets[${i}].id`, problem!.code, problem!.zh, problem!.en));
    if (seen.has(d.id))
      return errors.push(
        fieldError(`datasets[${i}].id`, 'duplicate', '同一数据集重复申请', 'The same dataset is named twice'),
      );
    seen.add(d.id);
    errors.push(...unknownFieldErrors(`datasets[${i}].fields`, choice.fields, d));
    chosen.push({ d, fields: choice.fields?.length ? [...new Set(choice.fields)] : null });
  });
  if (errors.length) throw validationFailed(errors);

  const profile = await ctx.db
    .selectFrom('app_user as u')
    .leftJoin('organisation as o', 'o.id', 'u.org_id')
    .select(['u.name', 'u.email', 'u.org_id', 'o.name as org_name'])
    .where('u.id', '=', a.userId)
    .executeTakeFirstOrThrow();
  const applicant = {
    name: input.applicant?.name?.trim() || profile.name,
    email: profile.email,
    phone: input.applicant?.phone?.trim() || null,
    organisation:
      kind === 'sharing'
        ? profile.org_name
        : input.applicant?.organisation?.trim() || profile.org_name || null,
  };
  const rule = deadlineRule(ctx, kind);
  const cal = await workCalendar(ctx);
  const due = deadlineAfter(now, rule, cal);
  if (due.provisional)
    ctx.logger.warn(
      { dueDate: due.dueDate },
      'deadline runs into a year the holiday calendar does not know: provisional (Monday–Friday) until the data authority imports the State Council notice',
    );

  const byProvider = new Map<string, typeof chosen>();
  for (const c of chosen) byProvider.set(c.d.orgId, [...(byProvider.get(c.d.orgId) ?? []), c]);
  const batchId = randomUUID();
  const ids = await ctx.db.transaction().execute(async (trx) => {
    // Serialises one requester's submissions, so two clicks cannot both pass the check below.
    const requester = kind === 'application' ? a.userId : a.orgId!;
    await sql`SELECT pg_advisory_xact_lock(6, hashtext(${requester}))`.execute(trx);
    // One open request per requester and dataset: a second would only split the department's answer.
    const pending = await trx
      .selectFrom('access_request as r')
      .innerJoin('access_request_dataset as rd', 'rd.request_id', 'r.id')
      .select(['r.id', 'rd.dataset_id'])
      .where('r.kind', '=', kind)
      .where('r.status', 'in', openRequestStatuses)
      .where(
        'rd.dataset_id',
        'in',
        chosen.map((c) => c.d.id),
      )
      .where(kind === 'application' ? 'r.requester_id' : 'r.requester_org_id', '=', requester)
      .execute();
    if (pending.length)
      throw new DomainError(
        'conflict',
        'duplicate_request',
        { zh: '已有处理中的申请包含该数据集', en: 'A pending request already names this dataset' },
        { requests: pending.map((p) => ({ requestId: p.id, datasetId: p.dataset_id })) },
      );

    const created: string[] = [];
    for (const [providerOrgId, items] of byProvider) {
      const row = await trx
        .insertInto('access_request')
        .values({
          kind,
          batch_id: batchId,
          requester_id: a.userId,
          requester_org_id: kind === 'sharing' ? a.orgId : profile.org_id,
          provider_org_id: providerOrgId,
          status: 'submitted',
          purpose: input.purpose.trim(),
          scenario: input.scenario.trim(),
          period_start: input.period.start ?? null,
          period_end: input.period.end,
          applicant: JSON.stringify(applicant),
          commitment_version: input.commitment.version,
          commitment_accepted_at: now,
          deadline_days: rule.days,
          deadline_unit: rule.unit,
          clock_started_at: now,
          clock_days: rule.days,
          submitted_at: now,
          due_at: due.dueAt,
          due_provisional: due.provisional,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('access_request_dataset')
        .values(
          items.map((c) => ({ request_id: row.id, dataset_id: c.d.id, fields: JSON.stringify(c.fields) })),
        )
        .execute();
      await appendAudit(trx, now, {
        actorId: a.userId,
        action: `${kind}.submit`,
        entityType: kind,
        entityId: row.id,
        after: {
          batchId,
          providerOrgId,
          datasets: items.map((c) => ({ id: c.d.id, fields: c.fields })),
          purpose: input.purpose.trim(),
          commitmentVersion: input.commitment.version,
          dueAt: due.dueAt.toISOString(),
          // The rule the deadline was computed with: evidence that it was set as the rules say.
          deadline: { ...rule, provisional: due.provisional, calendarRevision: cal.revision },
        },
      });
      await notify(
        trx,
        now,
        { orgStaff: providerOrgId },
        {
          kind: 'request.submitted',
          params: { requestKind: kind, datasets: items.map((c) => c.d.title), dueDate: due.dueDate },
          entityType: kind,
          entityId: row.id,
        },
      );
      created.push(row.id);
    }
    return created;
  });
  const rows = (await requestQuery(ctx.db)
    .where('r.id', 'in', ids)
    .orderBy('p.name')
    .execute()) as RequestRow[];
  const ds = await requestDatasets(ctx.db, ids);
  return { batchId, items: rows.map((r) => toRequest(r, ds.get(r.id) ?? [], a, now)) };
}

export interface Prefill {
  applicant: { name: string; email: string; organisation: string | null };
  commitment: Commitment;
  deadlineDays: number;
  deadlineUnit: DayUnit;
  /** The due day if submitted now. */
  dueDate: string;
  /** The due day lies in a year the holiday calendar does not know yet (counted Monday–Friday). */
  dueProvisional: boolean;
  datasets: {
    id: string;
    code: string;
    title: string;
    provider: { id: string; name: string };
    fields: { name: string; title: string | null }[];
    /** Null when the dataset can be asked for; otherwise why not. */
    problem: { code: string; message: Label } | null;
  }[];
}

/** Everything a one-click application form needs (一键申请): the profile, the commitment text, the datasets and their fields. */
export async function requestPrefill(
  ctx: Context,
  actor: Actor | null,
  kind: RequestKind,
  refs: string[],
): Promise<Prefill> {
  const a = requireWorkflowActor(actor);
  const profile = await ctx.db
    .selectFrom('app_user as u')
    .leftJoin('organisation as o', 'o.id', 'u.org_id')
    .select(['u.name', 'u.email', 'o.name as org_name'])
    .where('u.id', '=', a.userId)
    .executeTakeFirstOrThrow();
  const found = await findDatasets(ctx.db, refs);
  const rule = deadlineRule(ctx, kind);
  const due = deadlineAfter(ctx.clock.now(), rule, await workCalendar(ctx));
  const datasets: Prefill['datasets'] = [];
  for (const ref of refs) {
    const d = found.get(ref);
    // Unpublished datasets are not even confirmed to exist.
    if (!d || d.status !== 'published') continue;
    const problem = eligibility(kind, d, a);
    datasets.push({
      id: d.id,
      code: d.code,
      title: d.title,
      provider: { id: d.orgId, name: d.orgName },
      fields: d.fields.map((f) => ({ name: f.name, title: f.title ?? null })),
      problem: problem && { code: problem.code, message: { zh: problem.zh, en: problem.en } },
    });
  }
  return {
    applicant: { name: profile.name, email: profile.email, organisation: profile.org_name },
    commitment: currentCommitment(),
    deadlineDays: rule.days,
    deadlineUnit: rule.unit,
    dueDate: due.dueDate,
    dueProvisional: due.provisional,
    datasets,
  };
}

export { KIND_LABEL };
