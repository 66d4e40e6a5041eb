import { canEditOrgData } from '../identity/index.ts';
import { DomainError, notFound, seesWholeTable, visibleColumns, type Actor } from '../core/index.ts';
import { getJob, type Context, type Job } from '../platform/index.ts';
import type { DataReader } from './access.ts';
import type { IngestReport } from './report.ts';
import {
  reportOf,
  toVersion,
  versionByNumber,
  versionRows,
  type DataVersion,
  type VersionRow,
} from './versions.ts';

export interface VersionList {
  current: number | null;
  items: (DataVersion & { current: boolean })[];
}

/**
 * A distribution's versions. The publishing department sees every upload, failed ones with
 * their errors; everyone else who may read the data sees the versions that can be served,
 * described only by the fields they may see.
 */
async function readable(ctx: Context, reader: DataReader, distributionId: string) {
  const { distribution, dataset, access } = await reader.pass(ctx, distributionId, 'versions');
  const owner = access.kind === 'full' && access.reason === 'owner';
  const narrowed = access.kind === 'grant' && !!access.fields;
  const shape = (r: VersionRow): DataVersion => {
    const v = toVersion(r);
    if (!narrowed) return v;
    const columns = visibleColumns(access, v.columns);
    // The changes summary covers the whole table; a grant's view of it would say too much.
    return { ...v, columns, fieldCount: columns.length, changes: null, checksum: null };
  };
  const current = (
    await ctx.db
      .selectFrom('distribution')
      .select('current_version')
      .where('id', '=', distribution.id)
      .executeTakeFirstOrThrow()
  ).current_version;
  return { distribution, dataset, access, owner, shape, current };
}

export async function listDataVersions(
  ctx: Context,
  reader: DataReader,
  distributionId: string,
): Promise<VersionList> {
  const r = await readable(ctx, reader, distributionId);
  const rows = (await versionRows(ctx.db, r.distribution.id)).filter(
    (v) => r.owner || v.state === 'succeeded',
  );
  return { current: r.current, items: rows.map((v) => ({ ...r.shape(v), current: v.number === r.current })) };
}

export async function getDataVersion(
  ctx: Context,
  reader: DataReader,
  distributionId: string,
  number: number,
): Promise<DataVersion & { current: boolean; report: (IngestReport & { error?: unknown }) | null }> {
  const r = await readable(ctx, reader, distributionId);
  const row = await versionByNumber(ctx.db, r.distribution.id, number);
  if (!row || (!r.owner && row.state !== 'succeeded'))
    throw new DomainError('not_found', 'version_not_found', {
      zh: `没有第 ${number} 版`,
      en: `No version ${number}`,
    });
  // The ingest report holds whole-table statistics and, for failures, the file's own text.
  const report = seesWholeTable(r.access) ? reportOf(row) : null;
  return {
    ...r.shape(row),
    current: row.number === r.current,
    report: r.owner || row.state === 'succeeded' ? report : null,
  };
}

/** A job is followed by whoever started it, staff of the department it works for, and sysadmins. */
export async function getJobFor(ctx: Context, actor: Actor | null, id: string): Promise<Job> {
  const job = await getJob(ctx.db, id);
  if (!job || !actor) throw notFound('Job', '任务');
  const allowed =
    actor.role === 'sysadmin' ||
    job.createdBy === actor.userId ||
    (job.orgId !== null && canEditOrgData(actor, job.orgId));
  if (!allowed) throw notFound('Job', '任务');
  return job;
}
