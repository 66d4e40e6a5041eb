/**
 * The vocabulary every layer speaks. Field names are the API's (design §5); storage,
 * HTTP and the web pages all use these shapes so a field means one thing everywhere.
 */

export type Role = 'public' | 'department' | 'reviewer' | 'authority' | 'sysadmin';

export type OpenTier = 'unconditional' | 'conditional' | 'not_open';
export type ShareTier = 'unconditional' | 'conditional' | 'not_shared';

export type UpdateFrequency =
  'realtime' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'semiannual' | 'annual' | 'irregular' | 'never';

export type DatasetStatus = 'draft' | 'in_review' | 'published' | 'withdrawn';

export type AdminLevel = 'national' | 'provincial' | 'sub_provincial' | 'prefecture' | 'county';

/** A label in both languages the portal speaks. */
export interface Label {
  zh: string;
  en: string;
}

export interface Organisation {
  id: string;
  name: string;
  nameEn: string | null;
  /** 统一社会信用代码 or 组织机构代码 of the department. */
  orgCode: string;
  parentId: string | null;
  /** GB/T 2260 administrative division code, six digits. */
  regionCode: string;
  adminLevel: AdminLevel;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export type OrganisationInput = Omit<
  Organisation,
  'id' | 'createdAt' | 'updatedAt' | 'nameEn' | 'description' | 'parentId'
> & {
  nameEn?: string | null;
  description?: string | null;
  parentId?: string | null;
};

/** A 数据项: one column the data set carries. */
export interface DataField {
  name: string;
  title?: string;
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime';
  unit?: string;
  description?: string;
  /** Holds personal information (个人信息); drives masking and tier checks. */
  personal?: boolean;
}

export interface Contact {
  name?: string;
  email?: string;
  phone?: string;
}

export interface Temporal {
  start?: string;
  end?: string;
}

/** What a department writes. Everything else on a dataset is derived. */
export interface DatasetInput {
  title: string;
  description: string;
  orgId: string;
  themes: string[];
  tags?: string[];
  contact?: Contact;
  openTier: OpenTier;
  openConditions?: string | null;
  notOpenReason?: string | null;
  /** 法律法规依据 of 不予开放: the law, regulation or article the refusal rests on. */
  notOpenLegalBasis?: string | null;
  notSharedReason?: string | null;
  notSharedLegalBasis?: string | null;
  shareTier: ShareTier;
  shareConditions?: string | null;
  shareMethod?: string | null;
  /** A vocabulary code, a Chinese label, or free text such as "每年年底"; normalised on write. */
  updateFrequency: string;
  license?: string | null;
  /** GB/T 2260 code of the area covered. */
  spatial?: string | null;
  temporal?: Temporal | null;
  language?: string;
  fields?: DataField[];
  scenario?: string | null;
  relations?: string[];
  source?: string | null;
  version?: string | null;
}

export interface PublisherRef {
  id: string;
  name: string;
  orgCode: string;
}

export interface Dataset {
  id: string;
  /** 信息资源代码, generated. */
  code: string;
  slug: string;
  title: string;
  description: string;
  themes: string[];
  tags: string[];
  publisher: PublisherRef;
  contact: Contact;
  openTier: OpenTier;
  openConditions: string | null;
  notOpenReason: string | null;
  notOpenLegalBasis: string | null;
  notSharedReason: string | null;
  notSharedLegalBasis: string | null;
  shareTier: ShareTier;
  shareConditions: string | null;
  shareMethod: string | null;
  updateFrequency: UpdateFrequency;
  /** The department's own words for the update frequency, kept when normalised. */
  updateFrequencyText: string | null;
  license: string | null;
  spatial: string | null;
  temporal: Temporal | null;
  language: string;
  fields: DataField[];
  scenario: string | null;
  relations: string[];
  source: string | null;
  version: string | null;
  status: DatasetStatus;
  /** Number of the latest published snapshot; 0 when never published. */
  versionNumber: number;
  issued: string | null;
  modified: string;
  createdAt: string;
}

export type IngestStatus = 'none' | 'pending' | 'running' | 'succeeded' | 'failed';

export interface DistributionInput {
  title: string;
  format: string;
  description?: string | null;
  mediaType?: string | null;
  downloadURL?: string | null;
  accessURL?: string | null;
  byteSize?: number | null;
  checksum?: string | null;
}

export interface Distribution {
  id: string;
  datasetId: string;
  title: string;
  description: string | null;
  format: string;
  mediaType: string | null;
  byteSize: number | null;
  checksum: string | null;
  downloadURL: string | null;
  accessURL: string | null;
  rowCount: number | null;
  fieldCount: number | null;
  ingestStatus: IngestStatus;
  issued: string;
  modified: string;
}

export interface DatasetVersion {
  datasetId: string;
  number: number;
  publishedAt: string;
  publishedBy: string | null;
  snapshot: Dataset;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  orgId: string | null;
  createdAt: string;
}

/** Who is asking. Anonymous callers are `null` actors throughout. */
export interface Actor {
  userId: string;
  email: string;
  role: Role;
  orgId: string | null;
  /** Set when the caller signed in with a token tied to one grant: data access is limited to that grant. */
  grantId?: string;
}

export interface AuditEvent {
  seq: number;
  at: string;
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  prevHash: string;
  hash: string;
}

export interface FieldError {
  field: string;
  code: string;
  message: Label;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
