-- Tiered access workflows (issue 6): applications for conditional data (有条件开放申请) and
-- sharing requests between departments (共享申请), the grants they issue, usage reports,
-- the log of data read under a grant or a share, and in-app notifications.
-- Calendar days (periods, report due days) are `YYYY-MM-DD` text: a deadline is a day in
-- Asia/Shanghai, and `date` values would come back from the drivers as instants in the server's zone.

CREATE TABLE access_request (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('application', 'sharing')),
  -- One submission naming datasets of several departments becomes one request per department.
  batch_id uuid NOT NULL,
  requester_id uuid NOT NULL REFERENCES app_user(id),
  requester_org_id uuid REFERENCES organisation(id),
  provider_org_id uuid NOT NULL REFERENCES organisation(id),
  status text NOT NULL,
  purpose text NOT NULL,
  scenario text NOT NULL,
  period_start text CHECK (period_start ~ '^\d{4}-\d{2}-\d{2}$'),
  period_end text NOT NULL CHECK (period_end ~ '^\d{4}-\d{2}-\d{2}$'),
  applicant jsonb NOT NULL,
  commitment_version text NOT NULL,
  commitment_accepted_at timestamptz NOT NULL,
  deadline_days integer NOT NULL,
  submitted_at timestamptz NOT NULL,
  -- NULL while the clock is paused (returned for information); remaining_days holds what is left.
  due_at timestamptz,
  remaining_days integer,
  info_request text,
  info_response text,
  decided_at timestamptz,
  decided_by uuid REFERENCES app_user(id),
  decision_reason text,
  escalated_at timestamptz,
  escalation_reason text,
  final boolean NOT NULL DEFAULT false,
  reminded_for timestamptz,
  overdue_notified_for timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX access_request_provider_idx ON access_request (provider_org_id, status);
CREATE INDEX access_request_requester_idx ON access_request (requester_id);
CREATE INDEX access_request_requester_org_idx ON access_request (requester_org_id);
CREATE INDEX access_request_due_idx ON access_request (status, due_at);

CREATE TABLE access_request_dataset (
  request_id uuid NOT NULL REFERENCES access_request(id),
  dataset_id uuid NOT NULL REFERENCES dataset(id),
  -- Field names asked for; NULL asks for every field.
  fields jsonb,
  PRIMARY KEY (request_id, dataset_id)
);
CREATE INDEX access_request_dataset_idx ON access_request_dataset (dataset_id);

CREATE TABLE access_grant (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL UNIQUE REFERENCES access_request(id),
  kind text NOT NULL CHECK (kind IN ('open', 'share')),
  -- An application grants a person; a sharing request grants the requesting department.
  user_id uuid REFERENCES app_user(id),
  org_id uuid REFERENCES organisation(id),
  provider_org_id uuid NOT NULL REFERENCES organisation(id),
  status text NOT NULL,
  issued_at timestamptz NOT NULL,
  issued_by uuid REFERENCES app_user(id),
  expires_at timestamptz NOT NULL,
  report_every text,
  next_report_due text CHECK (next_report_due ~ '^\d{4}-\d{2}-\d{2}$'),
  report_reminded_for text CHECK (report_reminded_for ~ '^\d{4}-\d{2}-\d{2}$'),
  status_reason text,
  status_changed_at timestamptz,
  status_changed_by uuid REFERENCES app_user(id),
  CHECK (user_id IS NOT NULL OR org_id IS NOT NULL)
);
CREATE INDEX access_grant_user_idx ON access_grant (user_id);
CREATE INDEX access_grant_org_idx ON access_grant (org_id);
CREATE INDEX access_grant_status_idx ON access_grant (status, expires_at);

CREATE TABLE access_grant_dataset (
  grant_id uuid NOT NULL REFERENCES access_grant(id),
  dataset_id uuid NOT NULL REFERENCES dataset(id),
  -- Granted field names (NULL: all) and row conditions [{field, op, value}] (NULL: all rows).
  fields jsonb,
  row_filter jsonb,
  PRIMARY KEY (grant_id, dataset_id)
);
CREATE INDEX access_grant_dataset_idx ON access_grant_dataset (dataset_id);

CREATE TABLE grant_usage_report (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  grant_id uuid NOT NULL REFERENCES access_grant(id),
  period_start text NOT NULL CHECK (period_start ~ '^\d{4}-\d{2}-\d{2}$'),
  period_end text NOT NULL CHECK (period_end ~ '^\d{4}-\d{2}-\d{2}$'),
  usage text NOT NULL,
  results text NOT NULL,
  submitted_by uuid NOT NULL REFERENCES app_user(id),
  submitted_at timestamptz NOT NULL
);
CREATE INDEX grant_usage_report_grant_idx ON grant_usage_report (grant_id);

-- Every read of data that a grant or an unconditional share made possible (透明化、可审计、可追溯).
CREATE TABLE data_access_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  user_id uuid REFERENCES app_user(id),
  dataset_id uuid NOT NULL REFERENCES dataset(id),
  grant_id uuid REFERENCES access_grant(id),
  basis text NOT NULL CHECK (basis IN ('grant', 'share')),
  action text NOT NULL,
  detail jsonb
);
CREATE INDEX data_access_log_grant_idx ON data_access_log (grant_id, at);
CREATE INDEX data_access_log_dataset_idx ON data_access_log (dataset_id, at);

CREATE TABLE notification (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Order of writing: notices of one transaction share a timestamp.
  seq bigserial NOT NULL,
  user_id uuid NOT NULL REFERENCES app_user(id),
  kind text NOT NULL,
  params jsonb NOT NULL DEFAULT '{}',
  entity_type text,
  entity_id text,
  created_at timestamptz NOT NULL,
  read_at timestamptz
);
CREATE INDEX notification_user_idx ON notification (user_id, seq);

-- A token tied to one grant reads only what that grant allows, and dies with it.
ALTER TABLE api_token ADD COLUMN grant_id uuid REFERENCES access_grant(id);
