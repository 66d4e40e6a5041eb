import type { Actor, Dataset, DatasetStatus, OpenTier, ShareTier } from './types.ts';
import type { GrantKind, RowCondition } from './workflow/types.ts';
import type { RequestKind } from './workflow/requests.ts';
import { findTerm } from './vocabularies/vocabulary.ts';
import { openTiers } from './vocabularies/open-tiers.ts';
import { shareTiers } from './vocabularies/share-tiers.ts';

/**
 * The tier policy: who may list a dataset, see it, read its data (and how much of it), ask for
 * it, and whether a grant still opens it. Written once, here, so the catalogue, the search index,
 * the data plane, the workflows and the pages cannot disagree (ADR 0020). Pure: no I/O, no clock
 * (the caller passes `now`).
 */

/** What the policy needs to know of a dataset. */
export interface TierSubject {
  status: DatasetStatus;
  openTier: OpenTier;
  shareTier: ShareTier;
  /** The publishing department. */
  orgId: string;
}

/** A catalogue dataset as the policy sees it. */
export const tierSubject = (
  d: Pick<Dataset, 'status' | 'openTier' | 'shareTier' | 'publisher'>,
): TierSubject => ({
  status: d.status,
  openTier: d.openTier,
  shareTier: d.shareTier,
  orgId: d.publisher.id,
});

/** Who asks; null for an anonymous caller. Only these parts of an actor matter to the policy. */
export type TierActor = Pick<Actor, 'role' | 'orgId'> & Partial<Pick<Actor, 'grantId'>>;

const SUPERVISORS: readonly Actor['role'][] = ['sysadmin', 'authority', 'reviewer'];

export const openTierLabel = (code: OpenTier, lang: 'zh' | 'en'): string =>
  findTerm(openTiers, code)?.label[lang] ?? code;
export const shareTierLabel = (code: ShareTier, lang: 'zh' | 'en'): string =>
  findTerm(shareTiers, code)?.label[lang] ?? code;

/** The owning department's staff (and sysadmins) maintain a dataset and read all of its data. */
export function isOwner(actor: TierActor | null, orgId: string): boolean {
  if (!actor) return false;
  if (actor.role === 'sysadmin') return true;
  return actor.role === 'department' && actor.orgId === orgId;
}

/** Drafts, datasets in review and withdrawn ones are visible to their department and to supervisors. */
export function canSeeUnpublished(actor: TierActor | null, orgId: string): boolean {
  if (!actor) return false;
  if (SUPERVISORS.includes(actor.role)) return true;
  return actor.role === 'department' && actor.orgId === orgId;
}

/** Null means "every organisation"; an array limits unpublished visibility to those. */
export function unpublishedScope(actor: TierActor | null): string[] | null {
  if (!actor) return [];
  if (SUPERVISORS.includes(actor.role)) return null;
  return actor.role === 'department' && actor.orgId ? [actor.orgId] : [];
}

/** Whether a dataset's own page and metadata may be shown (a direct link to a published dataset always works). */
export function maySee(actor: TierActor | null, d: Pick<TierSubject, 'status' | 'orgId'>): boolean {
  return d.status === 'published' || canSeeUnpublished(actor, d.orgId);
}

/**
 * Which datasets a list or a search shows, as data a query can be built from: `everything`, or
 * those whose status is in `statuses` and open tier not in `hiddenOpenTiers`, plus every dataset
 * of `ownOrgs`. The catalogue turns this into SQL over `dataset` and over the search index;
 * `mayList` reads it for one dataset, so both say the same.
 */
export type ListingRule =
  | { everything: true }
  | {
      everything: false;
      statuses: DatasetStatus[];
      hiddenOpenTiers: OpenTier[];
      ownOrgs: string[];
    };

/**
 * Public lists hide unopened datasets (ADR 0010) unless the installation lists them
 * (`KAIFANG_LIST_UNOPENED`); department staff, who work across government, see them listed.
 */
export function listingRule(actor: TierActor | null, opts: { listUnopened: boolean }): ListingRule {
  const scope = unpublishedScope(actor);
  if (scope === null) return { everything: true };
  const hideUnopened = !scope.length && !opts.listUnopened;
  return {
    everything: false,
    statuses: ['published'],
    hiddenOpenTiers: hideUnopened ? ['not_open'] : [],
    ownOrgs: scope,
  };
}

export function mayList(
  actor: TierActor | null,
  d: Pick<TierSubject, 'status' | 'openTier' | 'orgId'>,
  opts: { listUnopened: boolean },
): boolean {
  const rule = listingRule(actor, opts);
  if (rule.everything) return true;
  if (rule.ownOrgs.includes(d.orgId)) return true;
  return rule.statuses.includes(d.status) && !rule.hiddenOpenTiers.includes(d.openTier);
}

/** Whether a department's staff read another department's data at once, without a request (无条件共享). */
export function sharedWithoutRequest(
  actor: TierActor | null,
  d: Pick<TierSubject, 'shareTier' | 'orgId'>,
): boolean {
  return (
    !!actor &&
    !actor.grantId &&
    actor.role === 'department' &&
    !!actor.orgId &&
    actor.orgId !== d.orgId &&
    d.shareTier === 'unconditional'
  );
}

/** A grant as the policy weighs it: the reader's grants on one dataset, newest first. */
export interface GrantCandidate {
  grantId: string;
  kind: GrantKind;
  status: string;
  expiresAt: Date;
  fields: string[] | null;
  rows: RowCondition[] | null;
}

/** The grant status that opens data; the store prefilters on it and `grantOpens` checks it again. */
export const LIVE_GRANT_STATUS = 'active';

/**
 * A grant opens data while it is active and unexpired and the dataset is still open (or shared)
 * under the tier it was given for: closing a dataset stops its grants.
 */
export function grantOpens(
  g: Pick<GrantCandidate, 'kind' | 'status' | 'expiresAt'>,
  d: Pick<TierSubject, 'openTier' | 'shareTier'>,
  now: Date,
): boolean {
  return grantLive(g.status, g.expiresAt, now) && tierKeepsGrants(g.kind, d);
}

/** A grant is live while active and unexpired: its tokens work and it may open data. */
export const grantLive = (status: string, expiresAt: Date, now: Date): boolean =>
  status === LIVE_GRANT_STATUS && expiresAt.getTime() > now.getTime();

/** Whether the dataset is still open (for an `open` grant) or shared (for a `share` grant). */
export const tierKeepsGrants = (kind: GrantKind, d: Pick<TierSubject, 'openTier' | 'shareTier'>): boolean =>
  kind === 'open' ? d.openTier !== 'not_open' : d.shareTier !== 'not_shared';

/** The kind of grant a request of this kind leads to. */
export const grantKindOf = (kind: RequestKind): GrantKind => (kind === 'application' ? 'open' : 'share');

/** What a caller may read of a dataset's DATA (not its metadata). */
export type DataAccess =
  | { kind: 'full'; reason: 'open' | 'owner' | 'share' }
  | {
      kind: 'grant';
      grantId: string;
      fields: string[] | null;
      rows: RowCondition[] | null;
      expiresAt: string | null;
    }
  | { kind: 'denied'; reason: 'not_published' | 'conditional' | 'not_open' | 'outside_grant' };

/**
 * The order matters: the owning department reads everything; nothing unpublished leaves it; open
 * data is open; another department's staff read unconditionally shared data; a live grant gives
 * exactly its fields and rows; everything else is denied. `grants` are the caller's grants on
 * this dataset, newest first (pass none when `grantMayOpen` says they cannot matter).
 */
export function dataAccess(
  actor: TierActor | null,
  d: TierSubject,
  grants: readonly GrantCandidate[],
  now: Date,
): DataAccess {
  if (actor?.grantId) {
    // A token bound to one grant reads that grant's data as the grant allows and nothing else, open
    // data included: it stands for one agreed use, not for its holder (ADR 0028).
    if (d.status !== 'published') return { kind: 'denied', reason: 'not_published' };
    const own = grants.find((g) => g.grantId === actor.grantId && grantOpens(g, d, now));
    return own
      ? {
          kind: 'grant',
          grantId: own.grantId,
          fields: own.fields,
          rows: own.rows,
          expiresAt: own.expiresAt.toISOString(),
        }
      : { kind: 'denied', reason: 'outside_grant' };
  }
  if (isOwner(actor, d.orgId)) return { kind: 'full', reason: 'owner' };
  if (d.status !== 'published') return { kind: 'denied', reason: 'not_published' };
  if (d.openTier === 'unconditional') return { kind: 'full', reason: 'open' };
  if (sharedWithoutRequest(actor, d)) return { kind: 'full', reason: 'share' };
  const grant = actor ? grants.find((g) => grantOpens(g, d, now)) : undefined;
  if (grant)
    return {
      kind: 'grant',
      grantId: grant.grantId,
      fields: grant.fields,
      rows: grant.rows,
      expiresAt: grant.expiresAt.toISOString(),
    };
  return { kind: 'denied', reason: d.openTier === 'conditional' ? 'conditional' : 'not_open' };
}

/** Whether the caller's grants could change `dataAccess`'s answer, so looking them up is worth it. */
export function grantMayOpen(actor: TierActor | null, d: TierSubject): boolean {
  return !!actor && dataAccess(actor, d, [], new Date(0)).kind === 'denied' && d.status === 'published';
}

/** The columns a reader sees: all of them, or a grant's fields, in the table's order. */
export function visibleColumns<C extends { name: string }>(access: DataAccess, columns: C[]): C[] {
  if (access.kind !== 'grant' || !access.fields) return columns;
  const allowed = new Set(access.fields);
  return columns.filter((c) => allowed.has(c.name));
}

/** Whether the reader sees the whole table (so whole-table statistics may be shown). */
export const seesWholeTable = (access: DataAccess): boolean => access.kind === 'full';

/** Why a dataset cannot be asked for through a request of this kind; null when it can. */
export interface Refusal {
  code: string;
  zh: string;
  en: string;
}

/**
 * 开放申请 is for conditionally open data; 共享申请 for another department's conditionally shared
 * data. Unconditional data needs no request and unopened (unshared) data accepts none.
 */
export function requestRefusal(kind: RequestKind, d: TierSubject, actor: TierActor | null): Refusal | null {
  if (d.status !== 'published') return { code: 'not_found', zh: '数据集不存在', en: 'No such dataset' };
  if (kind === 'application') {
    if (d.openTier === 'unconditional')
      return {
        code: 'no_application_needed',
        zh: '无条件开放的数据可直接获取，无需申请',
        en: 'Unconditionally open data needs no application',
      };
    if (d.openTier === 'not_open')
      return { code: 'not_open', zh: '不予开放的数据不受理申请', en: 'Unopened data cannot be applied for' };
    return null;
  }
  if (actor?.orgId === d.orgId)
    return {
      code: 'own_department',
      zh: '本部门的数据无需申请共享',
      en: "Your own department's data needs no sharing request",
    };
  if (d.shareTier === 'unconditional')
    return {
      code: 'no_request_needed',
      zh: '无条件共享的数据可直接获取，无需申请',
      en: 'Unconditionally shared data needs no request',
    };
  if (d.shareTier === 'not_shared')
    return { code: 'not_shared', zh: '不予共享的数据不受理共享申请', en: 'This dataset is not shared' };
  return null;
}

/** Whether the public may apply for the dataset (the 申请 button, the /apply page). */
export const canApplyFor = (d: TierSubject): boolean => requestRefusal('application', d, null) === null;

/**
 * Whether a request can still be approved for a dataset: it must still be published and open (for
 * an application) or shared (for a sharing request). Approval may grant what the grant would keep.
 */
export function stillGrantable(kind: RequestKind, d: TierSubject): boolean {
  return d.status === 'published' && tierKeepsGrants(grantKindOf(kind), d);
}

/** Whether everyone reads the data once the dataset is published (so API examples need no token). */
export const openToEveryone = (d: Pick<TierSubject, 'openTier' | 'shareTier' | 'orgId'>): boolean =>
  dataAccess(null, { ...d, status: 'published' }, [], new Date(0)).kind === 'full';

/** Whether a dataset page lists the files: not for unopened data the reader has no access to. */
export const listsDistributions = (d: Pick<TierSubject, 'openTier'>, access: DataAccess): boolean =>
  access.kind !== 'denied' || d.openTier !== 'not_open';
