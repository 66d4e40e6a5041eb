import holidayTable from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

/**
 * Working days in the People's Republic of China, counted in Asia/Shanghai (design §6).
 *
 * Statutory holidays (法定节假日) and the weekend days that are worked instead (调休上班) come
 * from `chinese-days`, which follows the State Council's yearly notice. An installation may add
 * its own days off or worked days (a local holiday, or a year the library does not know yet).
 *
 * Dates are `YYYY-MM-DD` strings: a deadline is a day in Shanghai, not an instant anywhere else.
 */

/**
 * The State Council's arrangement as data: days off (法定节假日, with the weekend days moved into
 * them) and weekend days worked instead (调休上班), each with the holiday's name, and the notice
 * years the table holds. The installation keeps it in its database and the data authority adds
 * each year (ADR 0031); `packageHolidayTable()` is the copy published in `chinese-days`.
 */
export interface HolidayTable {
  holidays: Readonly<Record<string, string>>;
  workdays: Readonly<Record<string, string>>;
  /** Notice years in the table: other years count Monday–Friday and their deadlines are provisional. */
  years: readonly number[];
}

export interface WorkCalendar {
  /** The holiday table; the package's published copy when absent. */
  table?: HolidayTable;
  /** Extra days off, `YYYY-MM-DD`. */
  extraHolidays?: readonly string[];
  /** Extra worked days, `YYYY-MM-DD`; they win over everything else. */
  extraWorkdays?: readonly string[];
}

/** How a rule counts its days: working days (工作日) or calendar days ("3日内"). */
export type DayUnit = 'working' | 'calendar';
export const dayUnits: readonly DayUnit[] = ['working', 'calendar'];

/** A deadline as an installation sets it for one workflow. */
export interface DeadlineRule {
  days: number;
  unit: DayUnit;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
// China has kept UTC+8 without daylight saving since 1991, so the offset is a constant.
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

function parts(date: string): [number, number, number] {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d)
    throw new RangeError(`no such date: ${date}`);
  return [y, mo, d];
}

export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    parts(value);
    return true;
  } catch {
    return false;
  }
}

/** The calendar day in Shanghai on which an instant falls. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The last millisecond of a Shanghai calendar day: a deadline "by day D" holds until then. */
export function endOfShanghaiDay(date: string): Date {
  const [y, m, d] = parts(date);
  return new Date(Date.UTC(y, m - 1, d + 1) - SHANGHAI_OFFSET_MS - 1);
}

export function addCalendarDays(date: string, n: number): string {
  const [y, m, d] = parts(date);
  return new Date(Date.UTC(y, m - 1, d) + n * DAY_MS).toISOString().slice(0, 10);
}

// Only the library's published table is used, not its functions: they parse dates as UTC and
// read them back in local time, which shifts every holiday by a day on a server west of UTC.
// Its entries read "Spring Festival,春节,4"; the table keeps the Chinese name.
const zhName = (entry: string) => entry.split(',')[1] ?? entry;
const PACKAGE_TABLE: HolidayTable = (() => {
  const pick = (src: Record<string, string>) =>
    Object.fromEntries(Object.entries(src).map(([d, e]) => [d, zhName(e)]));
  const holidays = pick(holidayTable.holidays);
  return {
    holidays,
    workdays: pick(holidayTable.workdays),
    years: [...new Set(Object.keys(holidays).map((d) => Number(d.slice(0, 4))))].sort((a, b) => a - b),
  };
})();

/** The arrangement published in `chinese-days`: what an installation starts from. */
export function packageHolidayTable(): HolidayTable {
  return PACKAGE_TABLE;
}

const tableOf = (cal: WorkCalendar) => cal.table ?? PACKAGE_TABLE;

/**
 * Whether the calendar carries the State Council's arrangement for a year (or the installation
 * has set days of its own in it). Other years fall back to Monday–Friday, which would ignore 春节
 * and 国庆: deadlines that run through them are provisional.
 */
export function calendarCovers(year: number, cal: WorkCalendar = {}): boolean {
  const prefix = `${year}-`;
  return (
    tableOf(cal).years.includes(year) ||
    !!cal.extraHolidays?.some((d) => d.startsWith(prefix)) ||
    !!cal.extraWorkdays?.some((d) => d.startsWith(prefix))
  );
}

export function isWorkingDay(date: string, cal: WorkCalendar = {}): boolean {
  const [y, m, d] = parts(date);
  if (cal.extraWorkdays?.includes(date)) return true;
  if (cal.extraHolidays?.includes(date)) return false;
  const table = tableOf(cal);
  if (table.workdays[date]) return true;
  if (table.holidays[date]) return false;
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The statutory holiday or worked-instead day a date is, as the State Council names it (e.g. 春节). */
export function holidayName(date: string, cal: WorkCalendar = {}): string | null {
  const table = tableOf(cal);
  return table.holidays[date] ?? table.workdays[date] ?? null;
}

/** The `n`-th working day strictly after `date` (the day something arrives does not count). */
export function addWorkingDays(date: string, n: number, cal: WorkCalendar = {}): string {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`working days must be a positive integer, got ${n}`);
  let day = date;
  for (let left = n; left > 0;) {
    day = addCalendarDays(day, 1);
    if (isWorkingDay(day, cal)) left--;
  }
  return day;
}

/** Working days `d` with `from < d ≤ to`; 0 when `to` is not after `from`. */
export function workingDaysBetween(from: string, to: string, cal: WorkCalendar = {}): number {
  let count = 0;
  for (let day = addCalendarDays(from, 1); day <= to; day = addCalendarDays(day, 1))
    if (isWorkingDay(day, cal)) count++;
  return count;
}

export interface Deadline {
  /** The Shanghai calendar day by which the answer is due. */
  dueDate: string;
  /** The end of that day, as an instant. */
  dueAt: Date;
  /**
   * The days counted run through a year the calendar does not know yet: the date is computed
   * Monday–Friday as well as it can be, and moves when the year's notice is imported.
   */
  provisional: boolean;
}

const ruleOf = (days: number | DeadlineRule): DeadlineRule =>
  typeof days === 'number' ? { days, unit: 'working' } : days;

/** The first working day on or after `date`. */
function workingDayFrom(date: string, cal: WorkCalendar): string {
  let day = date;
  while (!isWorkingDay(day, cal)) day = addCalendarDays(day, 1);
  return day;
}

/**
 * A deadline of `days` working (or calendar) days for something that arrived at `arrived`. A
 * period of calendar days that ends on a day off ends on the next working day instead
 * (民法典 第二百零三条: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日).
 */
export function deadlineAfter(arrived: Date, days: number | DeadlineRule, cal: WorkCalendar = {}): Deadline {
  const rule = ruleOf(days);
  const from = shanghaiDate(arrived);
  let dueDate: string;
  let provisional: boolean;
  if (rule.unit === 'working') {
    dueDate = addWorkingDays(from, rule.days, cal);
    provisional = uncoveredDays(from, dueDate, cal);
  } else {
    if (!Number.isInteger(rule.days) || rule.days < 1)
      throw new RangeError(`calendar days must be a positive integer, got ${rule.days}`);
    const nominal = addCalendarDays(from, rule.days);
    dueDate = workingDayFrom(nominal, cal);
    // Only the last day's being a day off matters, so only its year can make the date provisional.
    provisional = uncoveredDays(addCalendarDays(nominal, -1), dueDate, cal);
  }
  return { dueDate, dueAt: endOfShanghaiDay(dueDate), provisional };
}

/** Whether any day `d` with `from < d ≤ to` falls in a year the calendar does not cover. */
function uncoveredDays(from: string, to: string, cal: WorkCalendar): boolean {
  const first = Number(addCalendarDays(from, 1).slice(0, 4));
  for (let y = first; y <= Number(to.slice(0, 4)); y++) if (!calendarCovers(y, cal)) return true;
  return false;
}

/** Working days left before a deadline, counting from the day after `now` up to the due day. */
export function workingDaysLeft(now: Date, dueAt: Date, cal: WorkCalendar = {}): number {
  return workingDaysBetween(shanghaiDate(now), shanghaiDate(dueAt), cal);
}

/** Working days a deadline has been missed by (0 while it has not passed). */
export function workingDaysOverdue(now: Date, dueAt: Date, cal: WorkCalendar = {}): number {
  if (now.getTime() <= dueAt.getTime()) return 0;
  return workingDaysBetween(shanghaiDate(dueAt), shanghaiDate(now), cal);
}

/** Days of a unit `d` with `from < d ≤ to`. */
function daysBetween(from: string, to: string, unit: DayUnit, cal: WorkCalendar): number {
  if (unit === 'working') return workingDaysBetween(from, to, cal);
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS));
}

/**
 * Returning a request for more information stops its clock. What is left is the days (of the
 * rule's unit) after the day it was returned, up to the due day; when the requester answers, the
 * clock resumes from the day of the answer with at least one day, so the department is never
 * handed a deadline that has already passed.
 */
export function pauseDeadline(
  returnedAt: Date,
  dueAt: Date,
  cal: WorkCalendar = {},
  unit: DayUnit = 'working',
): number {
  return daysBetween(shanghaiDate(returnedAt), shanghaiDate(dueAt), unit, cal);
}

export function resumeDeadline(
  resumedAt: Date,
  remainingDays: number,
  cal: WorkCalendar = {},
  unit: DayUnit = 'working',
): Deadline {
  return deadlineAfter(resumedAt, { days: Math.max(1, remainingDays), unit }, cal);
}

/** Years between two instants that the holiday data does not cover (to warn operators). */
export function uncoveredYears(from: Date, to: Date, cal: WorkCalendar = {}): number[] {
  const out: number[] = [];
  for (let y = Number(shanghaiDate(from).slice(0, 4)); y <= Number(shanghaiDate(to).slice(0, 4)); y++)
    if (!calendarCovers(y, cal)) out.push(y);
  return out;
}
