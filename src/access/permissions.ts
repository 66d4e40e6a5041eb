import { forbidden, unauthenticated, type Actor } from '../core/index.ts';

/**
 * Who may do what. One place, so the API, the web console and the CLI cannot disagree.
 * Department users act only for their own organisation; the data authority supervises
 * (reads everything, edits organisations); sysadmins operate the installation.
 */

export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw unauthenticated();
  return actor;
}

export function canEditOrgData(actor: Actor | null, orgId: string): boolean {
  if (!actor) return false;
  if (actor.role === 'sysadmin') return true;
  return actor.role === 'department' && actor.orgId === orgId;
}

/** Drafts, datasets in review and withdrawn ones are visible to their department and to supervisors. */
export function canSeeUnpublished(actor: Actor | null, orgId: string): boolean {
  if (!actor) return false;
  if (actor.role === 'sysadmin' || actor.role === 'authority' || actor.role === 'reviewer') return true;
  return actor.role === 'department' && actor.orgId === orgId;
}

/** Null means "every organisation"; an array limits unpublished visibility to those. */
export function unpublishedScope(actor: Actor | null): string[] | null {
  if (!actor) return [];
  if (actor.role === 'sysadmin' || actor.role === 'authority' || actor.role === 'reviewer') return null;
  return actor.role === 'department' && actor.orgId ? [actor.orgId] : [];
}

export function canManageOrganisations(actor: Actor | null): boolean {
  return actor?.role === 'sysadmin' || actor?.role === 'authority';
}

export function canManageUsers(actor: Actor | null): boolean {
  return actor?.role === 'sysadmin';
}

export function assertCan(allowed: boolean, en: string, zh: string): void {
  if (!allowed) throw forbidden(en, zh);
}
