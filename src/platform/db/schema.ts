import type { ColumnType, Generated } from 'kysely';

/** Storage shapes. Only feature modules' repositories see these; everything else speaks `core` types. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface OrganisationTable {
  id: Generated<string>;
  name: string;
  name_en: string | null;
  org_code: string;
  parent_id: string | null;
  region_code: string;
  admin_level: string;
  description: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DatasetTable {
  id: Generated<string>;
  code: string;
  code_seq: number;
  slug: string;
  org_id: string;
  title: string;
  description: string;
  themes: string[];
  tags: string[];
  contact: Json<Record<string, string>>;
  open_tier: string;
  open_conditions: string | null;
  not_open_reason: string | null;
  /** Migration 013: the legal basis of 不予开放, and the reason and legal basis of 不予共享. */
  not_open_legal_basis: string | null;
  not_shared_reason: string | null;
  not_shared_legal_basis: string | null;
  share_tier: string;
  share_conditions: string | null;
  share_method: string | null;
  update_frequency: string;
  update_frequency_text: string | null;
  license: string | null;
  spatial: string | null;
  temporal: Json<{ start?: string; end?: string } | null>;
  language: string;
  fields: Json<unknown[]>;
  scenario: string | null;
  relations: string[];
  source: string | null;
  version: string | null;
  status: string;
  version_number: Generated<number>;
  issued: Timestamp | null;
  modified: Timestamp;
  created_at: Timestamp;
}

export interface DatasetVersionTable {
  dataset_id: string;
  number: number;
  published_at: Timestamp;
  published_by: string | null;
  snapshot: Json<unknown>;
}

export interface DistributionTable {
  id: Generated<string>;
  dataset_id: string;
  title: string;
  description: string | null;
  format: string;
  media_type: string | null;
  byte_size: number | null;
  checksum: string | null;
  download_url: string | null;
  access_url: string | null;
  row_count: number | null;
  field_count: number | null;
  ingest_status: Generated<string>;
  issued: Timestamp;
  modified: Timestamp;
}

export interface UserTable {
  id: Generated<string>;
  email: string;
  name: string;
  role: string;
  org_id: string | null;
  password_hash: string | null;
  created_at: Timestamp;
  disabled_at: Timestamp | null;
}

export interface ApiTokenTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface AuditEventTable {
  seq: number;
  at: Timestamp;
  actor_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: Json<unknown>;
  after: Json<unknown>;
  prev_hash: string;
  hash: string;
}

export interface SchemaMigrationTable {
  name: string;
  applied_at: Timestamp;
}

export interface Schema {
  organisation: OrganisationTable;
  dataset: DatasetTable;
  dataset_version: DatasetVersionTable;
  distribution: DistributionTable;
  app_user: UserTable;
  api_token: ApiTokenTable;
  audit_event: AuditEventTable;
  schema_migration: SchemaMigrationTable;
}

// Tiered access workflows (migration 005): merged into the interfaces above.
import type { AccessWorkflowTables } from './access-workflows.ts';
export interface Schema extends AccessWorkflowTables {}
export interface ApiTokenTable {
  /** Set on a token tied to one grant (migration 005). */
  grant_id: string | null;
}

// Search index (migration 003): one derived row per dataset, kept in step with it.
type Defaulted<T> = ColumnType<T, T | undefined, T>;
/** Codes of `search_code` (migration 006) stand for the values; bit sets come back as strings (bigint). */
export interface DatasetSearchTable {
  dataset_id: string;
  org_id: string;
  status: number;
  themes: string;
  open_tier: number;
  share_tier: number;
  update_frequency: number;
  slug: string;
  title_key: string;
  tags_key: string;
  issued: Timestamp | null;
  modified: Timestamp;
  formats: Defaulted<string>;
  document: Defaulted<string>;
  field_terms: Defaulted<string>;
  views: Defaulted<number>;
  downloads: Defaulted<number>;
}
export interface SearchCodeTable {
  facet: string;
  value: string;
  code: number;
}
export interface SearchTermTable {
  word: string;
  pinyin: string;
}
export interface Schema {
  dataset_search: DatasetSearchTable;
  search_code: SearchCodeTable;
  search_term: SearchTermTable;
}

// Web console sessions (migration 002).
export interface WebSessionTable {
  id: Generated<string>;
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}
export interface Schema {
  web_session: WebSessionTable;
}

// Data plane (migration 004): the job queue, distribution versions and usage, and the
// ingest-derived columns it adds to `distribution`.
import type { JobTables } from '../jobs/tables.ts';
import type { DataTables, DistributionDataColumns } from './data-tables.ts';
export interface Schema extends JobTables, DataTables {}
export interface DistributionTable extends DistributionDataColumns {}

// Usage feeding discovery (migration 007): page views per day, and which pseudonymous keys used
// which dataset, for "people who used this also used".
export interface DatasetUsageTable {
  dataset_id: string;
  day: string;
  views: Generated<number>;
}
export interface DatasetUseKeyTable {
  user_key: string;
  dataset_id: string;
  last_day: string;
}
export interface UsageSaltTable {
  day: string;
  salt: string;
}
export interface Schema {
  dataset_usage: DatasetUsageTable;
  dataset_use_key: DatasetUseKeyTable;
  usage_salt: UsageSaltTable;
}

// Sign-in protection (migration 010): failed attempts per account and per address.
export interface SignInThrottleTable {
  scope: 'account' | 'address';
  key: string;
  failures: number;
  first_failure_at: Timestamp;
  last_failure_at: Timestamp;
  locked_until: Timestamp | null;
}
export interface Schema {
  sign_in_throttle: SignInThrottleTable;
}
export interface UserTable {
  totp_secret: string | null;
  totp_enabled_at: Timestamp | null;
  // bigint: node-postgres hands it back as text.
  totp_last_step: ColumnType<string | number | null, number | null, number | null>;
}
// Sharing disputes (migration 014): merged into the interfaces above.
import type { SharingDisputeTables } from './sharing-disputes.ts';
export interface Schema extends SharingDisputeTables {}
