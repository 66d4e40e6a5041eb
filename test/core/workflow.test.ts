import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addWorkingDays,
  calendarCovers,
  currentCommitment,
  deadlineAfter,
  effectiveGrantStatus,
  findCommitment,
  grantActions,
  grantPartiesFor,
  boundByRuling,
  grantStatuses,
  holidayName,
  isWorkingDay,
  nextGrantStatus,
  negotiationStage,
  mayOpenNegotiation,
  nextReportDue,
  nextRequestStatus,
  partiesFor,
  pauseDeadline,
  requestActions,
  requestStatuses,
  resumeDeadline,
  shanghaiDate,
  workingDaysBetween,
  workingDaysOverdue,
  type GrantStatus,
  type NegotiationStage,
  type Party,
  type RequestAction,
  type RequestKind,
  type RequestStatus,
} from '../../src/core/index.ts';

const range = (from: string, to: string) => {
  const out: string[] = [];
  for (
    let d = new Date(`${from}T00:00:00Z`);
    d <= new Date(`${to}T00:00:00Z`);
    d = new Date(d.getTime() + 86_400_000)
  )
    out.push(d.toISOString().slice(0, 10));
  return out;
};

describe('working-day calendar against the State Council notices', () => {
  // 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）.
  test('2025: 春节 28 Jan–4 Feb off, Sun 26 Jan and Sat 8 Feb worked; 国庆/中秋 1–8 Oct off, Sun 28 Sep and Sat 11 Oct worked', () => {
    for (const d of range('2025-01-28', '2025-02-04')) assert.equal(isWorkingDay(d), false, d);
    for (const d of range('2025-10-01', '2025-10-08')) assert.equal(isWorkingDay(d), false, d);
    for (const d of ['2025-01-26', '2025-02-08', '2025-09-28', '2025-10-11', '2025-04-27'])
      assert.equal(isWorkingDay(d), true, d);
    for (const d of ['2025-01-27', '2025-02-05', '2025-09-30', '2025-10-09'])
      assert.equal(isWorkingDay(d), true, `${d} is an ordinary weekday`);
    for (const d of ['2025-01-25', '2025-02-09', '2025-10-12'])
      assert.equal(isWorkingDay(d), false, `${d} is an ordinary weekend day`);
    assert.equal(holidayName('2025-01-29'), '春节');
    assert.equal(holidayName('2025-02-08'), '春节');
    assert.equal(holidayName('2025-10-06'), '中秋');
  });

  // 国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）.
  test('2026: 春节 15–23 Feb off, Sat 14 Feb and Sat 28 Feb worked; 中秋 25–27 Sep; 国庆 1–7 Oct off, Sun 20 Sep and Sat 10 Oct worked', () => {
    for (const d of range('2026-02-15', '2026-02-23')) assert.equal(isWorkingDay(d), false, d);
    for (const d of [...range('2026-09-25', '2026-09-27'), ...range('2026-10-01', '2026-10-07')])
      assert.equal(isWorkingDay(d), false, d);
    for (const d of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'])
      assert.equal(isWorkingDay(d), true, d);
    assert.equal(isWorkingDay('2026-10-08'), true);
  });

  test('deadlines across 春节, 国庆 and 调休 Saturdays, written by hand from the notices', () => {
    const cases: [string, number, string][] = [
      // From Mon 27 Jan 2025: the holiday passes, Wed 5–Fri 7 Feb, Sat 8 Feb (worked), Mon 10 Feb.
      ['2025-01-27', 5, '2025-02-10'],
      // From Fri 24 Jan 2025: Sun 26 Jan (worked) counts, then Mon 27 Jan, then 5, 6, 7 Feb.
      ['2025-01-24', 5, '2025-02-07'],
      // From Fri 26 Sep 2025: Sun 28 Sep (worked), 29, 30 Sep, then 9, 10 Oct.
      ['2025-09-26', 5, '2025-10-10'],
      // From Tue 30 Sep 2025, three days: 9 Oct, 10 Oct, Sat 11 Oct (worked).
      ['2025-09-30', 3, '2025-10-11'],
      ['2025-09-30', 5, '2025-10-14'],
      // From Fri 13 Feb 2026: Sat 14 Feb (worked), then 24–27 Feb; six days reach Sat 28 Feb (worked).
      ['2026-02-13', 5, '2026-02-27'],
      ['2026-02-13', 6, '2026-02-28'],
      // From Fri 18 Sep 2026: Sun 20 Sep (worked), 21–24 Sep.
      ['2026-09-18', 5, '2026-09-24'],
      // 中秋 then 国庆 2026: from Thu 24 Sep three days are 28, 29, 30 Sep; from 30 Sep: 8, 9 Oct and Sat 10 Oct.
      ['2026-09-24', 3, '2026-09-30'],
      ['2026-09-30', 3, '2026-10-10'],
    ];
    for (const [from, days, due] of cases)
      assert.equal(addWorkingDays(from, days), due, `${days} working days after ${from}`);
  });

  test('deadlines are days in Shanghai whatever the instant; the due day holds until its last millisecond', () => {
    // 23:30 in Beijing on 27 Jan is still 27 Jan there, though it is 15:30 UTC.
    const d = deadlineAfter(new Date('2025-01-27T23:30:00+08:00'), 5);
    assert.equal(d.dueDate, '2025-02-10');
    assert.equal(d.dueAt.toISOString(), '2025-02-10T15:59:59.999Z');
    assert.equal(shanghaiDate(new Date('2025-01-27T16:00:00Z')), '2025-01-28');
    assert.equal(workingDaysOverdue(new Date('2025-02-10T23:59:00+08:00'), d.dueAt), 0);
    assert.equal(workingDaysOverdue(new Date('2025-02-12T09:00:00+08:00'), d.dueAt), 2);
  });

  test('returned for information pauses the clock; resubmission resumes it with the days left (at least one)', () => {
    // Submitted Mon 20 Jan 2025, 5 days → due Sun 26 Jan (a worked day before 春节).
    const submitted = deadlineAfter(new Date('2025-01-20T10:00:00+08:00'), 5);
    assert.equal(submitted.dueDate, '2025-01-26');
    // Returned Wed 22 Jan: 23, 24 and 26 Jan are left.
    const left = pauseDeadline(new Date('2025-01-22T15:00:00+08:00'), submitted.dueAt);
    assert.equal(left, 3);
    // Answered Wed 5 Feb, after the holiday: 6, 7 and Sat 8 Feb (worked).
    assert.equal(resumeDeadline(new Date('2025-02-05T11:00:00+08:00'), left).dueDate, '2025-02-08');
    // Returned on the due day itself: nothing left, but the department still gets one working day.
    assert.equal(pauseDeadline(new Date('2025-01-26T10:00:00+08:00'), submitted.dueAt), 0);
    assert.equal(resumeDeadline(new Date('2025-02-05T11:00:00+08:00'), 0).dueDate, '2025-02-06');
  });

  test('installation days off and worked days override the national calendar; uncovered years are known', () => {
    assert.equal(isWorkingDay('2026-03-03', { extraHolidays: ['2026-03-03'] }), false);
    assert.equal(isWorkingDay('2026-03-07', { extraWorkdays: ['2026-03-07'] }), true);
    assert.equal(addWorkingDays('2026-03-02', 1, { extraHolidays: ['2026-03-03'] }), '2026-03-04');
    assert.equal(workingDaysBetween('2026-03-02', '2026-03-09'), 5);
    assert.equal(calendarCovers(2025), true);
    assert.equal(calendarCovers(2026), true);
    assert.equal(calendarCovers(1999), false);
    assert.throws(() => addWorkingDays('2026-02-30', 1), RangeError);
    assert.throws(() => addWorkingDays('2026-03-02', 0), RangeError);
  });
});

describe('request state machine (design §7)', () => {
  type Facts = { overdue?: boolean; final?: boolean; negotiation?: NegotiationStage };
  type Expect = { to: RequestStatus; by: Party[]; when?: (f: Facts) => boolean };
  const notFinal = (f: Facts) => !f.final;
  // Every step there is, written out by hand; everything else must be refused.
  const both: Record<string, Expect[]> = {
    'submitted/return_for_info': [{ to: 'returned_for_info', by: ['provider'] }],
    'submitted/approve': [{ to: 'approved', by: ['provider'] }],
    'submitted/reject': [{ to: 'rejected', by: ['provider'] }],
    'submitted/withdraw': [{ to: 'withdrawn', by: ['requester'] }],
    'returned_for_info/resubmit': [{ to: 'submitted', by: ['requester'] }],
    'returned_for_info/withdraw': [{ to: 'withdrawn', by: ['requester'] }],
    'approved/revoke': [{ to: 'revoked', by: ['provider', 'authority'], when: notFinal }],
    'approved/expire': [{ to: 'expired', by: ['system'] }],
  };
  const expected: Record<RequestKind, Record<string, Expect[]>> = {
    application: both,
    sharing: {
      ...both,
      // Escalation only after 协商: the thread's deadline passed or a side gave up.
      'submitted/escalate': [
        { to: 'escalated', by: ['requester'], when: (f) => !!f.overdue && f.negotiation === 'ended' },
      ],
      'rejected/escalate': [
        { to: 'escalated', by: ['requester'], when: (f) => !f.final && f.negotiation === 'ended' },
      ],
      // 协商 may end in agreement: the provider reconsiders.
      'rejected/approve': [
        {
          to: 'approved',
          by: ['provider'],
          when: (f) => !f.final && (f.negotiation === 'open' || f.negotiation === 'ended'),
        },
      ],
      'escalated/approve': [{ to: 'approved', by: ['authority'] }],
      'escalated/reject': [{ to: 'rejected', by: ['authority'] }],
      'escalated/withdraw': [{ to: 'withdrawn', by: ['requester'] }],
      // What the authority ordered binds the provider: only the authority revokes it.
      'approved/revoke': [
        { to: 'revoked', by: ['provider', 'authority'], when: notFinal },
        { to: 'revoked', by: ['authority'], when: (f) => !!f.final },
      ],
    },
  };
  const allFacts: Facts[] = [undefined, 'none', 'open', 'ended'].flatMap((negotiation) =>
    [{}, { overdue: true }, { final: true }, { overdue: true, final: true }].map((f) => ({
      ...f,
      ...(negotiation && { negotiation: negotiation as NegotiationStage }),
    })),
  );

  for (const kind of ['application', 'sharing'] as RequestKind[]) {
    test(`${kind}: every (state, action) pair is either the step written above or refused`, () => {
      let steps = 0;
      for (const from of requestStatuses) {
        for (const action of requestActions as RequestAction[]) {
          const es = expected[kind][`${from}/${action}`] ?? [];
          for (const facts of allFacts) {
            const e = es.find((x) => !x.when || x.when(facts));
            const got = nextRequestStatus(kind, from, action, facts);
            assert.equal(got, e?.to ?? null, `${kind} ${from} --${action}--> with ${JSON.stringify(facts)}`);
            assert.deepEqual(
              partiesFor(kind, from, action, facts),
              e?.by ?? [],
              `${kind} ${from} ${action} parties with ${JSON.stringify(facts)}`,
            );
          }
          if (es.length) steps++;
        }
      }
      assert.equal(steps, Object.keys(expected[kind]).length);
    });
  }

  test('协商: a thread is open until its deadline passes or a side gives up; only refused (not by the authority) or overdue sharing requests open one', () => {
    const due = new Date('2026-03-09T15:59:59.999Z');
    assert.equal(negotiationStage(null, due), 'none');
    assert.equal(negotiationStage({ dueAt: due, endedAt: null }, due), 'open', 'the due day holds');
    assert.equal(negotiationStage({ dueAt: due, endedAt: null }, new Date(due.getTime() + 1)), 'ended');
    assert.equal(
      negotiationStage({ dueAt: due, endedAt: '2026-03-03T02:00:00Z' }, new Date('2026-03-03T03:00:00Z')),
      'ended',
    );
    assert.equal(mayOpenNegotiation('sharing', 'rejected', {}), true);
    assert.equal(mayOpenNegotiation('sharing', 'rejected', { final: true }), false);
    assert.equal(mayOpenNegotiation('sharing', 'submitted', { overdue: true }), true);
    assert.equal(mayOpenNegotiation('sharing', 'submitted', {}), false);
    assert.equal(mayOpenNegotiation('application', 'rejected', {}), false);
    for (const s of [
      'returned_for_info',
      'escalated',
      'approved',
      'withdrawn',
      'revoked',
      'expired',
    ] as const)
      assert.equal(mayOpenNegotiation('sharing', s, { overdue: true }), false, s);
  });

  test('terminal states have no way out', () => {
    for (const kind of ['application', 'sharing'] as RequestKind[])
      for (const from of ['withdrawn', 'revoked', 'expired'] as RequestStatus[])
        for (const action of requestActions)
          assert.equal(
            nextRequestStatus(kind, from, action, { overdue: true }),
            null,
            `${kind} ${from} ${action}`,
          );
  });
});

describe('grant state machine', () => {
  test('every (state, action) pair', () => {
    const expected: Record<string, GrantStatus> = {
      'active/suspend': 'suspended',
      'suspended/reinstate': 'active',
      'active/revoke': 'revoked',
      'suspended/revoke': 'revoked',
      'active/expire': 'expired',
      'suspended/expire': 'expired',
    };
    for (const from of grantStatuses)
      for (const action of grantActions)
        assert.equal(
          nextGrantStatus(from, action),
          expected[`${from}/${action}`] ?? null,
          `${from} ${action}`,
        );
  });

  test('a grant the authority ordered is the authority’s alone to suspend, reinstate or revoke', () => {
    for (const action of ['suspend', 'reinstate', 'revoke'] as const) {
      assert.deepEqual(grantPartiesFor(action), ['provider', 'authority']);
      assert.deepEqual(grantPartiesFor(action, { orderedByAuthority: true }), ['authority']);
      assert.equal(boundByRuling(action, { orderedByAuthority: true }), true);
      assert.equal(boundByRuling(action, {}), false);
    }
    assert.deepEqual(grantPartiesFor('expire', { orderedByAuthority: true }), ['system']);
    assert.equal(boundByRuling('expire', { orderedByAuthority: true }), false);
  });

  test('a grant past its end reads as expired before the sweep records it', () => {
    const end = new Date('2026-03-31T15:59:59.999Z');
    assert.equal(effectiveGrantStatus('active', end, new Date('2026-03-31T15:00:00Z')), 'active');
    assert.equal(effectiveGrantStatus('active', end, new Date('2026-03-31T16:00:00Z')), 'expired');
    assert.equal(effectiveGrantStatus('suspended', end, new Date('2026-04-01T00:00:00Z')), 'expired');
    assert.equal(effectiveGrantStatus('revoked', end, new Date('2026-04-01T00:00:00Z')), 'revoked');
  });

  test('usage reports fall due one interval later, clamped to the month end', () => {
    assert.equal(nextReportDue('2026-01-31', 'monthly'), '2026-02-28');
    assert.equal(nextReportDue('2026-03-02', 'quarterly'), '2026-06-02');
    assert.equal(nextReportDue('2026-08-31', 'semiannual'), '2027-02-28');
    assert.equal(nextReportDue('2024-02-29', 'annual'), '2025-02-28');
  });

  test('the security commitment is versioned and the current version is findable', () => {
    const c = currentCommitment();
    assert.ok(c.text.zh.includes('承诺') && c.text.en.length > 100);
    assert.equal(findCommitment(c.version), c);
    assert.equal(findCommitment('no-such-version'), undefined);
  });
});
