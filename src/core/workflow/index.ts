/** Workflows of tiered access (design §7): pure state machines, deadlines in working days, commitment texts. */
export {
  type WorkCalendar,
  type HolidayTable,
  type DayUnit,
  type DeadlineRule,
  type Deadline,
  dayUnits,
  packageHolidayTable,
  isCalendarDate,
  shanghaiDate,
  endOfShanghaiDay,
  addCalendarDays,
  calendarCovers,
  isWorkingDay,
  holidayName,
  addWorkingDays,
  workingDaysBetween,
  deadlineAfter,
  workingDaysLeft,
  workingDaysOverdue,
  pauseDeadline,
  resumeDeadline,
  uncoveredYears,
} from './calendar.ts';
export {
  HolidayNoticeSchema,
  type HolidayNotice,
  type NoticeDays,
  noticeDays,
  noticeOf,
  holidayTableOf,
} from './holiday-notice.ts';
export {
  type RequestKind,
  type RequestStatus,
  type RequestAction,
  type Party,
  type RequestFacts,
  requestStatuses,
  requestActions,
  openRequestStatuses,
  nextRequestStatus,
  partiesFor,
  availableActions,
  clockRuns,
} from './requests.ts';
export {
  type GrantStatus,
  type GrantAction,
  type ReportInterval,
  grantStatuses,
  grantActions,
  nextGrantStatus,
  grantPartiesFor,
  effectiveGrantStatus,
  reportIntervals,
  nextReportDue,
} from './grants.ts';
export { type Commitment, commitments, currentCommitment, findCommitment } from './commitment.ts';
export type {
  RowCondition,
  Applicant,
  RequestDataset,
  RequestDeadline,
  AccessRequest,
  GrantDataset,
  GrantKind,
  Grant,
  UsageReport,
  RevocationNotice,
} from './types.ts';
export {
  RowConditionSchema,
  RequestInputSchema,
  ApproveInputSchema,
  ReasonInputSchema,
  WithdrawInputSchema,
  ResubmitInputSchema,
  UsageReportInputSchema,
  GrantTokenInputSchema,
} from './schemas.ts';
export { invalidTransition } from './errors.ts';
export { REASON_MIN_UNITS, reasonUnits, reasonErrors } from './reasons.ts';
