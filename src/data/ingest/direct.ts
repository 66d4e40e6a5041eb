import fs from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ident, literal, rows } from './duck.ts';
import { countLines } from './text.ts';
import {
  DATE_FORMS,
  convert,
  fails,
  formulaQuoted,
  proposeTypes,
  readCsv,
  totalRow,
  writeParquet,
  type CsvPlan,
  type TypedColumn,
  type Written,
} from './load.ts';

/**
 * One pass for clean files. The careful path (load.ts) reads a CSV three times — into a Parquet
 * file of text, once more to confirm each column's type over every value, and again to write the
 * typed file — which is what makes messy spreadsheets come out right. Large files are mostly
 * machine-written exports with nothing to repair, and for them one pass is enough: the first
 * rows propose the types, and the typed file is written straight from the CSV with every value
 * checked on the way against the same rules. Anything the careful path would have to repair — a
 * value that does not fit its column's type (placeholders such as "-" included), a row that does
 * not parse, blank rows, a repeated header — stops the pass or fails the checks after it, and the
 * careful path starts from the beginning. The result is the same either way; only the time differs.
 */

const REFUSED = 'kaifang: value outside the proposed type';

/** The typed value, or an error that ends the pass when a present value is not of the type. */
function checked(col: TypedColumn, quoted: boolean): string {
  const x = ident(col.stage);
  const refuse = `error(${literal(REFUSED)})`;
  switch (col.type) {
    // Text the stored value differs from (spaces around it, a `'` before a formula) is counted
    // for the report by the careful path.
    case 'string':
      return `CASE WHEN starts_with(${x}, ' ') OR ends_with(${x}, ' ')${quoted ? ` OR ${formulaQuoted(x)}` : ''} THEN ${refuse} ELSE ${convert(col)} END`;
    // The casts accept more than the rules (1.5 as an integer, 007, inf): the rules test first.
    case 'integer':
    case 'number':
      return `CASE WHEN ${x} IS NULL THEN NULL WHEN ${fails(col.type, x)} THEN ${refuse} ELSE ${convert(col)} END`;
    // Dates written another way are counted for the report by the careful path.
    case 'date':
      return `CASE WHEN ${x} IS NULL THEN NULL WHEN ${DATE_FORMS.compact(`trim(${x})`)} OR ${DATE_FORMS.month(`trim(${x})`)} THEN ${refuse} ELSE coalesce(${convert(col)}, ${refuse}) END`;
    // These conversions give a value exactly when the rules accept it: one evaluation does both.
    default:
      return `CASE WHEN ${x} IS NULL THEN NULL ELSE coalesce(${convert(col)}, ${refuse}) END`;
  }
}

/**
 * Writes `target` from the CSV in one pass and returns the columns' types and the writer's
 * statistics, or returns null
 * (leaving nothing behind) when the file needs the careful path. `header` is the SQL (over the
 * text columns) that recognises a repeated header row, when the table has a one-row header.
 */
export async function loadDirect(
  c: DuckDBConnection,
  plan: CsvPlan,
  header: string | null,
  target: string,
  signal?: AbortSignal,
): Promise<{ columns: TypedColumn[]; written: Written } | null> {
  const proposed = await proposeTypes(c, plan.columns, readCsv(plan, plan.padShortRows), header);
  const typed: TypedColumn[] = plan.columns.map((col) => {
    const { type, present, identifier } = proposed.get(col.stage)!;
    return { ...col, type, present, placeholders: 0, ...(identifier && { identifier }) };
  });
  // A column without a name or a value in the sample may be one of the empty columns
  // spreadsheets trail, which the careful path removes.
  if (typed.some((t) => t.invented && t.present === 0)) return null;
  let written: Written;
  try {
    written = await writeParquet(
      c,
      target,
      readCsv(plan, plan.padShortRows, 'strict'),
      typed.map((t) => ({ name: t.name, expr: checked(t, plan.quoted) })),
      [],
    );
  } catch (err) {
    if (signal?.aborted) throw err;
    await fs.promises.rm(target, { force: true });
    return null;
  }
  // Every line below the header must be one row (or an empty line): a record spanning lines may
  // hold a quote left open, which only the careful path checks.
  const counted = await countLines(plan.file, plan.skipLines, signal);
  if (counted.lines - counted.empty !== written.rows) {
    await fs.promises.rm(target, { force: true });
    return null;
  }
  // Rows that are not data but pass every type: all empty (impossible when a column has no empty
  // value), or the header again, which would hold its own name in the first named column: one
  // column to read, and Parquet's min/max statistics usually rule it out without reading.
  const blank = typed.map((t) => `${ident(t.name)} IS NULL`).join(' AND ');
  const lead = typed
    .filter((t) => !t.invented)
    .sort((a, b) => Number(b.type === 'string') - Number(a.type === 'string'))[0];
  // A total row (全市 at the top, 小计 in the middle) has its label in one of the first three
  // cells, which must then be text.
  const lead3 = typed.filter((t) => !(t.invented && t.present === 0)).slice(0, 3);
  const total = lead3.some((t) => t.type === 'string')
    ? [
        totalRow(
          // A number or date is never a label, but a present one is the row's first cell.
          lead3.map((t) =>
            t.type === 'string' ? ident(t.name) : `CASE WHEN ${ident(t.name)} IS NOT NULL THEN '' END`,
          ),
        ),
      ]
    : [];
  const notData = [
    ...total,
    ...([...written.columns.values()].every((col) => col.nulls > 0) ? [blank] : []),
    ...(header && lead
      ? [
          `${lead.type === 'string' ? ident(lead.name) : `CAST(${ident(lead.name)} AS VARCHAR)`} = ${literal(lead.name)}`,
        ]
      : []),
  ];
  for (const condition of notData) {
    const [{ n }] = await rows<{ n: bigint }>(
      c,
      `SELECT count(*) AS n FROM read_parquet(${literal(target)}) WHERE ${condition}`,
    );
    if (Number(n)) {
      await fs.promises.rm(target, { force: true });
      return null;
    }
  }
  return { columns: typed, written };
}
