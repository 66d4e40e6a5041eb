import {
  holidayTableOf,
  packageHolidayTable,
  shanghaiDate,
  type DeadlineRule,
  type HolidayTable,
  type WorkCalendar,
} from '../../core/index.ts';
import type { Context, Kdb } from '../../platform/index.ts';
import { appendAudit } from '../../identity/index.ts';

interface Cached {
  revision: number;
  table: HolidayTable;
}
// One copy per database handle: the table is a few hundred rows, read on every deadline, and a
// revision number tells each process (web nodes, workers) when another one has changed it.
const cache = new WeakMap<Kdb, Cached>();

async function revisionOf(db: Kdb): Promise<number> {
  const row = await db.selectFrom('work_calendar_state').select('revision').executeTakeFirstOrThrow();
  return row.revision;
}

/** Reads the stored table (the years and their days), whatever the cache holds. */
export async function readHolidayTable(db: Kdb): Promise<HolidayTable> {
  const [years, days] = await Promise.all([
    db.selectFrom('work_calendar_year').select('year').execute(),
    db.selectFrom('work_calendar_day').select(['date', 'kind', 'name']).orderBy('year').execute(),
  ]);
  return holidayTableOf(
    years.map((y) => y.year),
    days,
  );
}

/**
 * Copies the years of `chinese-days` that the table lacks (all of them on first start; a year
 * the package gains in an upgrade later), never over a year already stored: what the data
 * authority imported stays. Audited as the system's change.
 */
export async function seedFromPackage(ctx: Context): Promise<number[]> {
  const pkg = packageHolidayTable();
  return ctx.db.transaction().execute(async (trx) => {
    await trx.selectFrom('work_calendar_state').select('revision').forUpdate().execute();
    const have = new Set(
      (await trx.selectFrom('work_calendar_year').select('year').execute()).map((r) => r.year),
    );
    const missing = pkg.years.filter((y) => !have.has(y));
    if (!missing.length) return [];
    const now = ctx.clock.now();
    // A day belongs to the notice of the year its holiday is named after: a 元旦 break that starts
    // on 30 December goes with the next year. The package does not say, so the holiday decides.
    const yearOf = (date: string, name: string) =>
      name === '元旦' && date.slice(5, 7) === '12' ? Number(date.slice(0, 4)) + 1 : Number(date.slice(0, 4));
    await trx
      .insertInto('work_calendar_year')
      .values(
        missing.map((year) => ({
          year,
          source: 'package',
          title: `国务院办公厅关于${year}年部分节假日安排的通知（chinese-days）`,
          reference: null,
          updated_at: now,
          updated_by: null,
        })),
      )
      .execute();
    const rows = [
      ...Object.entries(pkg.holidays).map(([date, name]) => ({ date, name, kind: 'holiday' })),
      ...Object.entries(pkg.workdays).map(([date, name]) => ({ date, name, kind: 'workday' })),
    ]
      .map((d) => ({ ...d, year: yearOf(d.date, d.name) }))
      .filter((d) => missing.includes(d.year));
    for (let i = 0; i < rows.length; i += 500)
      await trx
        .insertInto('work_calendar_day')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.columns(['year', 'date']).doNothing())
        .execute();
    await trx
      .updateTable('work_calendar_state')
      .set((eb) => ({ revision: eb('revision', '+', 1) }))
      .execute();
    await appendAudit(trx, now, {
      actorId: null,
      action: 'calendar.seed',
      entityType: 'work_calendar',
      entityId: missing.join(','),
      after: { years: missing, days: rows.length, source: 'chinese-days' },
    });
    return missing;
  });
}

/** The installation's holiday table, as of its latest revision (seeded from the package first). */
export async function loadHolidayTable(ctx: Context): Promise<HolidayTable & { revision: number }> {
  let revision = await revisionOf(ctx.db);
  const hit = cache.get(ctx.db);
  if (hit && hit.revision === revision) return { ...hit.table, revision };
  if ((await seedFromPackage(ctx)).length) revision = await revisionOf(ctx.db);
  const table = await readHolidayTable(ctx.db);
  cache.set(ctx.db, { revision, table });
  return { ...table, revision };
}

/** The working-day calendar deadlines are counted with: the stored table plus the installation's own days. */
export async function workCalendar(ctx: Context): Promise<WorkCalendar & { revision: number }> {
  const table = await loadHolidayTable(ctx);
  return {
    table,
    revision: table.revision,
    extraHolidays: ctx.config.workflow.extraHolidays,
    extraWorkdays: ctx.config.workflow.extraWorkdays,
  };
}

export interface CalendarYear {
  year: number;
  source: 'package' | 'import';
  title: string;
  reference: string | null;
  updatedAt: string;
  holidays: number;
  workdays: number;
}

export interface CalendarStatus {
  revision: number;
  years: CalendarYear[];
  /** The last day the calendar knows: deadlines after it are provisional. */
  lastKnownDay: string | null;
  today: string;
  nextYear: number;
  /** Set from 1 November while next year's notice is missing, and whenever this year's is. */
  warning: { missingYear: number } | null;
}

/** What the data authority sees of the calendar: the years known and whether one is missing. */
export async function calendarStatus(ctx: Context): Promise<CalendarStatus> {
  const { revision } = await loadHolidayTable(ctx);
  const rows = await ctx.db
    .selectFrom('work_calendar_year as y')
    .leftJoin('work_calendar_day as d', 'd.year', 'y.year')
    .select(['y.year', 'y.source', 'y.title', 'y.reference', 'y.updated_at'])
    .select((eb) => [
      eb.fn.count<string>('d.date').filterWhere('d.kind', '=', 'holiday').as('holidays'),
      eb.fn.count<string>('d.date').filterWhere('d.kind', '=', 'workday').as('workdays'),
    ])
    .groupBy(['y.year', 'y.source', 'y.title', 'y.reference', 'y.updated_at'])
    .orderBy('y.year', 'desc')
    .execute();
  const today = shanghaiDate(ctx.clock.now());
  const year = Number(today.slice(0, 4));
  const known = new Set(rows.map((r) => r.year));
  const missingYear = !known.has(year)
    ? year
    : today.slice(5) >= '11-01' && !known.has(year + 1)
      ? year + 1
      : null;
  return {
    revision,
    years: rows.map((r) => ({
      year: r.year,
      source: r.source as CalendarYear['source'],
      title: r.title,
      reference: r.reference,
      updatedAt: new Date(r.updated_at).toISOString(),
      holidays: Number(r.holidays),
      workdays: Number(r.workdays),
    })),
    lastKnownDay: rows.length ? `${rows[0]!.year}-12-31` : null,
    today,
    nextYear: year + 1,
    warning: missingYear ? { missingYear } : null,
  };
}

/** The installation's deadline for a workflow: days and unit (KAIFANG_DEADLINE_PRESET and the per-workflow keys). */
export const deadlineRule = (
  ctx: Context,
  workflow: 'application' | 'sharing' | 'demand' | 'correction',
): DeadlineRule => ctx.config.workflow.deadlines[workflow];
