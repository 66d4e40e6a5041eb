import {
  deadlineAfter,
  forbidden,
  noticeDays,
  noticeOf,
  shanghaiDate,
  type Actor,
  type DayUnit,
  type WorkCalendar,
} from '../../core/index.ts';
import type { Context, Kdb } from '../../platform/index.ts';
import { appendAudit } from '../../identity/index.ts';
import { notify, type Recipients } from '../../identity/index.ts';
import { readHolidayTable } from './table.ts';
import { datasetTitlesOf } from '../titles.ts';
import { answererOf, runningRequests } from '../running.ts';

export interface MovedDeadline {
  id: string;
  kind: string;
  from: string;
  to: string;
  provisional: boolean;
}

export interface CalendarImport {
  year: number;
  /** Days off and make-up days the year now has. */
  holidays: number;
  workdays: number;
  /** Whether the year was already in the calendar (and is replaced). */
  replaced: boolean;
  /** Open deadlines whose due day changed. */
  moved: MovedDeadline[];
  /** Open deadlines that are no longer provisional (or became so) without moving. */
  settled: number;
  notified: number;
}

/** Only the data authority keeps the calendar; the command line (no actor) is the operator's. */
function requireKeeper(actor: Actor | null): void {
  if (actor && actor.role !== 'authority' && actor.role !== 'sysadmin')
    throw forbidden(
      'Only the data authority keeps the holiday calendar',
      '只有数据主管部门可以维护节假日安排',
    );
}

/**
 * Imports (or replaces) one year of the State Council's notice, audited with the days before and
 * after, and recomputes every open deadline whose clock is known: those that move are announced
 * to the side that must answer and to the requester, in the same transaction.
 */
export async function importCalendarYear(
  ctx: Context,
  actor: Actor | null,
  input: unknown,
): Promise<CalendarImport> {
  requireKeeper(actor);
  const notice = noticeDays(input);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    await trx.selectFrom('work_calendar_state').select('revision').forUpdate().execute();
    const before = await trx
      .selectFrom('work_calendar_day')
      .select(['date', 'kind', 'name'])
      .where('year', '=', notice.year)
      .orderBy('date')
      .execute();
    const existing = await trx
      .selectFrom('work_calendar_year')
      .select(['source', 'title'])
      .where('year', '=', notice.year)
      .executeTakeFirst();
    const row = {
      source: 'import',
      title: notice.title,
      reference: notice.reference,
      updated_at: now,
      updated_by: actor?.userId ?? null,
    };
    if (existing) {
      await trx.updateTable('work_calendar_year').set(row).where('year', '=', notice.year).execute();
      await trx.deleteFrom('work_calendar_day').where('year', '=', notice.year).execute();
    } else
      await trx
        .insertInto('work_calendar_year')
        .values({ year: notice.year, ...row })
        .execute();
    await trx
      .insertInto('work_calendar_day')
      .values(notice.days.map((d) => ({ year: notice.year, ...d })))
      .execute();
    await trx
      .updateTable('work_calendar_state')
      .set((eb) => ({ revision: eb('revision', '+', 1) }))
      .execute();

    const cal: WorkCalendar = {
      table: await readHolidayTable(trx),
      extraHolidays: ctx.config.workflow.extraHolidays,
      extraWorkdays: ctx.config.workflow.extraWorkdays,
    };
    const { moved, settled, notified } = await recomputeOpenDeadlines(trx, now, cal);
    const counts = {
      holidays: notice.days.filter((d) => d.kind === 'holiday').length,
      workdays: notice.days.filter((d) => d.kind === 'workday').length,
    };
    await appendAudit(trx, now, {
      actorId: actor?.userId ?? null,
      action: existing ? 'calendar.replace' : 'calendar.import',
      entityType: 'work_calendar',
      entityId: String(notice.year),
      before: existing ? { source: existing.source, title: existing.title, days: before } : null,
      after: {
        title: notice.title,
        reference: notice.reference,
        days: notice.days,
        moved: moved.map((m) => m.id),
        settled,
      },
    });
    return { year: notice.year, ...counts, replaced: !!existing, moved, settled, notified };
  });
}

/**
 * Recomputes each running clock from where it started with the new calendar. A request whose
 * clock restarted before migration 013 has no recorded start and keeps its date.
 */
async function recomputeOpenDeadlines(
  trx: Kdb,
  now: Date,
  cal: WorkCalendar,
): Promise<{ moved: MovedDeadline[]; settled: number; notified: number }> {
  const open = await runningRequests(trx)
    .select(['due_provisional', 'clock_started_at', 'clock_days', 'deadline_unit'])
    .where('clock_started_at', 'is not', null)
    .execute();
  const moved: MovedDeadline[] = [];
  let settled = 0;
  let notified = 0;
  for (const r of open) {
    const old = new Date(r.due_at!);
    const due = deadlineAfter(
      new Date(r.clock_started_at!),
      { days: r.clock_days!, unit: r.deadline_unit as DayUnit },
      cal,
    );
    const shifted = due.dueAt.getTime() !== old.getTime();
    if (!shifted && due.provisional === r.due_provisional) continue;
    await trx
      .updateTable('access_request')
      .set({ due_at: due.dueAt, due_provisional: due.provisional, updated_at: now })
      .where('id', '=', r.id)
      .execute();
    if (!shifted) {
      settled++;
      continue;
    }
    const m = {
      id: r.id,
      kind: r.kind,
      from: shanghaiDate(old),
      to: due.dueDate,
      provisional: due.provisional,
    };
    moved.push(m);
    const to: Recipients = {
      users: [r.requester_id],
      ...answererOf(r),
    };
    notified += (
      await notify(trx, now, to, {
        kind: 'request.deadline_moved',
        params: {
          requestKind: r.kind,
          datasets: await datasetTitlesOf(trx, 'request', r.id),
          dueDate: m.to,
          previousDueDate: m.from,
        },
        entityType: r.kind,
        entityId: r.id,
      })
    ).length;
    await appendAudit(trx, now, {
      actorId: null,
      action: `${r.kind}.deadline_recomputed`,
      entityType: r.kind,
      entityId: r.id,
      before: { dueAt: old.toISOString(), provisional: r.due_provisional },
      after: { dueAt: due.dueAt.toISOString(), provisional: due.provisional },
    });
  }
  return { moved, settled, notified };
}

/** One year as stored, in the notice form the import takes (to edit it and import it again). */
export async function calendarYear(ctx: Context, year: number) {
  const y = await ctx.db
    .selectFrom('work_calendar_year')
    .selectAll()
    .where('year', '=', year)
    .executeTakeFirst();
  if (!y) return null;
  const days = await ctx.db
    .selectFrom('work_calendar_day')
    .select(['date', 'kind', 'name'])
    .where('year', '=', year)
    .orderBy('date')
    .execute();
  return {
    year,
    source: y.source as 'package' | 'import',
    updatedAt: new Date(y.updated_at).toISOString(),
    days,
    notice: noticeOf(
      year,
      y.title,
      y.reference,
      days as { date: string; kind: 'holiday' | 'workday'; name: string }[],
    ),
  };
}
