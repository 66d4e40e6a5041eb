import type { GrantStatus, ReportInterval } from './grants.ts';
import type { DayUnit } from './calendar.ts';
import type { NegotiationStage } from './negotiation.ts';
import type { RequestAction, RequestKind, RequestStatus } from './requests.ts';

/** A condition on rows a grant allows, e.g. only one district's records. */
export interface RowCondition {
  field: string;
  op: 'eq' | 'in';
  value: string | number | (string | number)[];
}

/** Who applies, as the department sees it: prefilled from the profile, completed by the applicant. */
export interface Applicant {
  name: string;
  email: string;
  phone: string | null;
  /** The company, university or body the applicant acts for. */
  organisation: string | null;
}

export interface RequestDataset {
  id: string;
  code: string;
  title: string;
  /** Fields asked for; null asks for every field. */
  fields: string[] | null;
}

export interface RequestDeadline {
  /** Days the installation allows for this stage. */
  days: number;
  /** Whether `days` are working days or calendar days ("3日内"). */
  unit: DayUnit;
  submittedAt: string;
  /** End of the due day (Asia/Shanghai); null while paused. */
  dueAt: string | null;
  /** The due day, `YYYY-MM-DD` in Asia/Shanghai; null while paused. */
  dueDate: string | null;
  /**
   * The days counted run into a year whose holiday notice the calendar lacks: computed Monday–Friday
   * as well as it can be, the date moves when the data authority imports that year (issue 14).
   */
  provisional: boolean;
  paused: boolean;
  /** Working days left when the clock was paused. */
  remainingDays: number | null;
  overdue: boolean;
}

/** An application for conditional data (kind `application`) or a sharing request (kind `sharing`). */
export interface AccessRequest {
  id: string;
  kind: RequestKind;
  /** Requests submitted together (one per providing department) share it. */
  batchId: string;
  status: RequestStatus;
  requester: { id: string; name: string; orgId: string | null; orgName: string | null };
  provider: { id: string; name: string };
  datasets: RequestDataset[];
  purpose: string;
  scenario: string;
  period: { start: string | null; end: string };
  applicant: Applicant;
  commitment: { version: string; acceptedAt: string };
  deadline: RequestDeadline;
  /** What the department asked for when it returned the request. */
  infoRequest: string | null;
  /** The requester's answer when resubmitting. */
  infoResponse: string | null;
  decision: { at: string; by: string | null; reason: string | null } | null;
  escalation: { at: string; reason: string | null } | null;
  /** Decided by the data authority after escalation: no further appeal. */
  final: boolean;
  /** The 协商 thread of a sharing request (messages at `/sharing-requests/{id}/negotiation`); null before it opens. */
  negotiation: { stage: NegotiationStage; openedAt: string; dueAt: string; dueDate: string } | null;
  grantId: string | null;
  /** Steps the caller may take now. */
  actions: RequestAction[];
  createdAt: string;
  updatedAt: string;
}

export interface GrantDataset {
  id: string;
  code: string;
  title: string;
  /** Granted fields; null grants every field. */
  fields: string[] | null;
  /** Row conditions (all must hold); null grants every row. */
  rows: RowCondition[] | null;
}

export type GrantKind = 'open' | 'share';

export interface Grant {
  id: string;
  requestId: string;
  kind: GrantKind;
  status: GrantStatus;
  grantee: { userId: string | null; orgId: string | null; name: string };
  provider: { id: string; name: string };
  datasets: GrantDataset[];
  issuedAt: string;
  expiresAt: string;
  reportEvery: ReportInterval | null;
  nextReportDue: string | null;
  statusReason: string | null;
  statusChangedAt: string | null;
  /** Issued by the data authority's ruling on an escalated sharing request: only the authority may suspend, reinstate or revoke it. */
  orderedByAuthority: boolean;
}

/** The providing department's request that the authority suspend or revoke a grant it ordered. */
export interface GrantRulingRequest {
  id: string;
  grantId: string;
  action: 'suspend' | 'revoke';
  reason: string;
  requestedBy: string;
  requestedAt: string;
  status: 'pending' | 'accepted' | 'refused';
  decision: { at: string; by: string; reason: string } | null;
}

export interface UsageReport {
  id: string;
  grantId: string;
  periodStart: string;
  periodEnd: string;
  usage: string;
  results: string;
  submittedAt: string;
}

/** One line of the public notice of revocations (公示): no personal data beyond a masked name. */
export interface RevocationNotice {
  grantId: string;
  revokedAt: string;
  grantee: string;
  provider: string;
  datasets: { id: string; title: string }[];
  reason: string;
}

/** One message of a 协商 thread between the requesting and the providing department. */
export interface NegotiationMessage {
  id: string;
  author: { id: string; name: string; orgId: string | null; orgName: string | null };
  body: string;
  at: string;
}

/** The 协商 thread of a sharing request: the two departments, their messages, its deadline and how it ended. */
export interface NegotiationThread {
  requestId: string;
  stage: NegotiationStage;
  openedAt: string;
  /** Working days the thread runs. */
  days: number;
  dueAt: string;
  dueDate: string;
  /** A side gave up (declared 协商 failed); null while open or when only the deadline passed. */
  ended: { at: string; by: string; orgId: string | null; reason: string } | null;
  messages: NegotiationMessage[];
}
