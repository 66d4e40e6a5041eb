import type { ColumnType, Generated } from 'kysely';

/** Storage shapes of the tiered-access workflows (migration 005); only `access` reads them. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A calendar day in Asia/Shanghai, `YYYY-MM-DD` (stored as checked text, see migration 005). */
type DateColumn = string;
type Json<T> = ColumnType<T, string, string>;

export interface AccessRequestTable {
  id: Generated<string>;
  kind: string;
  batch_id: string;
  requester_id: string;
  requester_org_id: string | null;
  provider_org_id: string;
  status: string;
  purpose: string;
  scenario: string;
  period_start: DateColumn | null;
  period_end: DateColumn;
  applicant: Json<Record<string, string | null>>;
  commitment_version: string;
  commitment_accepted_at: Timestamp;
  deadline_days: number;
  submitted_at: Timestamp;
  due_at: Timestamp | null;
  remaining_days: number | null;
  info_request: string | null;
  info_response: string | null;
  decided_at: Timestamp | null;
  decided_by: string | null;
  decision_reason: string | null;
  escalated_at: Timestamp | null;
  escalation_reason: string | null;
  final: Generated<boolean>;
  reminded_for: Timestamp | null;
  overdue_notified_for: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Migration 013: the running clock, for recomputing it when the calendar changes. */
  deadline_unit: Generated<string>;
  clock_started_at: Timestamp | null;
  clock_days: number | null;
  due_provisional: Generated<boolean>;
}

export interface AccessRequestDatasetTable {
  request_id: string;
  dataset_id: string;
  fields: Json<string[] | null>;
}

export interface AccessGrantTable {
  id: Generated<string>;
  request_id: string;
  kind: string;
  user_id: string | null;
  org_id: string | null;
  provider_org_id: string;
  status: string;
  issued_at: Timestamp;
  issued_by: string | null;
  expires_at: Timestamp;
  report_every: string | null;
  next_report_due: DateColumn | null;
  report_reminded_for: DateColumn | null;
  status_reason: string | null;
  status_changed_at: Timestamp | null;
  status_changed_by: string | null;
  /** Migration 014: issued by the data authority's ruling. */
  ordered_by_authority: Generated<boolean>;
}

export interface AccessGrantDatasetTable {
  grant_id: string;
  dataset_id: string;
  fields: Json<string[] | null>;
  row_filter: Json<{ field: string; op: 'eq' | 'in'; value: string | number | (string | number)[] }[] | null>;
}

export interface GrantUsageReportTable {
  id: Generated<string>;
  grant_id: string;
  period_start: DateColumn;
  period_end: DateColumn;
  usage: string;
  results: string;
  submitted_by: string;
  submitted_at: Timestamp;
}

export interface DataAccessLogTable {
  id: Generated<number>;
  at: Timestamp;
  user_id: string | null;
  dataset_id: string;
  grant_id: string | null;
  basis: string;
  action: string;
  detail: Json<unknown>;
}

export interface NotificationTable {
  id: Generated<string>;
  seq: Generated<number>;
  user_id: string;
  kind: string;
  params: Json<Record<string, unknown>>;
  entity_type: string | null;
  entity_id: string | null;
  created_at: Timestamp;
  read_at: Timestamp | null;
}

/** The holiday calendar (migration 013). */
export interface WorkCalendarYearTable {
  year: number;
  source: string;
  title: string;
  reference: string | null;
  updated_at: Timestamp;
  updated_by: string | null;
}
export interface WorkCalendarDayTable {
  year: number;
  date: DateColumn;
  kind: string;
  name: string;
}
export interface WorkCalendarStateTable {
  id: Generated<boolean>;
  revision: number;
}

export interface AccessWorkflowTables {
  work_calendar_year: WorkCalendarYearTable;
  work_calendar_day: WorkCalendarDayTable;
  work_calendar_state: WorkCalendarStateTable;
  access_request: AccessRequestTable;
  access_request_dataset: AccessRequestDatasetTable;
  access_grant: AccessGrantTable;
  access_grant_dataset: AccessGrantDatasetTable;
  grant_usage_report: GrantUsageReportTable;
  data_access_log: DataAccessLogTable;
  notification: NotificationTable;
}
