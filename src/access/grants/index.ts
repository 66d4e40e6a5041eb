/** Grants: what an approved application or sharing request lets its holder read, until when, and its use. */
export {
  getGrant,
  listGrants,
  changeGrantStatus,
  expireGrants,
  issueGrant,
  findGrantCandidates,
  logGrantUse,
  logDataUse,
  listGrantUses,
  isGrantee,
  grantPartiesOf,
  type GrantFilter,
  type GrantScope,
  type DataUse,
  type DataUseEntry,
} from './grants.ts';
export { fileUsageReport, listUsageReports, createGrantToken } from './reports.ts';
export { listRevocationNotices, maskName } from './notices.ts';
export {
  workCalendar,
  substantialReason,
  deadlineRule,
  requireWorkflowActor,
  refuseAndAudit,
  checkBody,
  iso,
  UUID,
} from './support.ts';
export {
  askForRuling,
  listRulingRequests,
  decideRulingRequest,
  RulingRequestInputSchema,
} from './rulings.ts';
