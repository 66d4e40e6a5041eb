/**
 * 开放 / 共享: applications for conditional data (开放申请, applications/), sharing requests between
 * departments (共享申请, sharing/), the grants they lead to (grants/), revocation notices, and the
 * data gate every read of data passes (data-gate.ts). Stands above catalog and data and reads them
 * through their doors (docs/architecture.md, ADR 0021).
 */
export { resolveDataAccess, type DataAccess, type RowCondition } from './data-access.ts';
export type { DataUseNote } from './data-access.ts';
export { dataReader, checkAccess, accessDenied } from './data-gate.ts';
export {
  submitApplication,
  applicationPrefill,
  getApplication,
  listApplications,
  decideApplication,
  sendDeadlineReminders,
  listOverdue,
  type RequestFilter,
  type Prefill,
  type DecisionAction,
  type ReminderRun,
  type OverdueItem,
  type OverdueByDepartment,
} from './applications/index.ts';
export * from './sharing/index.ts';
export {
  getGrant,
  listGrants,
  changeGrantStatus,
  expireGrants,
  logGrantUse,
  listGrantUses,
  fileUsageReport,
  listUsageReports,
  createGrantToken,
  listRevocationNotices,
  maskName,
  askForRuling,
  listRulingRequests,
  decideRulingRequest,
  RulingRequestInputSchema,
  type GrantFilter,
  type DataUse,
  type DataUseEntry,
} from './grants/index.ts';
export {
  calendarStatus,
  calendarYear,
  importCalendarYear,
  parseNoticeText,
  noticeToCsv,
  workCalendar,
  type CalendarStatus,
  type CalendarImport,
} from './calendar/index.ts';
