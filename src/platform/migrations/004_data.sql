-- The data plane (issue 5): the job queue, the versions of each distribution's data, and how
-- often each distribution's data is read.

-- Background work for any feature. Workers take jobs with SELECT … FOR UPDATE SKIP LOCKED;
-- a running job proves it is alive through heartbeat_at, and one whose worker goes quiet
-- or that runs past timeout_ms is reclaimed or failed by any other worker.
CREATE TABLE job (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  progress real NOT NULL DEFAULT 0,
  stage text,
  report jsonb,
  error jsonb,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 2,
  timeout_ms integer NOT NULL,
  run_after timestamptz NOT NULL,
  worker text,
  heartbeat_at timestamptz,
  created_by uuid,
  org_id uuid,
  created_at timestamptz NOT NULL,
  started_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX job_queued_idx ON job (created_at) WHERE state = 'queued';
CREATE INDEX job_running_idx ON job (heartbeat_at) WHERE state = 'running';

-- Every upload of a distribution is a new version, numbered from 1. The distribution serves
-- its current_version, which only a succeeded ingest moves: a failed upload never replaces it.
CREATE TABLE distribution_version (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  distribution_id uuid NOT NULL REFERENCES distribution(id) ON DELETE CASCADE,
  number integer NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'succeeded', 'failed')),
  -- where the bytes came from: {kind: upload|url|file, filename, url, mediaType, sheet, encoding}
  source jsonb NOT NULL,
  -- sha256 keys in the blob store: the file as received, and its Parquet conversion
  raw_key text,
  raw_bytes bigint,
  parquet_key text,
  row_count bigint,
  field_count integer,
  -- [{name, type, sqlType}] in file order
  columns jsonb,
  -- the ingest report: types, per-column statistics, problems found
  report jsonb,
  -- what changed against the previous succeeded version
  changes jsonb,
  job_id uuid REFERENCES job(id) ON DELETE SET NULL,
  created_by uuid,
  created_at timestamptz NOT NULL,
  finished_at timestamptz,
  UNIQUE (distribution_id, number)
);

ALTER TABLE distribution ADD COLUMN current_version integer;
-- 数据容量: rows × fields of the current version (2021 report §5.2).
ALTER TABLE distribution ADD COLUMN capacity bigint;

-- Reads of each distribution's data per day (Asia/Shanghai), for usage statistics.
CREATE TABLE distribution_usage (
  distribution_id uuid NOT NULL REFERENCES distribution(id) ON DELETE CASCADE,
  day text NOT NULL,
  downloads integer NOT NULL DEFAULT 0,
  api_calls integer NOT NULL DEFAULT 0,
  previews integer NOT NULL DEFAULT 0,
  PRIMARY KEY (distribution_id, day)
);
