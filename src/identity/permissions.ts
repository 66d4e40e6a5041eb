import {
  canSeeUnpublished,
  forbidden,
  isOwner,
  unauthenticated,
  unpublishedScope,
  type Actor,
} from '../core/index.ts';

/**
 * Who may do what. One place, so the API, the web console and the CLI cannot disagree.
 * Department users act only for their own organisation; the data authority supervises
 * (reads everything, edits organisations); sysadmins operate the installation.
 */

export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw unauthenticated();
  return actor;
}

/** A department edits its own datasets; the rule is the tier policy's owner rule (core/tiers.ts). */
export const canEditOrgData = (actor: Actor | null, orgId: string): boolean => isOwner(actor, orgId);

export { canSeeUnpublished, unpublishedScope };

export function canManageOrganisations(actor: Actor | null): boolean {
  return actor?.role === 'sysadmin' || actor?.role === 'authority';
}

export function canManageUsers(actor: Actor | null): boolean {
  return actor?.role === 'sysadmin';
}

export function assertCan(allowed: boolean, en: string, zh: string): void {
  if (!allowed) throw forbidden(en, zh);
}
