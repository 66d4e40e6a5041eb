import type { Actor } from '../../core/index.ts';
import type { MessageKey } from '../i18n/index.ts';
import type { ConsoleTab } from './console.ts';

export const supervises = (a: Actor | null): boolean => a?.role === 'authority' || a?.role === 'sysadmin';
export const isStaff = (a: Actor | null): boolean => a?.role === 'department' && !!a.orgId;

/**
 * The console's workflow entries: a department answers applications and sharing requests and
 * manages the grants it issued; the data authority sees all of them and the overdue items.
 */
export function workflowNav(actor: Actor | null): { tab: ConsoleTab; href: string; key: MessageKey }[] {
  if (!isStaff(actor) && !supervises(actor)) return [];
  return [
    { tab: 'applications', href: '/console/applications', key: 'wf.nav.applications' },
    { tab: 'sharing', href: '/console/sharing', key: 'wf.nav.sharing' },
    { tab: 'grants', href: '/console/grants', key: 'wf.nav.grants' },
    ...(supervises(actor)
      ? [
          {
            tab: 'oversight' as ConsoleTab,
            href: '/console/oversight',
            key: 'wf.nav.oversight' as MessageKey,
          },
        ]
      : []),
  ];
}
