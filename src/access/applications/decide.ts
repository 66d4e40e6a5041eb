import type { Updateable } from 'kysely';
import {
  ApproveInputSchema,
  WithdrawInputSchema,
  ReasonInputSchema,
  ResubmitInputSchema,
  deadlineAfter,
  endOfShanghaiDay,
  invalidTransition,
  nextReportDue,
  nextRequestStatus,
  notFound,
  partiesFor,
  pauseDeadline,
  reasonErrors,
  type DayUnit,
  resumeDeadline,
  shanghaiDate,
  validationFailed,
  type AccessRequest,
  type Actor,
  type FieldError,
  type ReportInterval,
  type RequestAction,
  type RequestKind,
  type RowCondition,
  stillGrantable,
  grantKindOf,
} from '../../core/index.ts';
import type { Context, Schema } from '../../platform/index.ts';
import { lockedStatus } from '../locks.ts';
import { appendAudit } from '../../identity/index.ts';
import {
  changeGrantStatus,
  checkBody,
  issueGrant,
  refuseAndAudit,
  requireWorkflowActor,
  workCalendar,
  deadlineRule,
  substantialReason,
  type GrantScope,
} from '../grants/index.ts';
import { notify, type NotificationKind, type Recipients } from '../../identity/index.ts';
import {
  getRequest,
  KIND_LABEL,
  loadRequest,
  requestFacts,
  requestPartiesOf,
  type RequestRow,
} from './requests.ts';
import { findDatasets, type DatasetFacts } from '../../catalog/index.ts';
import { unknownFieldErrors } from './submit.ts';

export type DecisionAction = Exclude<RequestAction, 'expire'>;

interface Plan {
  set: Updateable<Schema['access_request']>;
  audit: Record<string, unknown>;
  notices: { to: Recipients; kind: NotificationKind; reason?: string | null; dueDate?: string | null }[];
  grant?: Omit<Parameters<typeof issueGrant>[2], 'requestId'>;
}

const fieldError = (field: string, code: string, zh: string, en: string): FieldError => ({
  field,
  code,
  message: { zh, en },
});

interface ApproveInput {
  expiresOn?: string;
  reason?: string;
  datasets?: { id: string; fields?: string[] | null; rows?: RowCondition[] | null }[];
  reportEvery?: ReportInterval | null;
}

function rowErrors(path: string, rows: RowCondition[] | null | undefined, d: DatasetFacts): FieldError[] {
  if (!rows) return [];
  const known = new Set(d.fields.map((f) => f.name));
  return rows.flatMap((c, j) => {
    const errors: FieldError[] = [];
    if (d.fields.length && !known.has(c.field))
      errors.push(
        fieldError(
          `${path}[${j}].field`,
          'unknown_field',
          `数据集没有数据项 ${c.field}`,
          `The dataset has no field ${c.field}`,
        ),
      );
    if (c.op === 'eq' && Array.isArray(c.value))
      errors.push(
        fieldError(
          `${path}[${j}].value`,
          'invalid',
          'eq 条件的值必须是单个值',
          'An eq condition takes a single value',
        ),
      );
    if (c.op === 'in' && !Array.isArray(c.value))
      errors.push(
        fieldError(
          `${path}[${j}].value`,
          'invalid',
          'in 条件的值必须是数组',
          'An in condition takes a list of values',
        ),
      );
    return errors;
  });
}

/** The scope an approval grants: per dataset of the request, the fields and rows, and until when. */
async function planApproval(
  ctx: Context,
  a: Actor,
  r: RequestRow,
  body: unknown,
  today: string,
): Promise<Plan> {
  const input = checkBody<ApproveInput>(ApproveInputSchema, body ?? {});
  const requested = await ctx.db
    .selectFrom('access_request_dataset')
    .select(['dataset_id', 'fields'])
    .where('request_id', '=', r.id)
    .execute();
  const facts = await findDatasets(
    ctx.db,
    requested.map((x) => x.dataset_id),
  );
  const choices: NonNullable<ApproveInput['datasets']> =
    input.datasets ?? requested.map((x) => ({ id: x.dataset_id }));
  const errors: FieldError[] = [];
  const scope: GrantScope[] = [];
  choices.forEach((choice, i) => {
    const match = [...facts.values()].find(
      (d) => d.id === choice.id || d.code === choice.id || d.slug === choice.id,
    );
    const asked = match && requested.find((x) => x.dataset_id === match.id);
    if (!match || !asked)
      return errors.push(
        fieldError(
          `datasets[${i}].id`,
          'not_in_request',
          '该数据集不在申请范围内',
          'This dataset is not part of the request',
        ),
      );
    if (scope.some((s) => s.datasetId === match.id))
      return errors.push(
        fieldError(`datasets[${i}].id`, 'duplicate', '同一数据集重复出现', 'The same dataset is named twice'),
      );
    if (!stillGrantable(r.kind as RequestKind, match))
      return errors.push(
        fieldError(
          `datasets[${i}].id`,
          'unavailable',
          '该数据集已不再开放或共享',
          'This dataset is no longer open or shared',
        ),
      );
    const fields = choice.fields !== undefined ? choice.fields : ((asked.fields as string[] | null) ?? null);
    if (fields && !fields.length)
      errors.push(
        fieldError(
          `datasets[${i}].fields`,
          'empty',
          '至少授权一个数据项，或以 null 授权全部数据项',
          'Grant at least one field, or null for every field',
        ),
      );
    errors.push(
      ...unknownFieldErrors(`datasets[${i}].fields`, fields, match),
      ...rowErrors(`datasets[${i}].rows`, choice.rows, match),
    );
    scope.push({
      datasetId: match.id,
      fields: fields ? [...new Set(fields)] : null,
      rows: choice.rows?.length ? choice.rows : null,
    });
  });
  const expiresOn = input.expiresOn ?? r.period_end;
  // The data authority's ruling, and an approval that grants less than was asked, say why.
  const final = r.status === 'escalated';
  const narrowed =
    scope.length < requested.length ||
    expiresOn < r.period_end ||
    scope.some((s) => {
      const asked = requested.find((x) => x.dataset_id === s.datasetId)?.fields as string[] | null;
      return !!s.rows || (s.fields !== null && (asked === null || asked.some((f) => !s.fields!.includes(f))));
    });
  if ((final || narrowed) && !input.reason?.trim())
    errors.push(
      fieldError(
        'reason',
        'required',
        final ? '数据主管部门的裁定须说明理由' : '授权范围小于申请范围，须说明理由',
        final
          ? 'A ruling of the data authority needs a reason'
          : 'Granting less than was asked needs a reason',
      ),
    );
  errors.push(...reasonErrors('reason', input.reason));
  if (expiresOn < today)
    errors.push(
      fieldError(
        input.expiresOn ? 'expiresOn' : 'period.end',
        'in_past',
        '授权截止日期已过',
        'The grant would already have expired',
      ),
    );
  if (errors.length) throw validationFailed(errors);
  const reason = input.reason?.trim() || null;
  const every = input.reportEvery ?? null;
  return {
    set: { decided_at: ctx.clock.now(), decided_by: a.userId, decision_reason: reason, final },
    audit: { reason, final, narrowed, expiresOn, reportEvery: every, scope },
    notices: [
      {
        to: { users: [r.requester_id], orgStaff: final ? r.provider_org_id : null },
        kind: 'request.approved',
        reason,
      },
    ],
    grant: {
      kind: grantKindOf(r.kind as RequestKind),
      userId: r.kind === 'application' ? r.requester_id : null,
      orgId: r.kind === 'sharing' ? r.requester_org_id : null,
      providerOrgId: r.provider_org_id,
      issuedBy: a.userId,
      expiresAt: endOfShanghaiDay(expiresOn),
      reportEvery: every,
      nextReportDue: every ? nextReportDue(today, every) : null,
      scope,
      orderedByAuthority: final,
    },
  };
}

async function plan(
  ctx: Context,
  a: Actor,
  r: RequestRow,
  action: DecisionAction,
  body: unknown,
): Promise<Plan> {
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const cal = await workCalendar(ctx);
  const requester: Recipients = { users: [r.requester_id] };
  const reasonOf = () => checkBody<{ reason: string }>(ReasonInputSchema, body, ['reason']).reason.trim();
  switch (action) {
    case 'approve':
      return planApproval(ctx, a, r, body, today);
    case 'reject': {
      const reason = substantialReason(body);
      const final = r.status === 'escalated';
      return {
        set: { decided_at: now, decided_by: a.userId, decision_reason: reason, final },
        audit: { reason, final },
        notices: [
          {
            to: { ...requester, orgStaff: final ? r.provider_org_id : null },
            kind: 'request.rejected',
            reason,
          },
        ],
      };
    }
    case 'return_for_info': {
      const reason = substantialReason(body);
      const remaining = pauseDeadline(now, new Date(r.due_at!), cal, r.deadline_unit as DayUnit);
      return {
        set: { due_at: null, remaining_days: remaining, info_request: reason, reminded_for: null },
        audit: { reason, remainingDays: remaining },
        notices: [{ to: requester, kind: 'request.returned', reason }],
      };
    }
    case 'resubmit': {
      const input = checkBody<{
        response: string;
        purpose?: string;
        scenario?: string;
        period?: { start?: string | null; end: string };
      }>(ResubmitInputSchema, body, ['response', 'purpose', 'scenario'], (b) => [
        ...(b.period?.start && b.period.start > b.period.end
          ? [
              fieldError(
                'period.end',
                'invalid_range',
                '使用期限结束早于开始',
                'The period ends before it starts',
              ),
            ]
          : []),
        ...(b.period && b.period.end < today
          ? [fieldError('period.end', 'in_past', '使用期限已过', 'The period has already ended')]
          : []),
      ]);
      const days = Math.max(1, r.remaining_days ?? r.deadline_days);
      const due = resumeDeadline(now, days, cal, r.deadline_unit as DayUnit);
      return {
        set: {
          due_at: due.dueAt,
          due_provisional: due.provisional,
          clock_started_at: now,
          clock_days: days,
          remaining_days: null,
          info_response: input.response.trim(),
          reminded_for: null,
          overdue_notified_for: null,
          ...(input.purpose && { purpose: input.purpose.trim() }),
          ...(input.scenario && { scenario: input.scenario.trim() }),
          ...(input.period && { period_start: input.period.start ?? null, period_end: input.period.end }),
        },
        audit: {
          response: input.response.trim(),
          dueAt: due.dueAt.toISOString(),
          changed: Object.keys(input).filter((k) => k !== 'response'),
        },
        notices: [{ to: { orgStaff: r.provider_org_id }, kind: 'request.resubmitted', dueDate: due.dueDate }],
      };
    }
    case 'withdraw': {
      const reason =
        body == null
          ? null
          : checkBody<{ reason?: string }>(WithdrawInputSchema, body).reason?.trim() || null;
      return {
        set: {},
        audit: { reason },
        notices: [
          {
            to: { orgStaff: r.provider_org_id, authority: r.status === 'escalated' },
            kind: 'request.withdrawn',
            reason,
          },
        ],
      };
    }
    case 'escalate': {
      const reason = reasonOf();
      const rule = deadlineRule(ctx, 'sharing');
      const due = deadlineAfter(now, rule, cal);
      return {
        set: {
          escalated_at: now,
          escalation_reason: reason,
          due_at: due.dueAt,
          due_provisional: due.provisional,
          deadline_days: rule.days,
          deadline_unit: rule.unit,
          clock_started_at: now,
          clock_days: rule.days,
          remaining_days: null,
          decided_at: null,
          decided_by: null,
          decision_reason: null,
          reminded_for: null,
          overdue_notified_for: null,
        },
        audit: {
          reason,
          from: r.status,
          departmentDecision: r.decision_reason,
          missedDeadline: r.status === 'submitted',
          dueAt: due.dueAt.toISOString(),
        },
        notices: [
          {
            to: { authority: true, orgStaff: r.provider_org_id },
            kind: 'request.escalated',
            reason,
            dueDate: due.dueDate,
          },
        ],
      };
    }
    case 'revoke':
      throw new Error('revoke is handled through the grant');
  }
}

/**
 * Takes one step of the state machine on a request: checks who the caller is to it (a stranger
 * is refused and the attempt audited), that the step exists from the current state (409
 * `invalid_transition`), that the caller's part may take it, and that the body is valid; then
 * records the change, its audit event with the reason, the notices and, on approval, the grant —
 * all in one transaction.
 */
export async function actOnRequest(
  ctx: Context,
  actor: Actor | null,
  kind: RequestKind,
  id: string,
  action: DecisionAction,
  body?: unknown,
): Promise<AccessRequest> {
  const a = requireWorkflowActor(actor);
  const label = KIND_LABEL[kind];
  const r = await loadRequest(ctx.db, kind, id);
  if (!r) throw notFound(label.en, label.zh);
  const parties = requestPartiesOf(a, r);
  if (!parties.length)
    return refuseAndAudit(ctx, a, `${kind}.${action}`, kind, id, { providerOrgId: r.provider_org_id });
  const now = ctx.clock.now();
  if (action === 'revoke') {
    if (r.status !== 'approved' || !r.grant_id) throw invalidTransition(label, r.status, action);
    await changeGrantStatus(ctx, a, r.grant_id, 'revoke', body);
    return getRequest(ctx, a, kind, id);
  }
  const facts = requestFacts(r, now);
  const to = nextRequestStatus(kind, r.status as never, action, facts);
  if (!to) throw invalidTransition(label, r.status, action);
  if (!parties.some((p) => partiesFor(kind, r.status as never, action, facts).includes(p)))
    return refuseAndAudit(ctx, a, `${kind}.${action}`, kind, id, {
      providerOrgId: r.provider_org_id,
      status: r.status,
    });
  const step = await plan(ctx, a, r, action, body);
  await ctx.db.transaction().execute(async (trx) => {
    const locked = await lockedStatus(trx, 'access_request', id);
    if (locked !== r.status) throw invalidTransition(label, locked, action);
    const grantId = step.grant ? await issueGrant(trx, now, { ...step.grant, requestId: id }) : null;
    await trx
      .updateTable('access_request')
      .set({ ...step.set, status: to, updated_at: now })
      .where('id', '=', id)
      .execute();
    await appendAudit(trx, now, {
      actorId: a.userId,
      action: `${kind}.${action}`,
      entityType: kind,
      entityId: id,
      before: { status: r.status },
      after: { status: to, ...step.audit, ...(grantId && { grantId }) },
    });
    const titles = await trx
      .selectFrom('access_request_dataset as rd')
      .innerJoin('dataset as d', 'd.id', 'rd.dataset_id')
      .select('d.title')
      .where('rd.request_id', '=', id)
      .execute();
    for (const n of step.notices)
      await notify(trx, now, n.to, {
        kind: n.kind,
        params: {
          requestKind: kind,
          datasets: titles.map((t) => t.title),
          reason: n.reason ?? null,
          dueDate: n.dueDate ?? null,
          final: r.status === 'escalated',
        },
        entityType: kind,
        entityId: id,
      });
  });
  return getRequest(ctx, a, kind, id);
}
