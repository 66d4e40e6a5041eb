import { Type, type Static } from '@sinclair/typebox';
import { validationFailed } from '../errors.ts';
import type { FieldError } from '../types.ts';
import { shapeErrors } from '../validation.ts';
import { addCalendarDays, isCalendarDate, type HolidayTable } from './calendar.ts';

/**
 * One year's State Council notice (国务院办公厅关于某年部分节假日安排的通知) as the data authority
 * enters it: each holiday with its days off and the weekend days worked instead, as the notice
 * lists them ("春节：2月5日至13日放假调休，共9天。2月20日（星期六）上班。"). docs/api.md shows
 * the JSON and CSV forms.
 */
const Day = Type.String({ format: 'date' });
export const HolidayNoticeSchema = Type.Object(
  {
    year: Type.Integer({ minimum: 2000, maximum: 2100 }),
    /** The notice's title, e.g. 国务院办公厅关于2027年部分节假日安排的通知. */
    title: Type.String({ minLength: 1, maxLength: 200 }),
    /** Document number or URL (国办发明电〔2026〕N号). */
    reference: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    holidays: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 20 }),
          from: Day,
          to: Day,
          workdays: Type.Optional(Type.Array(Day, { maxItems: 5 })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
  },
  { additionalProperties: false },
);
export type HolidayNotice = Static<typeof HolidayNoticeSchema>;

/** A notice turned into the days it sets: what the calendar table stores for the year. */
export interface NoticeDays {
  year: number;
  title: string;
  reference: string | null;
  days: { date: string; kind: 'holiday' | 'workday'; name: string }[];
}

const err = (field: string, code: string, zh: string, en: string): FieldError => ({
  field,
  code,
  message: { zh, en },
});
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
// A notice's days lie in its year, except a 元旦 break that starts in late December or a make-up
// day just before it; a date further away is a typing mistake.
const MAX_BREAK_DAYS = 15;

/**
 * Checks a notice and expands it to days. Refused (one error listing every problem): dates
 * outside the year and its edges, a break running backwards or longer than 15 days, two
 * holidays sharing a day, a make-up day that is not a Saturday or Sunday or that falls in a break.
 */
export function noticeDays(input: unknown): NoticeDays {
  const errors = shapeErrors(HolidayNoticeSchema, input);
  if (errors.length) throw validationFailed(errors);
  const n = input as HolidayNotice;
  const first = `${n.year - 1}-12-01`;
  const last = `${n.year + 1}-01-31`;
  const days = new Map<string, { kind: 'holiday' | 'workday'; name: string }>();
  const names = new Set<string>();
  n.holidays.forEach((h, i) => {
    const at = `holidays[${i}]`;
    const name = h.name.trim();
    if (!name) errors.push(err(`${at}.name`, 'required', '节日名称不能为空白', 'The holiday needs a name'));
    if (names.has(name))
      errors.push(err(`${at}.name`, 'duplicate', `节日“${name}”出现两次`, `Holiday "${name}" appears twice`));
    names.add(name);
    if (![h.from, h.to, ...(h.workdays ?? [])].every(isCalendarDate)) {
      errors.push(err(at, 'invalid_date', '日期无效', 'Invalid date'));
      return;
    }
    if (h.from > h.to)
      errors.push(err(`${at}.to`, 'invalid_range', '放假结束早于开始', 'The break ends before it starts'));
    else if (h.from < first || h.to > last)
      errors.push(err(at, 'out_of_year', `日期不在 ${n.year} 年内`, `The dates are not in ${n.year}`));
    else {
      let count = 0;
      for (let d = h.from; d <= h.to; d = addCalendarDays(d, 1)) {
        if (++count > MAX_BREAK_DAYS) {
          errors.push(
            err(
              `${at}.to`,
              'too_long',
              `放假超过 ${MAX_BREAK_DAYS} 天`,
              `A break of more than ${MAX_BREAK_DAYS} days`,
            ),
          );
          break;
        }
        if (days.has(d)) errors.push(err(at, 'overlap', `${d} 属于两个节日`, `${d} belongs to two holidays`));
        days.set(d, { kind: 'holiday', name });
      }
    }
  });
  n.holidays.forEach((h, i) => {
    (h.workdays ?? []).forEach((d, j) => {
      const at = `holidays[${i}].workdays[${j}]`;
      if (!isCalendarDate(d)) return;
      if (d < first || d > last)
        errors.push(err(at, 'out_of_year', `日期不在 ${n.year} 年内`, `The date is not in ${n.year}`));
      else if (weekday(d) !== 0 && weekday(d) !== 6)
        errors.push(
          err(
            at,
            'not_weekend',
            `调休上班日 ${d} 不是周六或周日`,
            `Make-up day ${d} is not a Saturday or Sunday`,
          ),
        );
      else if (days.has(d)) errors.push(err(at, 'overlap', `${d} 已是放假日`, `${d} is already a day off`));
      else days.set(d, { kind: 'workday', name: h.name.trim() });
    });
  });
  if (errors.length) throw validationFailed(errors);
  return {
    year: n.year,
    title: n.title.trim(),
    reference: n.reference?.trim() || null,
    days: [...days].map(([date, d]) => ({ date, ...d })).sort((a, b) => a.date.localeCompare(b.date)),
  };
}

/** The notice a year of the table amounts to, as the authority would enter it again (for editing). */
export function noticeOf(
  year: number,
  title: string,
  reference: string | null,
  days: { date: string; kind: 'holiday' | 'workday'; name: string }[],
): HolidayNotice {
  const holidays: HolidayNotice['holidays'] = [];
  const sorted = [...days].sort((a, b) => a.date.localeCompare(b.date));
  for (const d of sorted.filter((x) => x.kind === 'holiday')) {
    const last = holidays[holidays.length - 1];
    if (last && last.name === d.name && addCalendarDays(last.to, 1) === d.date) last.to = d.date;
    else holidays.push({ name: d.name, from: d.date, to: d.date });
  }
  for (const d of sorted.filter((x) => x.kind === 'workday')) {
    const h = holidays.find((x) => x.name === d.name) ?? holidays[0];
    if (h) h.workdays = [...(h.workdays ?? []), d.date];
  }
  return { year, title, reference, holidays };
}

/** The table built from stored days: the years present and what each day is. */
export function holidayTableOf(
  years: readonly number[],
  days: readonly { date: string; kind: string; name: string }[],
): HolidayTable {
  const holidays: Record<string, string> = {};
  const workdays: Record<string, string> = {};
  for (const d of days) (d.kind === 'workday' ? workdays : holidays)[d.date] = d.name;
  return { holidays, workdays, years: [...years].sort((a, b) => a - b) };
}
