import { seesWholeTable } from '../core/index.ts';
import type { Context } from '../platform/index.ts';
import { openData, storedProfile, ROW_ID, type DataReader } from './access.ts';
import { withReader } from './engine.ts';
import { ident } from './ingest/duck.ts';
import { profile } from './ingest/load.ts';
import type { ColumnProfile, Problem, VersionChanges } from './report.ts';
import { countUse } from './usage.ts';
import { cell, type Cell } from './values.ts';

export interface Preview {
  distributionId: string;
  version: {
    number: number;
    createdAt: string;
    finishedAt: string | null;
    rowCount: number;
    fieldCount: number;
    changes: VersionChanges | null;
  };
  /** Statistics of each column the caller may see, over the rows the caller may see. */
  columns: ColumnProfile[];
  /** The first rows, in file order. */
  rows: Record<string, Cell>[];
  /** What the ingest found and repaired; only for callers who see the whole table. */
  problems: Problem[] | null;
}

/**
 * The first rows and the column statistics of a distribution's data, for the dataset page.
 * Statistics of the whole table are stored at ingest; a caller limited by a grant gets them
 * computed over what the grant shows, never the whole table's.
 */
export async function previewDistribution(
  ctx: Context,
  reader: DataReader,
  distributionId: string,
  opts: { limit?: number; version?: number } = {},
): Promise<Preview> {
  const view = await openData(ctx, reader, distributionId, { action: 'preview', version: opts.version });
  const limit = Math.min(Math.max(opts.limit ?? 20, 1), 100);
  const stored = storedProfile(view);
  const visible = new Set(view.columns.map((c) => c.name));
  const { rows, stats } = await withReader(ctx, async (c) => {
    const r = await c.runAndReadAll(
      `SELECT ${view.columns.map((col) => ident(col.name)).join(', ')} FROM ${view.from} ORDER BY ${ident(ROW_ID)} LIMIT ${limit}`,
      view.params as never,
    );
    const stats = stored
      ? { rows: stored.rows, columns: stored.columns.filter((col) => visible.has(col.name)) }
      : await profile(c, view.from, view.params, view.columns);
    return { rows: r.getRowsJS(), stats };
  });
  await countUse(ctx, [view.distribution.id], 'previews');
  return {
    distributionId: view.distribution.id,
    version: {
      number: view.version.number,
      createdAt: view.version.createdAt,
      finishedAt: view.version.finishedAt,
      rowCount: stats.rows,
      fieldCount: view.columns.length,
      changes: seesWholeTable(view.access) ? view.version.changes : null,
    },
    columns: stats.columns,
    rows: rows.map((r) => Object.fromEntries(view.columns.map((col, i) => [col.name, cell(r[i], col.type)]))),
    problems: stored?.problems ?? null,
  };
}
