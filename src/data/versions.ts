import type { Selectable } from 'kysely';
import type { Kdb } from '../platform/index.ts';
import type { Schema } from '../platform/index.ts';
import type { IngestReport, VersionChanges } from './report.ts';
import type { Column } from './values.ts';

export type VersionState = 'pending' | 'running' | 'succeeded' | 'failed';

export interface VersionSource {
  kind: 'upload' | 'url' | 'file';
  filename: string;
  url?: string;
  mediaType?: string | null;
  sheet?: string;
  encoding?: string;
}

/** One upload of a distribution and what its ingest made of it. */
export interface DataVersion {
  id: string;
  distributionId: string;
  number: number;
  state: VersionState;
  source: VersionSource;
  byteSize: number | null;
  /** sha256 of the file as received. */
  checksum: string | null;
  rowCount: number | null;
  fieldCount: number | null;
  columns: Column[];
  changes: VersionChanges | null;
  jobId: string | null;
  createdBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export type VersionRow = Selectable<Schema['distribution_version']>;

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function toVersion(r: VersionRow): DataVersion {
  return {
    id: r.id,
    distributionId: r.distribution_id,
    number: r.number,
    state: r.state as VersionState,
    source: r.source as VersionSource,
    byteSize: r.raw_bytes === null ? null : Number(r.raw_bytes),
    checksum: r.raw_key,
    rowCount: r.row_count === null ? null : Number(r.row_count),
    fieldCount: r.field_count,
    columns: (r.columns ?? []) as Column[],
    changes: (r.changes ?? null) as VersionChanges | null,
    jobId: r.job_id,
    createdBy: r.created_by,
    createdAt: iso(r.created_at)!,
    finishedAt: iso(r.finished_at),
  };
}

export const reportOf = (r: VersionRow) => (r.report ?? null) as (IngestReport & { error?: unknown }) | null;

/** A distribution's versions, as rows. */
const versionsOf = (db: Kdb, distributionId: string) =>
  db.selectFrom('distribution_version').selectAll().where('distribution_id', '=', distributionId);

export async function versionRows(db: Kdb, distributionId: string): Promise<VersionRow[]> {
  return versionsOf(db, distributionId).orderBy('number', 'desc').execute();
}

export async function versionByNumber(
  db: Kdb,
  distributionId: string,
  number: number,
): Promise<VersionRow | undefined> {
  return versionsOf(db, distributionId).where('number', '=', number).executeTakeFirst();
}

export async function versionById(db: Kdb, id: string): Promise<VersionRow | undefined> {
  return db.selectFrom('distribution_version').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The succeeded version before `number`, the baseline a new version is compared with. */
export async function previousSucceeded(
  db: Kdb,
  distributionId: string,
  number: number,
): Promise<VersionRow | undefined> {
  return versionsOf(db, distributionId)
    .where('state', '=', 'succeeded')
    .where('number', '<', number)
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Version numbers are taken under a lock on the distribution, so two uploads never share one. */
export async function nextVersionNumber(trx: Kdb, distributionId: string): Promise<number> {
  await trx.selectFrom('distribution').select('id').where('id', '=', distributionId).forUpdate().execute();
  const r = await trx
    .selectFrom('distribution_version')
    .select((eb) => eb.fn.max('number').as('n'))
    .where('distribution_id', '=', distributionId)
    .executeTakeFirst();
  return Number(r?.n ?? 0) + 1;
}

export async function setVersionState(
  trx: Kdb,
  id: string,
  state: VersionState,
  extra: Partial<Record<'report' | 'finished_at', unknown>> = {},
): Promise<void> {
  await trx
    .updateTable('distribution_version')
    .set({
      state,
      ...(extra.report !== undefined && { report: JSON.stringify(extra.report) }),
      ...(extra.finished_at !== undefined && { finished_at: extra.finished_at as Date }),
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Of these blob keys, the ones a row still names. Every column that holds a blob key belongs
 * here: a column left out would have its blobs deleted from under it.
 */
export async function referencedBlobs(db: Kdb, keys: string[]): Promise<Set<string>> {
  const versions = await db
    .selectFrom('distribution_version')
    .select(['raw_key', 'parquet_key'])
    .where((eb) => eb.or([eb('raw_key', 'in', keys), eb('parquet_key', 'in', keys)]))
    .execute();
  // The current version's raw key, copied as DCAT metadata: normally a version names it too.
  const distributions = await db
    .selectFrom('distribution')
    .select('checksum')
    .where('checksum', 'in', keys)
    .execute();
  const named = new Set<string | null>([
    ...versions.flatMap((v) => [v.raw_key, v.parquet_key]),
    ...distributions.map((d) => d.checksum),
  ]);
  return new Set(keys.filter((k) => named.has(k)));
}
