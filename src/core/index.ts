export type * from './types.ts';
export * from './vocabularies/index.ts';
export {
  DomainError,
  validationFailed,
  notFound,
  forbidden,
  unauthenticated,
  errorStatus,
  type ErrorKind,
} from './errors.ts';
export { nextStatus, datasetStatuses, type DatasetAction } from './lifecycle.ts';
export * from './schemas.ts';
export {
  shapeErrors,
  assertShape,
  datasetRuleErrors,
  assertDatasetRules,
  formatErrors,
  normaliseFrequency,
} from './validation.ts';
export { canonicalJson } from './canonical-json.ts';
export { textHazard, valueHazards, hazardError, type TextHazard } from './text-hygiene.ts';
export { UUID, isUuid } from './identifiers.ts';
export { escapeHtml } from './escape-html.ts';
export * from './workflow/index.ts';
export {
  openTierLabel,
  shareTierLabel,
  tierSubject,
  isOwner,
  canSeeUnpublished,
  unpublishedScope,
  maySee,
  listingRule,
  mayList,
  sharedWithoutRequest,
  LIVE_GRANT_STATUS,
  grantOpens,
  grantLive,
  tierKeepsGrants,
  grantKindOf,
  dataAccess,
  grantMayOpen,
  visibleColumns,
  seesWholeTable,
  requestRefusal,
  canApplyFor,
  stillGrantable,
  openToEveryone,
  listsDistributions,
  type TierSubject,
  type TierActor,
  type ListingRule,
  type GrantCandidate,
  type DataAccess,
  type Refusal,
} from './tiers.ts';
