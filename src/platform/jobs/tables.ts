import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** One unit of background work (migration 004). */
export interface JobTable {
  id: Generated<string>;
  kind: string;
  payload: Json<unknown>;
  state: Generated<string>;
  progress: Generated<number>;
  stage: string | null;
  report: Json<unknown> | null;
  error: Json<unknown> | null;
  attempts: Generated<number>;
  max_attempts: number;
  timeout_ms: number;
  run_after: Timestamp;
  worker: string | null;
  heartbeat_at: Timestamp | null;
  created_by: string | null;
  org_id: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface JobTables {
  job: JobTable;
}
