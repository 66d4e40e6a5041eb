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

export interface WorkCalendar {
  /** Extra days off, `YYYY-MM-DD`. */
  extraHolidays?: readonly string[];
  /** Extra worked days, `YYYY-MM-DD`; they win over everything else. */
  extraWorkdays?: readonly string[];
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
const HOLIDAYS: Readonly<Record<string, string>> = holidayTable.holidays;
const WORKDAYS: Readonly<Record<string, string>> = holidayTable.workdays;
const COVERED = new Set(Object.keys(HOLIDAYS).map((d) => Number(d.slice(0, 4))));

/**
 * Whether `chinese-days` carries the State Council's arrangement for a year. Other years fall
 * back to Monday–Friday, which would ignore 春节 and 国庆; callers warn about them, and an
 * installation can add the year's days through its calendar settings.
 */
export function calendarCovers(year: number): boolean {
  return COVERED.has(year);
}

export function isWorkingDay(date: string, cal: WorkCalendar = {}): boolean {
  const [y, m, d] = parts(date);
  if (cal.extraWorkdays?.includes(date)) return true;
  if (cal.extraHolidays?.includes(date)) return false;
  if (WORKDAYS[date]) return true;
  if (HOLIDAYS[date]) return false;
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** The statutory holiday or worked-instead day a date is, as the State Council names it (e.g. 春节). */
export function holidayName(date: string): string | null {
  const entry = HOLIDAYS[date] ?? WORKDAYS[date];
  return entry ? (entry.split(',')[1] ?? null) : null;
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
}

/** A deadline of `days` working days for something that arrived at `arrived`. */
export function deadlineAfter(arrived: Date, days: number, cal: WorkCalendar = {}): Deadline {
  const dueDate = addWorkingDays(shanghaiDate(arrived), days, cal);
  return { dueDate, dueAt: endOfShanghaiDay(dueDate) };
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

/**
 * Returning a request for more information stops its clock. What is left is the working days
 * after the day it was returned, up to the due day; when the requester answers, the clock
 * resumes from the day of the answer with at least one working day, so the department is never
 * handed a deadline that has already passed.
 */
export function pauseDeadline(returnedAt: Date, dueAt: Date, cal: WorkCalendar = {}): number {
  return workingDaysLeft(returnedAt, dueAt, cal);
}

export function resumeDeadline(resumedAt: Date, remainingDays: number, cal: WorkCalendar = {}): Deadline {
  return deadlineAfter(resumedAt, Math.max(1, remainingDays), cal);
}

/** Years between two instants that the holiday data does not cover (to warn operators). */
export function uncoveredYears(from: Date, to: Date): number[] {
  const out: number[] = [];
  for (let y = Number(shanghaiDate(from).slice(0, 4)); y <= Number(shanghaiDate(to).slice(0, 4)); y++)
    if (!calendarCovers(y)) out.push(y);
  return out;
}
