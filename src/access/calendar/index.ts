/** The holiday calendar (issue 14, ADR 0031): the State Council's days as the installation's data. */
export {
  workCalendar,
  deadlineRule,
  loadHolidayTable,
  seedFromPackage,
  calendarStatus,
  type CalendarStatus,
  type CalendarYear,
} from './table.ts';
export { importCalendarYear, calendarYear, type CalendarImport, type MovedDeadline } from './import.ts';
export { parseNoticeText, noticeToCsv } from './parse.ts';
