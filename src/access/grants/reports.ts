import {
  GrantTokenInputSchema,
  UsageReportInputSchema,
  effectiveGrantStatus,
  forbidden,
  nextReportDue,
  shanghaiDate,
  type Actor,
  type GrantStatus,
  type ReportInterval,
  type UsageReport,
} from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { appendAudit } from '../../identity/index.ts';
import { createToken, type IssuedToken } from '../../identity/index.ts';
import { notify } from '../../identity/index.ts';
import { isGrantee, loadVisibleGrant } from './grants.ts';
import { checkBody, iso, requireWorkflowActor } from './support.ts';

interface ReportInput {
  periodStart: string;
  periodEnd: string;
  usage: string;
  results: string;
}

/**
 * The grantee reports how the data was used and what came of it (利用情况、成果与效益, Qingdao 细则
 * Art. 7). When the grant asks for periodic reports, the next one falls due one interval after
 * the reported period ends.
 */
export async function fileUsageReport(
  ctx: Context,
  actor: Actor | null,
  grantId: string,
  body: unknown,
): Promise<UsageReport> {
  const a = requireWorkflowActor(actor);
  const g = await loadVisibleGrant(ctx, a, grantId);
  if (!isGrantee(a, g))
    throw forbidden('Only the grantee files usage reports', '只有被授权方可以提交利用情况报告');
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const input = checkBody<ReportInput>(UsageReportInputSchema, body, ['usage', 'results'], (b) => [
    ...(b.periodStart > b.periodEnd
      ? [
          {
            field: 'periodEnd',
            code: 'invalid_range',
            message: { zh: '报告期结束早于开始', en: 'The period ends before it starts' },
          },
        ]
      : []),
    ...(b.periodEnd > today
      ? [
          {
            field: 'periodEnd',
            code: 'in_future',
            message: { zh: '报告期不能晚于今天', en: 'The period cannot end in the future' },
          },
        ]
      : []),
  ]);
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('grant_usage_report')
      .values({
        grant_id: g.id,
        period_start: input.periodStart,
        period_end: input.periodEnd,
        usage: input.usage.trim(),
        results: input.results.trim(),
        submitted_by: a.userId,
        submitted_at: now,
      })
      .returning(['id', 'submitted_at'])
      .executeTakeFirstOrThrow();
    const every = g.report_every as ReportInterval | null;
    // A report for an earlier period does not move the next due day back.
    const after = every ? nextReportDue(input.periodEnd, every) : null;
    const next = after && g.next_report_due && g.next_report_due > after ? g.next_report_due : after;
    if (every)
      await trx
        .updateTable('access_grant')
        .set({ next_report_due: next, report_reminded_for: null })
        .where('id', '=', g.id)
        .execute();
    const report: UsageReport = {
      id: row.id,
      grantId: g.id,
      periodStart: input.periodStart,
      periodEnd: input.periodEnd,
      usage: input.usage.trim(),
      results: input.results.trim(),
      submittedAt: iso(row.submitted_at)!,
    };
    await appendAudit(trx, now, {
      actorId: a.userId,
      action: 'grant.report',
      entityType: 'grant',
      entityId: g.id,
      after: {
        reportId: row.id,
        periodStart: input.periodStart,
        periodEnd: input.periodEnd,
        nextReportDue: next,
      },
    });
    await notify(
      trx,
      now,
      { orgStaff: g.provider_org_id },
      {
        kind: 'grant.report_filed',
        params: { reason: null, dueDate: next },
        entityType: 'grant',
        entityId: g.id,
      },
    );
    return report;
  });
}

export async function listUsageReports(ctx: Context, actor: Actor, grantId: string): Promise<UsageReport[]> {
  await loadVisibleGrant(ctx, actor, grantId);
  const rows = await ctx.db
    .selectFrom('grant_usage_report')
    .selectAll()
    .where('grant_id', '=', grantId)
    .orderBy('period_end', 'desc')
    .orderBy('submitted_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    grantId: r.grant_id,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    usage: r.usage,
    results: r.results,
    submittedAt: iso(r.submitted_at)!,
  }));
}

/**
 * An API token that reads only what one grant allows and dies with it (suspension, revocation,
 * expiry). Programs get a key that cannot do more than the grant, whatever the user's role.
 */
export async function createGrantToken(
  ctx: Context,
  actor: Actor | null,
  grantId: string,
  body: unknown,
): Promise<IssuedToken> {
  const a = requireWorkflowActor(actor);
  const { name } = checkBody<{ name: string }>(GrantTokenInputSchema, body, ['name']);
  const g = await loadVisibleGrant(ctx, a, grantId);
  if (!isGrantee(a, g))
    throw forbidden('Only the grantee can create tokens for a grant', '只有被授权方可以为授权创建令牌');
  const status = effectiveGrantStatus(g.status as GrantStatus, new Date(g.expires_at), ctx.clock.now());
  if (status !== 'active') throw forbidden(`The grant is ${status}`, '该授权当前不可用');
  return createToken(ctx, a.userId, a.userId, name.trim(), new Date(g.expires_at), g.id);
}
