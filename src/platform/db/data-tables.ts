import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** Storage shapes of the data room's tables (migration 004); the data room owns them (docs/architecture.md). */
export interface DistributionVersionTable {
  id: Generated<string>;
  distribution_id: string;
  number: number;
  state: Generated<string>;
  source: Json<unknown>;
  raw_key: string | null;
  raw_bytes: number | null;
  parquet_key: string | null;
  row_count: number | null;
  field_count: number | null;
  columns: Json<unknown> | null;
  report: Json<unknown> | null;
  changes: Json<unknown> | null;
  job_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface DistributionUsageTable {
  distribution_id: string;
  day: string;
  downloads: Generated<number>;
  api_calls: Generated<number>;
  previews: Generated<number>;
}

export interface DataTables {
  distribution_version: DistributionVersionTable;
  distribution_usage: DistributionUsageTable;
}

/** Columns migration 004 adds to `distribution`. */
export interface DistributionDataColumns {
  current_version: ColumnType<number | null, number | null | undefined, number | null>;
  capacity: ColumnType<number | null, number | null | undefined, number | null>;
}
