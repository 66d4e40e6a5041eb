import {
  DomainError,
  seesWholeTable,
  visibleColumns,
  type Actor,
  type Dataset,
  type Distribution,
  type DataAccess,
  type RowCondition,
} from '../core/index.ts';
import { openBlobStore, type Context } from '../platform/index.ts';
import { ident } from './ingest/duck.ts';
import { ROW_ID, parquetTable } from './ingest/load.ts';
import { reportOf, toVersion, versionByNumber, type DataVersion, type VersionRow } from './versions.ts';
import type { Column } from './values.ts';

/**
 * Every data path opens its data here, through a `DataReader` whose gate (in the access room) has
 * said the dataset is visible and its data readable; what a grant allows (some fields, some rows)
 * becomes the view every query is built on. Nothing downstream sees the Parquet file except
 * through this view.
 */

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

/** What the gate lets through: a dataset the reader may see, one of its distributions, and how much of its data. */
export interface DataPass {
  dataset: Dataset;
  distribution: Distribution;
  access: Exclude<DataAccess, { kind: 'denied' }>;
}

/**
 * A reader of data and the gate it passes. Only the access room makes one (`access.dataReader`),
 * since only it can weigh grants and shares: the data room, standing below access, cannot build
 * a way around the gate (ADR 0021). `pass` throws the 404 or 403 that says why a read is refused,
 * and logs reads made under a grant or a share.
 */
export interface DataReader {
  actor: Actor | null;
  pass(ctx: Context, distributionId: string, action: DataAction, detail?: unknown): Promise<DataPass>;
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
  reader: DataReader,
  distributionId: string,
  opts: { action: DataAction; version?: number; detail?: unknown },
): Promise<DataView> {
  const { dataset, distribution, access } = await reader.pass(ctx, distributionId, opts.action, opts.detail);
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
  const columns = visibleColumns(access, allColumns);
  const file = await openBlobStore(ctx.config).localPath(row.parquet_key);
  const params: unknown[] = [file];
  const where = access.kind === 'grant' ? rowConditions(access.rows, allColumns, params) : [];
  const from = `(SELECT * FROM ${parquetTable('$1')}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}) AS data`;
  return { dataset, distribution, version, row, access, columns, allColumns, file, from, params };
}

/** The stored profile is of the whole table: shown only to callers who may see the whole table. */
export function storedProfile(view: DataView) {
  return seesWholeTable(view.access) ? reportOf(view.row) : null;
}

export { ROW_ID };
