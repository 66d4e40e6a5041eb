import {
  forbidden,
  shanghaiDate,
  workingDaysBetween,
  workingDaysLeft,
  workingDaysOverdue,
  type Actor,
  type RequestKind,
} from '../../core/index.ts';
import type { Context } from '../../platform/index.ts';
import { datasetTitlesByOwner, datasetTitlesOf } from '../titles.ts';
import { answererOf, runningRequests } from '../running.ts';
import { appendAudit } from '../../identity/index.ts';
import { expireGrants, requireWorkflowActor, workCalendar } from '../grants/index.ts';
import {
  notify,
  renderNotification,
  type NotificationChannel,
  type NotificationKind,
  type NotificationParams,
  type Recipients,
} from '../../identity/index.ts';

export interface ReminderRun {
  /** Grants whose expiry was recorded. */
  expired: number;
  /** Requests whose deadline is near. */
  reminders: number;
  /** Requests found past their deadline for the first time. */
  overdue: number;
  /** Grants whose usage report is due soon or late. */
  reportReminders: number;
  /** In-app notices written. */
  notices: number;
}

interface Sent {
  users: string[];
  kind: NotificationKind;
  params: NotificationParams;
}

/**
 * The periodic job (a timer, cron, or `kaifang reminders`): records expired grants, reminds
 * departments N working days before a request is due (N = `KAIFANG_REMINDER_DAYS`), tells both
 * sides once when a deadline passes (a sharing requester may then escalate), and reminds
 * grantees of usage reports. Each item is reminded once per deadline, so running the job often
 * is harmless. Optional channels (email …) follow the in-app notices, best effort.
 */
export async function sendDeadlineReminders(
  ctx: Context,
  opts: { channels?: NotificationChannel[] } = {},
): Promise<ReminderRun> {
  const run: ReminderRun = {
    expired: await expireGrants(ctx),
    reminders: 0,
    overdue: 0,
    reportReminders: 0,
    notices: 0,
  };
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const cal = await workCalendar(ctx);
  const lead = ctx.config.workflow.reminderDays;
  const sent: Sent[] = [];

  const open = await runningRequests(ctx.db).select(['reminded_for', 'overdue_notified_for']).execute();
  for (const r of open) {
    const dueAt = new Date(r.due_at!);
    const same = (d: Date | null) => !!d && new Date(d).getTime() === dueAt.getTime();
    const overdue = now.getTime() > dueAt.getTime();
    if (
      overdue ? same(r.overdue_notified_for) : same(r.reminded_for) || workingDaysLeft(now, dueAt, cal) > lead
    )
      continue;
    const answerer = answererOf(r);
    const to: Recipients = overdue ? { ...answerer, users: [r.requester_id] } : answerer;
    const kind: NotificationKind = overdue ? 'request.overdue' : 'request.reminder';
    await ctx.db.transaction().execute(async (trx) => {
      const params = {
        requestKind: r.kind,
        datasets: await datasetTitlesOf(trx, 'request', r.id),
        dueDate: shanghaiDate(dueAt),
      };
      const users = await notify(trx, now, to, { kind, params, entityType: r.kind, entityId: r.id });
      await trx
        .updateTable('access_request')
        .set(overdue ? { overdue_notified_for: dueAt } : { reminded_for: dueAt })
        .where('id', '=', r.id)
        .execute();
      await appendAudit(trx, now, {
        actorId: null,
        action: `${r.kind}.${overdue ? 'overdue' : 'reminder'}`,
        entityType: r.kind,
        entityId: r.id,
        after: { dueAt: dueAt.toISOString(), notified: users.length },
      });
      sent.push({ users, kind, params });
    });
    if (overdue) run.overdue++;
    else run.reminders++;
  }

  const reports = await ctx.db
    .selectFrom('access_grant')
    .select(['id', 'user_id', 'org_id', 'next_report_due', 'report_reminded_for'])
    .where('status', '=', 'active')
    .where('expires_at', '>', now)
    .where('next_report_due', 'is not', null)
    .execute();
  for (const g of reports) {
    const due = g.next_report_due!;
    if (g.report_reminded_for === due || (due > today && workingDaysBetween(today, due, cal) > lead))
      continue;
    await ctx.db.transaction().execute(async (trx) => {
      const params = { dueDate: due };
      const users = await notify(
        trx,
        now,
        { users: [g.user_id], orgStaff: g.user_id ? null : g.org_id },
        { kind: 'grant.report_due', params, entityType: 'grant', entityId: g.id },
      );
      await trx
        .updateTable('access_grant')
        .set({ report_reminded_for: due })
        .where('id', '=', g.id)
        .execute();
      await appendAudit(trx, now, {
        actorId: null,
        action: 'grant.report_reminder',
        entityType: 'grant',
        entityId: g.id,
        after: { dueDate: due, notified: users.length },
      });
      sent.push({ users, kind: 'grant.report_due', params });
    });
    run.reportReminders++;
  }

  run.notices = sent.reduce((n, s) => n + s.users.length, 0);
  if (opts.channels?.length) await deliver(ctx, sent, opts.channels);
  return run;
}

async function deliver(ctx: Context, sent: Sent[], channels: NotificationChannel[]) {
  const ids = [...new Set(sent.flatMap((s) => s.users))];
  if (!ids.length) return;
  const users = new Map(
    (
      await ctx.db.selectFrom('app_user').select(['id', 'email', 'name']).where('id', 'in', ids).execute()
    ).map((u) => [u.id, u]),
  );
  for (const s of sent) {
    const message = renderNotification(s.kind, s.params);
    for (const id of s.users) {
      const u = users.get(id);
      if (!u) continue;
      for (const ch of channels) {
        try {
          await ch.send({ to: { userId: u.id, email: u.email, name: u.name }, ...message });
        } catch (err) {
          ctx.logger.warn({ err, channel: ch.name, kind: s.kind }, 'notification channel failed');
        }
      }
    }
  }
}

export interface OverdueItem {
  type: RequestKind | 'usage_report';
  id: string;
  /** Who has to act: the department, the data authority (escalated requests) or the grantee (reports). */
  stage: 'department' | 'authority' | 'grantee';
  dueDate: string;
  /** Counted Monday–Friday in a year the holiday calendar lacks (requests only). */
  provisional: boolean;
  overdueWorkingDays: number;
  datasets: string[];
}

export interface OverdueByDepartment {
  org: { id: string; name: string; orgCode: string };
  applications: number;
  sharingRequests: number;
  usageReports: number;
  items: OverdueItem[];
}

/**
 * Everything past its deadline, per providing department (design §7: overdue items are visible
 * to the data authority). A department sees its own; the authority and sysadmins see all.
 */
export async function listOverdue(
  ctx: Context,
  actor: Actor | null,
  opts: { org?: string } = {},
): Promise<{ asOf: string; departments: OverdueByDepartment[]; total: number }> {
  const a = requireWorkflowActor(actor);
  const supervisor = a.role === 'authority' || a.role === 'sysadmin';
  if (!supervisor && !(a.role === 'department' && a.orgId))
    throw forbidden(
      'Only departments and the data authority see overdue items',
      '只有部门和数据主管部门可以查看逾期事项',
    );
  const orgFilter = supervisor ? (opts.org ?? null) : a.orgId!;
  if (!supervisor && opts.org && opts.org !== a.orgId)
    throw forbidden("You can only see your own department's overdue items", '只能查看本部门的逾期事项');
  const now = ctx.clock.now();
  const today = shanghaiDate(now);
  const cal = await workCalendar(ctx);

  let rq = ctx.db
    .selectFrom('access_request as r')
    .select(['r.id', 'r.kind', 'r.status', 'r.provider_org_id as org_id', 'r.due_at', 'r.due_provisional'])
    .where('r.status', 'in', ['submitted', 'escalated'])
    .where('r.due_at', '<', now);
  if (orgFilter) rq = rq.where('r.provider_org_id', '=', orgFilter);
  let gq = ctx.db
    .selectFrom('access_grant as g')
    .select(['g.id', 'g.provider_org_id as org_id', 'g.next_report_due'])
    .where('g.status', '=', 'active')
    .where('g.expires_at', '>', now)
    .where('g.next_report_due', '<', today);
  if (orgFilter) gq = gq.where('g.provider_org_id', '=', orgFilter);
  const [requests, grants] = await Promise.all([rq.execute(), gq.execute()]);

  const [requestTitles, grantTitles] = await Promise.all([
    datasetTitlesByOwner(
      ctx.db,
      'request',
      requests.map((r) => r.id),
    ),
    datasetTitlesByOwner(
      ctx.db,
      'grant',
      grants.map((g) => g.id),
    ),
  ]);

  const byOrg = new Map<string, OverdueItem[]>();
  const add = (orgId: string, item: OverdueItem) => byOrg.set(orgId, [...(byOrg.get(orgId) ?? []), item]);
  for (const r of requests) {
    const dueAt = new Date(r.due_at!);
    add(r.org_id, {
      type: r.kind as RequestKind,
      id: r.id,
      stage: r.status === 'escalated' ? 'authority' : 'department',
      dueDate: shanghaiDate(dueAt),
      provisional: r.due_provisional,
      overdueWorkingDays: workingDaysOverdue(now, dueAt, cal),
      datasets: requestTitles.get(r.id) ?? [],
    });
  }
  for (const g of grants) {
    add(g.org_id, {
      type: 'usage_report',
      id: g.id,
      stage: 'grantee',
      dueDate: g.next_report_due!,
      provisional: false,
      overdueWorkingDays: workingDaysBetween(g.next_report_due!, today, cal),
      datasets: grantTitles.get(g.id) ?? [],
    });
  }
  const orgs = byOrg.size
    ? await ctx.db
        .selectFrom('organisation')
        .select(['id', 'name', 'org_code'])
        .where('id', 'in', [...byOrg.keys()])
        .orderBy('name')
        .execute()
    : [];
  const departments = orgs.map((o) => {
    const items = byOrg
      .get(o.id)!
      .sort((x, y) => x.dueDate.localeCompare(y.dueDate) || x.id.localeCompare(y.id));
    return {
      org: { id: o.id, name: o.name, orgCode: o.org_code },
      applications: items.filter((i) => i.type === 'application').length,
      sharingRequests: items.filter((i) => i.type === 'sharing').length,
      usageReports: items.filter((i) => i.type === 'usage_report').length,
      items,
    };
  });
  departments.sort((x, y) => y.items.length - x.items.length || x.org.name.localeCompare(y.org.name));
  return { asOf: now.toISOString(), departments, total: requests.length + grants.length };
}
