import { getDataset, getDistribution } from '../catalog/index.ts';
import { resolveDataAccess, type DataAccess, type RowCondition } from '../access/index.ts';
import { DomainError, notFound, type Actor, type Dataset, type Distribution } from '../core/index.ts';
import { openBlobStore, type Context } from '../platform/index.ts';
import { ident } from './ingest/duck.ts';
import { ROW_ID, parquetTable } from './ingest/load.ts';
import { reportOf, toVersion, versionByNumber, type DataVersion, type VersionRow } from './versions.ts';
import type { Column } from './values.ts';

/**
 * The one gate every data path passes: the dataset must be visible, `resolveDataAccess` must
 * allow its data, and what a grant allows (some fields, some rows) becomes the view every
 * query is built on. Nothing downstream sees the Parquet file except through this view.
 */

const DENIED = {
  conditional: {
    zh: '该数据为有条件开放，须申请获批后才能获取',
    en: 'This data is open on conditions; apply for access to read it',
  },
  not_open: { zh: '该数据不予开放', en: 'This data is not open' },
  outside_grant: {
    zh: '该令牌只能读取其所属授权范围内的数据',
    en: 'This token reads only the data of its grant',
  },
};

export const accessDenied = (reason: keyof typeof DENIED) =>
  new DomainError('forbidden', 'access_denied', DENIED[reason], { reason });

export const noData = () =>
  new DomainError('not_found', 'no_data', {
    zh: '该资源还没有可用的数据',
    en: 'This distribution has no data yet',
  });

export interface DataView {
  dataset: Dataset;
  distribution: Distribution;
  version: DataVersion;
  row: VersionRow;
  access: Exclude<DataAccess, { kind: 'denied' }>;
  /** The columns the caller may see, in file order. */
  columns: Column[];
  /** Every column of the version, for conditions on fields the caller may not see. */
  allColumns: Column[];
  /** The version's Parquet file on this machine. */
  file: string;
  /** A table expression for FROM: the Parquet file, narrowed to the rows the caller may see. */
  from: string;
  /** Parameters `from` refers to ($1…). */
  params: unknown[];
}

/** What is being read, for the access log kept of reads under grants and shares. */
export type DataAction = 'rows' | 'aggregate' | 'preview' | 'download' | 'query' | 'versions';

/** Visible and readable, or the error that says why not (404 for what the caller may not know exists). */
export async function checkAccess(
  ctx: Context,
  actor: Actor | null,
  distributionId: string,
  action: DataAction,
  detail?: unknown,
): Promise<{
  dataset: Dataset;
  distribution: Distribution;
  access: Exclude<DataAccess, { kind: 'denied' }>;
}> {
  const distribution = await getDistribution(ctx, actor, distributionId);
  const dataset = await getDataset(ctx, actor, distribution.datasetId);
  const access = await resolveDataAccess(ctx, actor, dataset, {
    action,
    detail: { distributionId: distribution.id, ...(detail as object | undefined) },
  });
  if (access.kind === 'denied') {
    if (access.reason === 'not_published') throw notFound('Distribution', '资源');
    throw accessDenied(access.reason);
  }
  return { dataset, distribution, access };
}

async function currentNumber(ctx: Context, distributionId: string): Promise<number | null> {
  const r = await ctx.db
    .selectFrom('distribution')
    .select('current_version')
    .where('id', '=', distributionId)
    .executeTakeFirst();
  return r?.current_version ?? null;
}

/** Grant conditions as SQL over text, so a condition's value never fails a type conversion. */
function rowConditions(conditions: RowCondition[] | null, columns: Column[], params: unknown[]): string[] {
  if (!conditions?.length) return [];
  const names = new Set(columns.map((c) => c.name));
  return conditions.map((cond) => {
    // A condition on a field this version does not have matches nothing: a grant never widens.
    if (!names.has(cond.field)) return 'false';
    const values = (Array.isArray(cond.value) ? cond.value : [cond.value]).map(String);
    if (!values.length) return 'false';
    const placeholders = values.map((v) => {
      params.push(v);
      return `$${params.length}`;
    });
    return `CAST(${ident(cond.field)} AS VARCHAR) IN (${placeholders.join(', ')})`;
  });
}

export async function openData(
  ctx: Context,
  actor: Actor | null,
  distributionId: string,
  opts: { action: DataAction; version?: number; detail?: unknown },
): Promise<DataView> {
  const { dataset, distribution, access } = await checkAccess(
    ctx,
    actor,
    distributionId,
    opts.action,
    opts.detail,
  );
  const number = opts.version ?? (await currentNumber(ctx, distribution.id));
  if (number === null) throw noData();
  const row = await versionByNumber(ctx.db, distribution.id, number);
  if (!row || row.state !== 'succeeded' || !row.parquet_key)
    throw opts.version
      ? new DomainError('not_found', 'version_not_found', {
          zh: `没有可用的第 ${number} 版数据`,
          en: `Version ${number} has no data`,
        })
      : noData();
  const version = toVersion(row);
  const allColumns = version.columns;
  const allowed = access.kind === 'grant' && access.fields ? new Set(access.fields) : null;
  const columns = allowed ? allColumns.filter((c) => allowed.has(c.name)) : allColumns;
  const file = await openBlobStore(ctx.config).localPath(row.parquet_key);
  const params: unknown[] = [file];
  const where = access.kind === 'grant' ? rowConditions(access.rows, allColumns, params) : [];
  const from = `(SELECT * FROM ${parquetTable('$1')}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}) AS data`;
  return { dataset, distribution, version, row, access, columns, allColumns, file, from, params };
}

/** The stored profile is of the whole table: shown only to callers who may see the whole table. */
export function storedProfile(view: DataView) {
  if (view.access.kind !== 'full') return null;
  return reportOf(view.row);
}

export { ROW_ID };
