export { appendAudit, verifyAudit, listAudit, countAudit, GENESIS_HASH, type AuditEntry, type AuditVerification } from './audit.ts';
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
  authenticateToken,
  secretHash,
  newSecret,
  type NewUser,
  type IssuedToken,
} from './identity.ts';
export { requireActor, canEditOrgData, canSeeUnpublished, unpublishedScope, canManageOrganisations, canManageUsers, assertCan } from './permissions.ts';
export { resolveDataAccess, type DataAccess, type RowCondition } from './data-access.ts';
