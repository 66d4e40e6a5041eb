export {
  appendAudit,
  verifyAudit,
  listAudit,
  countAudit,
  GENESIS_HASH,
  type AuditEntry,
  type AuditVerification,
} from './audit.ts';
export {
  createUser,
  findUserByEmail,
  getUser,
  checkPassword,
  changePassword,
  actorOf,
  createToken,
  listTokens,
  revokeToken,
  revokeTokensOf,
  disableUser,
  authenticateToken,
  secretHash,
  newSecret,
  type NewUser,
  type IssuedToken,
} from './identity.ts';
export {
  TWO_FACTOR_ROLES,
  twoFactorState,
  startTwoFactor,
  setTwoFactor,
  type TwoFactorState,
} from './two-factor.ts';
export { passwordProblems, isGuessable, PASSWORD_MIN, PASSWORD_MAX } from './passwords.ts';
export {
  requireActor,
  canEditOrgData,
  canSeeUnpublished,
  unpublishedScope,
  canManageOrganisations,
  canManageUsers,
  assertCan,
} from './permissions.ts';
export { resolveDataAccess, type DataAccess, type RowCondition } from './data-access.ts';
export {
  signIn,
  authenticateSession,
  revokeSession,
  revokeOtherSessions,
  SESSION_HOURS,
  type Session,
  type IssuedSession,
} from './sessions.ts';
export type { DataUseNote } from './data-access.ts';
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
export {
  submitSharingRequest,
  sharingPrefill,
  getSharingRequest,
  listSharingRequests,
  decideSharingRequest,
  sharedWithoutRequest,
} from './sharing/index.ts';
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
  type GrantFilter,
  type DataUse,
  type DataUseEntry,
} from './grants/index.ts';
export {
  listNotifications,
  markNotificationsRead,
  renderNotification,
  type Notification,
  type NotificationChannel,
} from './notifications/index.ts';
