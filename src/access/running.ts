import type { Recipients } from '../identity/index.ts';
import type { Kdb } from '../platform/index.ts';

/**
 * Requests whose deadline clock runs: waiting for the providing department's or, once escalated,
 * the data authority's answer, with a due date. Callers add the columns they need.
 */
export const runningRequests = (db: Kdb) =>
  db
    .selectFrom('access_request')
    .select(['id', 'kind', 'status', 'requester_id', 'provider_org_id', 'due_at'])
    .where('status', 'in', ['submitted', 'escalated'])
    .where('due_at', 'is not', null);

/** Who owes the answer to a running request: the data authority once escalated, else the providing department. */
export const answererOf = (r: { status: string; provider_org_id: string }): Recipients =>
  r.status === 'escalated' ? { authority: true } : { orgStaff: r.provider_org_id };
