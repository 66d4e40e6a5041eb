import type { Party } from './requests.ts';

/**
 * A grant is what an approval gives: access to named datasets, within a scope, until it expires.
 * The department may suspend it (while it looks into a breach) and reinstate it, or revoke it;
 * revocations of public users' grants are announced on the platform (公示).
 */
export type GrantStatus = 'active' | 'suspended' | 'revoked' | 'expired';
export type GrantAction = 'suspend' | 'reinstate' | 'revoke' | 'expire';

const STEPS: Record<GrantAction, { from: GrantStatus[]; to: GrantStatus; by: Party[] }> = {
  suspend: { from: ['active'], to: 'suspended', by: ['provider', 'authority'] },
  reinstate: { from: ['suspended'], to: 'active', by: ['provider', 'authority'] },
  revoke: { from: ['active', 'suspended'], to: 'revoked', by: ['provider', 'authority'] },
  expire: { from: ['active', 'suspended'], to: 'expired', by: ['system'] },
};

export const grantStatuses: GrantStatus[] = ['active', 'suspended', 'revoked', 'expired'];
export const grantActions = Object.keys(STEPS) as GrantAction[];

export function nextGrantStatus(from: GrantStatus, action: GrantAction): GrantStatus | null {
  const s = STEPS[action];
  return s && s.from.includes(from) ? s.to : null;
}

/** What a grant's history adds to who may change it. */
export interface GrantFacts {
  /**
   * The data authority ordered this grant (it approved an escalated sharing request). Its ruling
   * binds the providing department: only the authority may suspend, reinstate or revoke it.
   */
  orderedByAuthority?: boolean;
}

export function grantPartiesFor(action: GrantAction, facts: GrantFacts = {}): Party[] {
  const by = STEPS[action]?.by ?? [];
  return facts.orderedByAuthority ? by.filter((p) => p !== 'provider') : by;
}

/** The provider may not change this grant only because the authority ordered it (a 403 that names why). */
export const boundByRuling = (action: GrantAction, facts: GrantFacts) =>
  !!facts.orderedByAuthority && (STEPS[action]?.by ?? []).includes('provider');

/** The status a reader should see: an active grant past its expiry is expired even before the sweep records it. */
export function effectiveGrantStatus(status: GrantStatus, expiresAt: Date, now: Date): GrantStatus {
  return (status === 'active' || status === 'suspended') && expiresAt.getTime() <= now.getTime()
    ? 'expired'
    : status;
}

/** How often a grantee reports use and results (利用情况、成果). */
export type ReportInterval = 'monthly' | 'quarterly' | 'semiannual' | 'annual';
export const reportIntervals: ReportInterval[] = ['monthly', 'quarterly', 'semiannual', 'annual'];
const MONTHS: Record<ReportInterval, number> = { monthly: 1, quarterly: 3, semiannual: 6, annual: 12 };

/**
 * The calendar day the next usage report is due: one interval after `from` (the grant's issue
 * day or the end of the last reported period). Month ends clamp (31 Jan + 1 month → 28/29 Feb).
 */
export function nextReportDue(from: string, every: ReportInterval): string {
  const [y, m, d] = from.split('-').map(Number);
  const months = m - 1 + MONTHS[every];
  const year = y + Math.floor(months / 12);
  const month = months % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, last))).toISOString().slice(0, 10);
}
