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

export interface SharingNegotiationTable {
  request_id: string;
  opened_at: Timestamp;
  opened_by: string | null;
  deadline_days: number;
  due_at: Timestamp;
  ended_at: Timestamp | null;
  ended_by: string | null;
  ended_org_id: string | null;
  end_reason: string | null;
}

export interface SharingNegotiationMessageTable {
  id: Generated<string>;
  request_id: string;
  seq: Generated<number>;
  author_id: string;
  author_org_id: string | null;
  body: string;
  created_at: Timestamp;
}

export interface SharingDisputeTables {
  grant_ruling_request: GrantRulingRequestTable;
  sharing_negotiation: SharingNegotiationTable;
  sharing_negotiation_message: SharingNegotiationMessageTable;
}
