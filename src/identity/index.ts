/**
 * Who is acting: users, API tokens, sessions, roles and permissions, the audit log and in-app
 * notifications. Every room needs them, so this room stands low (just above core and platform)
 * and knows no catalogue, data or workflow (docs/architecture.md, ADR 0021).
 */
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
  revokeTokensOf,
  disableUser,
  revokeToken,
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
export {
  signIn,
  authenticateSession,
  revokeSession,
  revokeOtherSessions,
  SESSION_HOURS,
  type Session,
  type IssuedSession,
} from './sessions.ts';
export {
  notify,
  listNotifications,
  markNotificationsRead,
  renderNotification,
  type Recipients,
  type NoticeInput,
  type Notification,
  type NotificationKind,
  type NotificationParams,
  type NotificationChannel,
} from './notifications/index.ts';
