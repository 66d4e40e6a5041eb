import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  DomainError,
  deadlineAfter,
  holidayTableOf,
  noticeDays,
  noticeOf,
  packageHolidayTable,
  pauseDeadline,
  resumeDeadline,
  type WorkCalendar,
} from '../../src/core/index.ts';

// The 2027 arrangement of the test fixture (not the State Council's notice): 元旦 1–3 January,
// 春节 5–13 February with 14 and 20 February worked, and so on.
const fixture = JSON.parse(fs.readFileSync('test/fixtures/holidays-2027.json', 'utf8'));
const pkg = packageHolidayTable();
const with2027 = (): WorkCalendar => {
  const days = noticeDays(fixture).days;
  const stored = [
    ...Object.entries(pkg.holidays).map(([date, name]) => ({ date, name, kind: 'holiday' })),
    ...Object.entries(pkg.workdays).map(([date, name]) => ({ date, name, kind: 'workday' })),
    ...days,
  ];
  return { table: holidayTableOf([...pkg.years, 2027], stored) };
};
const at = (iso: string) => new Date(iso);

describe('the holiday table as data (issue 14)', () => {
  test('the package ends with 2026: deadlines running into 2027 are provisional, Monday–Friday', () => {
    assert.equal(pkg.years.at(-1), 2026);
    // An application submitted Mon 28 Dec 2026, 5 working days: 元旦 is not known yet.
    assert.deepEqual(
      { ...deadlineAfter(at('2026-12-28T10:00:00+08:00'), 5), dueAt: undefined },
      { dueDate: '2027-01-04', dueAt: undefined, provisional: true },
    );
    // A sharing request on Thu 4 Feb 2027, 3 working days: 春节 is not known yet.
    const spring = deadlineAfter(at('2027-02-04T10:00:00+08:00'), 3);
    assert.equal(spring.dueDate, '2027-02-09');
    assert.equal(spring.provisional, true);
  });

  test('after the 2027 notice the same cases are right and no longer provisional', () => {
    const cal = with2027();
    const newYear = deadlineAfter(at('2026-12-28T10:00:00+08:00'), 5, cal);
    assert.equal(newYear.dueDate, '2027-01-05');
    assert.equal(newYear.provisional, false);
    assert.equal(newYear.dueAt.toISOString(), '2027-01-05T15:59:59.999Z');
    const spring = deadlineAfter(at('2027-02-04T10:00:00+08:00'), 3, cal);
    // 5–13 February off, Sunday 14 worked: a week later than Monday–Friday.
    assert.equal(spring.dueDate, '2027-02-16');
    assert.equal(spring.provisional, false);
    // 劳动节: 1–5 May off, Saturday 8 May worked.
    assert.equal(deadlineAfter(at('2027-04-30T10:00:00+08:00'), 2, cal).dueDate, '2027-05-07');
    assert.equal(deadlineAfter(at('2027-04-30T10:00:00+08:00'), 3, cal).dueDate, '2027-05-08');
  });

  test('across the year boundary', () => {
    const cal = with2027();
    // Wed 30 Dec 2026, 3 working days: Thu 31, (1–3 January off) Mon 4, Tue 5.
    assert.equal(deadlineAfter(at('2026-12-30T16:00:00+08:00'), 3).dueDate, '2027-01-04');
    assert.equal(deadlineAfter(at('2026-12-30T16:00:00+08:00'), 3, cal).dueDate, '2027-01-05');
    // An instant late on 31 December in UTC is already 1 January in Shanghai.
    const nextDay = deadlineAfter(at('2026-12-31T17:00:00Z'), 1, cal);
    assert.equal(nextDay.dueDate, '2027-01-04');
    // Deadlines that end in 2026 are exact and never provisional, with or without 2027.
    for (const c of [{}, cal]) {
      const d = deadlineAfter(at('2026-12-24T10:00:00+08:00'), 5, c);
      assert.deepEqual([d.dueDate, d.provisional], ['2026-12-31', false]);
      const national = deadlineAfter(at('2026-09-30T10:00:00+08:00'), 3, c);
      assert.deepEqual([national.dueDate, national.provisional], ['2026-10-10', false]);
    }
  });

  test('calendar days ("3日内") end on the next working day when the last day is a day off', () => {
    const rule = { days: 3, unit: 'calendar' as const };
    // Tue 29 Dec 2026 + 3 days = Fri 1 Jan 2027 (元旦): Mon 4 January once 2027 is known.
    const before = deadlineAfter(at('2026-12-29T10:00:00+08:00'), rule);
    assert.deepEqual([before.dueDate, before.provisional], ['2027-01-01', true]);
    const after = deadlineAfter(at('2026-12-29T10:00:00+08:00'), rule, with2027());
    assert.deepEqual([after.dueDate, after.provisional], ['2027-01-04', false]);
    // Within a known year: Fri 2 Oct 2026 + 3 = Mon 5 Oct, in 国庆 → Thu 8 Oct.
    assert.equal(deadlineAfter(at('2026-10-02T10:00:00+08:00'), rule).dueDate, '2026-10-08');
    // Pausing a calendar-day clock keeps calendar days.
    assert.equal(
      pauseDeadline(at('2026-03-02T10:00:00+08:00'), at('2026-03-09T15:59:59.999Z'), {}, 'calendar'),
      7,
    );
    assert.equal(resumeDeadline(at('2026-03-10T10:00:00+08:00'), 2, {}, 'calendar').dueDate, '2026-03-12');
  });

  test('a notice is checked and expanded to days; a stored year reads back as the same notice', () => {
    const n = noticeDays(fixture);
    assert.equal(n.year, 2027);
    assert.equal(n.days.filter((d) => d.kind === 'holiday').length, 3 + 9 + 3 + 5 + 1 + 1 + 7);
    assert.deepEqual(
      n.days.filter((d) => d.kind === 'workday').map((d) => d.date),
      ['2027-02-14', '2027-02-20', '2027-05-08', '2027-09-26', '2027-10-09'],
    );
    assert.deepEqual(noticeOf(n.year, n.title, n.reference, n.days), {
      year: 2027,
      title: fixture.title,
      reference: fixture.reference,
      holidays: fixture.holidays,
    });
    const refused = (patch: Record<string, unknown>, field: string, code: string) => {
      try {
        noticeDays({ ...fixture, ...patch });
        assert.fail('accepted');
      } catch (err) {
        assert.ok(err instanceof DomainError);
        const fields = (err.details as { fields: { field: string; code: string }[] }).fields;
        assert.ok(
          fields.some((f) => f.field === field && f.code === code),
          `${field} ${code} in ${JSON.stringify(fields)}`,
        );
      }
    };
    const one = (h: Record<string, unknown>) => ({
      holidays: [{ name: '春节', from: '2027-02-05', to: '2027-02-13', ...h }],
    });
    refused(one({ workdays: ['2027-02-17'] }), 'holidays[0].workdays[0]', 'not_weekend');
    refused(one({ workdays: ['2027-02-06'] }), 'holidays[0].workdays[0]', 'overlap');
    refused(one({ to: '2027-02-01' }), 'holidays[0].to', 'invalid_range');
    refused(one({ from: '2028-02-05', to: '2028-02-06' }), 'holidays[0]', 'out_of_year');
    refused(one({ to: '2027-03-13' }), 'holidays[0].to', 'too_long');
    refused(one({ name: '   ' }), 'holidays[0].name', 'required');
    refused({ holidays: [] }, 'holidays', 'invalid');
    refused(
      {
        holidays: [
          { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
          { name: '另一个', from: '2027-01-03', to: '2027-01-03' },
        ],
      },
      'holidays[1]',
      'overlap',
    );
  });
});
