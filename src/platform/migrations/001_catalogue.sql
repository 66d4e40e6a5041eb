-- Catalogue, identity and audit: the foundation every feature builds on.

CREATE TABLE organisation (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE,
  name_en text,
  org_code text NOT NULL UNIQUE,
  parent_id uuid REFERENCES organisation(id),
  region_code text NOT NULL,
  admin_level text NOT NULL,
  description text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE dataset (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  code_seq integer NOT NULL,
  slug text NOT NULL UNIQUE,
  org_id uuid NOT NULL REFERENCES organisation(id),
  title text NOT NULL,
  description text NOT NULL,
  themes text[] NOT NULL DEFAULT '{}',
  tags text[] NOT NULL DEFAULT '{}',
  contact jsonb NOT NULL DEFAULT '{}',
  open_tier text NOT NULL,
  open_conditions text,
  not_open_reason text,
  share_tier text NOT NULL,
  share_conditions text,
  share_method text,
  update_frequency text NOT NULL,
  update_frequency_text text,
  license text,
  spatial text,
  temporal jsonb,
  language text NOT NULL DEFAULT 'zh',
  fields jsonb NOT NULL DEFAULT '[]',
  scenario text,
  relations text[] NOT NULL DEFAULT '{}',
  source text,
  version text,
  status text NOT NULL DEFAULT 'draft',
  version_number integer NOT NULL DEFAULT 0,
  issued timestamptz,
  modified timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (org_id, code_seq)
);
CREATE INDEX dataset_org_idx ON dataset (org_id);
CREATE INDEX dataset_status_idx ON dataset (status);
CREATE INDEX dataset_themes_idx ON dataset USING gin (themes);

CREATE TABLE dataset_version (
  dataset_id uuid NOT NULL REFERENCES dataset(id),
  number integer NOT NULL,
  published_at timestamptz NOT NULL,
  published_by uuid,
  snapshot jsonb NOT NULL,
  PRIMARY KEY (dataset_id, number)
);

CREATE TABLE distribution (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  dataset_id uuid NOT NULL REFERENCES dataset(id),
  title text NOT NULL,
  description text,
  format text NOT NULL,
  media_type text,
  byte_size bigint,
  checksum text,
  download_url text,
  access_url text,
  row_count bigint,
  field_count integer,
  ingest_status text NOT NULL DEFAULT 'none',
  issued timestamptz NOT NULL,
  modified timestamptz NOT NULL
);
CREATE INDEX distribution_dataset_idx ON distribution (dataset_id);

CREATE TABLE app_user (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  name text NOT NULL,
  role text NOT NULL,
  org_id uuid REFERENCES organisation(id),
  password_hash text,
  created_at timestamptz NOT NULL,
  disabled_at timestamptz
);
CREATE UNIQUE INDEX app_user_email_idx ON app_user (lower(email));

CREATE TABLE api_token (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES app_user(id),
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  prefix text NOT NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);

-- Append-only and hash-chained: each row's hash covers its content and the previous hash,
-- so an edit anywhere breaks every later link (`kaifang audit verify`).
CREATE TABLE audit_event (
  seq integer PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_id uuid,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text,
  before jsonb,
  after jsonb,
  prev_hash text NOT NULL,
  hash text NOT NULL
);

CREATE FUNCTION audit_event_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only';
END $$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_immutable();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_immutable();
