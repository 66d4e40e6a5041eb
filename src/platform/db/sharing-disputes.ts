import type { ColumnType, Generated } from 'kysely';

/** Storage shapes of sharing disputes: 协商 threads and requests for the authority's ruling (migration 014); only `access` reads them. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface GrantRulingRequestTable {
  id: Generated<string>;
  grant_id: string;
  action: string;
  reason: string;
  requested_by: string;
  requested_at: Timestamp;
  status: string;
  decided_by: string | null;
  decided_at: Timestamp | null;
  decision_reason: string | null;
}

export interface SharingDisputeTables {
  grant_ruling_request: GrantRulingRequestTable;
}
