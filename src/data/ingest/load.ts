import type { DuckDBConnection } from '@duckdb/node-api';
import { IngestError, problem, type ColumnProfile, type FieldType, type Problem } from '../report.ts';
import { SQL_TYPE, fieldTypeOf, ident, literal, rows } from './duck.ts';
import { TOTAL_PATTERN, type FooterRow } from './sniff.ts';
import { FORMULA_PATTERN, cell } from '../values.ts';
import { countLines } from './text.ts';
import { isDateHeader, isIdentifierHeader } from './identifiers.ts';

/**
 * DuckDB does the heavy lifting: the CSV is parsed once, in parallel, into a Parquet file of text
 * (on disk, so memory stays flat whatever the size); each column's type is proposed from the
 * first rows and confirmed over every value — not a sample — reading only that column; the typed
 * rows are written to Parquet in file order. The government-spreadsheet clean-up happens on the
 * way: totals and notes at the foot are cut by position, blank rows and repeated headers are
 * filtered out.
 */

/** The engine's own column: the record's position in the Parquet file (1-based), derived on read. */
export const ROW_ID = '__row';
/** Names the table may not use: DuckDB adds the second when asked for row positions. */
export const RESERVED_NAMES = [ROW_ID, 'file_row_number'];

/** A Parquet file as a table, with the row position every query can order by. */
export const parquetTable = (fileSql: string) =>
  `(SELECT *, file_row_number + 1 AS ${ident(ROW_ID)} FROM read_parquet(${fileSql}, file_row_number = true))`;

/** What spreadsheets write for "no value" in a column of numbers or dates. */
const PLACEHOLDERS = ['-', '--', '—', '——', '/', '\\', 'N/A', 'n/a', 'NA', 'NULL', 'null', '无', '空'];
/** What a spreadsheet writes into a CSV for a formula that failed: no value, and reported as such. */
const FORMULA_ERRORS = [
  '#DIV/0!',
  '#N/A',
  '#VALUE!',
  '#REF!',
  '#NAME?',
  '#NUM!',
  '#NULL!',
  '#SPILL!',
  '#CALC!',
];
const fmtList = (f: string[]) => `[${f.map(literal).join(', ')}]`;

export interface StagedColumn {
  /** Column name while reading (c1, c2, …). */
  stage: string;
  name: string;
  /** Named by us, not by the file. */
  invented: boolean;
}

export interface CsvPlan {
  file: string;
  delimiter: string;
  skipLines: number;
  columns: StagedColumn[];
  /** Spreadsheets: rows shorter than the table are normal (trailing empty cells are not written). */
  padShortRows: boolean;
  /** Where the text of the records is kept while the ingest runs. */
  stageFile: string;
  /** A CSV for spreadsheets, whose `'` before a formula (see `defuse`) is not part of the value. */
  quoted: boolean;
}

/** The rows of the table, ready to read: a table expression over the CSV, minus the footer. */
export interface CsvSource {
  from: string;
  problems: Problem[];
  invalidEncoding: boolean;
}

/**
 * The CSV's records as text columns c1, c2, …. Rows that do not parse are skipped (and kept in
 * the `rejects` table when asked), or, `strict`, stop the read with an error.
 */
export const readCsv = (plan: CsvPlan, pad: boolean, errors: 'skip' | 'keep' | 'strict' = 'skip') =>
  `read_csv(${literal(plan.file)}, delim = ${literal(plan.delimiter)}, quote = '"', escape = '"', header = false,
    skip = ${plan.skipLines}, columns = {${plan.columns.map((col) => `${literal(col.stage)}: 'VARCHAR'`).join(', ')}},
    auto_detect = false, null_padding = ${pad}, ignore_errors = ${errors !== 'strict'}
    ${errors === 'keep' ? ", store_rejects = true, rejects_table = 'rejects', rejects_scan = 'rejects_scan'" : ''})`;

/**
 * Reads the CSV once, in parallel, into a Parquet file of text in file order: the checks that
 * follow read only the columns they need from it, and the footer is cut by position.
 */
async function stage(c: DuckDBConnection, plan: CsvPlan, pad: boolean) {
  await c.run('DROP TABLE IF EXISTS rejects; DROP TABLE IF EXISTS rejects_scan');
  await c.run(
    `COPY (SELECT * FROM ${readCsv(plan, pad, 'keep')}) TO ${literal(plan.stageFile)} (FORMAT parquet, COMPRESSION uncompressed, ROW_GROUP_SIZE 122880)`,
  );
  const [{ n }] = await rows<{ n: bigint }>(
    c,
    `SELECT count(*) AS n FROM read_parquet(${literal(plan.stageFile)})`,
  );
  const rejected = await rows<{ line: bigint; error_type: string; csv_line: string | null }>(
    c,
    `SELECT line, min(error_type) AS error_type, min(csv_line) AS csv_line FROM rejects GROUP BY line ORDER BY line`,
  );
  return {
    n: Number(n),
    rejected: rejected.map((r) => ({
      line: Number(r.line),
      type: r.error_type,
      text: (r.csv_line ?? '').replace(/[\r\n]+$/, ''),
    })),
  };
}

const sample = (lines: number[]) => lines.slice(0, 20);

/**
 * Counts and checks the records of a delimited UTF-8 file. Rows that do not fit are reported,
 * never silently dropped; the footer rows found at the end of the file are cut off by position.
 */
export async function scanCsv(c: DuckDBConnection, plan: CsvPlan, footer: FooterRow[]): Promise<CsvSource> {
  const problems: Problem[] = [];
  const footerText = new Set(footer.map((f) => f.raw.trim()));
  let pad = plan.padShortRows;
  let scan = await stage(c, plan, pad);
  if (scan.rejected.some((r) => /UNICODE|ENCODING/i.test(r.type)))
    return { from: '', problems, invalidEncoding: true };
  // A note under the table ("注：…" in one cell) is short too, but it is a footer, not a short row.
  const short = scan.rejected
    .filter((r) => r.type === 'MISSING COLUMNS' && !footerText.has(r.text.trim()))
    .map((r) => r.line);
  if (short.length) {
    pad = true;
    scan = await stage(c, plan, pad);
    problems.push(
      problem(
        'short_rows',
        'warning',
        `有 ${short.length} 行的列数少于表头，缺少的单元格按空值处理`,
        `${short.length} rows have fewer cells than the header; the missing cells are empty`,
        {
          lines: sample(short),
          count: short.length,
        },
      ),
    );
  }
  const long = scan.rejected
    .filter((r) => r.type === 'TOO MANY COLUMNS' && !footerText.has(r.text.trim()))
    .map((r) => r.line);
  if (long.length)
    problems.push(
      problem(
        'long_rows',
        'warning',
        `有 ${long.length} 行的列数多于表头，无法对应到列，未导入`,
        `${long.length} rows have more cells than the header and could not be placed; they were not imported`,
        {
          lines: sample(long),
          count: long.length,
        },
      ),
    );
  const other = scan.rejected.filter((r) => r.type !== 'TOO MANY COLUMNS' && r.type !== 'MISSING COLUMNS');
  if (other.length)
    problems.push(
      problem(
        'unreadable_rows',
        'warning',
        `有 ${other.length} 行无法解析（如引号不配对、行过长），未导入`,
        `${other.length} rows could not be parsed (unbalanced quotes, over-long lines) and were not imported`,
        {
          lines: sample(other.map((r) => r.line)),
          count: other.length,
        },
      ),
    );
  await accountForLines(c, plan, scan);
  // The footer rows DuckDB counted (it skips blank lines and rejects rows of the wrong width) are the last ones it read.
  const width = plan.columns.length;
  const counted = footer.filter(
    (f) => f.raw.trim() !== '' && (f.cells.length === width || (pad && f.cells.length < width)),
  ).length;
  const keep = Math.max(0, scan.n - counted);
  for (const f of footer) {
    if (f.kind === 'blank') continue;
    // A merged cell is filled across the row: its text once.
    const text = [...new Set(f.cells.filter((v) => v !== ''))].join(' ').slice(0, 200);
    problems.push(
      f.kind === 'total_row'
        ? problem(
            'total_row',
            'info',
            `表尾的合计行“${text.slice(0, 40)}”不是数据，已去除`,
            `The total row at the foot of the table ("${text.slice(0, 40)}") is not data and was removed`,
            { text },
          )
        : problem(
            'footer_note',
            'info',
            `表尾的说明“${text.slice(0, 40)}”不是数据，已去除`,
            `The note below the table ("${text.slice(0, 40)}") is not data and was removed`,
            { text },
          ),
    );
  }
  return {
    from: `(SELECT * FROM read_parquet(${literal(plan.stageFile)}, file_row_number = true) WHERE file_row_number < ${keep})`,
    problems,
    invalidEncoding: false,
  };
}

/** A record's text without the line breaks around it. */
const recordText = (text: string) => text.replace(/^[\r\n]+|[\r\n]+$/g, '');

/** Lines of a record's text, after its first, that split into a whole row of cells. */
const rowLikeLines = (text: string, delimiter: string, width: number) =>
  recordText(text)
    .split('\n')
    .slice(1)
    .filter((l) => l.split(delimiter).length >= width).length;

/** How many row-like lines inside one record betray a quote left open: one, unless a row is a single delimiter. */
const enough = (width: number) => (width >= 3 ? 1 : 2);

function unbalancedQuote(where: { zh: string; en: string }, lines: number, rowLike: number): IngestError {
  return new IngestError('unbalanced_quote', {
    zh: `${where.zh}跨了 ${lines} 行，其中 ${rowLike} 行本身就像一整行数据：很可能是引号没有配对（如 "abc 少了结尾的引号），把其后的行并进了一个单元格。为免丢失数据，文件未导入；请修正引号后重新上传`,
    en: `${where.en} spans ${lines} lines, ${rowLike} of which look like whole rows of their own: most likely a quote is left open (such as "abc without its closing quote) and swallowed the rows after it. To lose no data the file was not imported; fix the quote and upload it again`,
  });
}

/**
 * Rows in = rows out + rows reported: every line of the file below the header is an empty line,
 * a line of a staged record or a line of a rejected one. When records span lines (quoted line
 * breaks), a quote left open is the usual cause; a record whose cell holds lines that are whole
 * rows of the table fails the file rather than importing those rows as one cell, or losing them.
 */
async function accountForLines(
  c: DuckDBConnection,
  plan: CsvPlan,
  scan: { n: number; rejected: { line: number; type: string; text: string }[] },
): Promise<void> {
  const width = plan.columns.length;
  // A sheet converted to CSV here has no quote left open: a cell's line breaks are the cell's.
  if (width < 2 || !plan.quoted) return;
  for (const r of scan.rejected) {
    const lines = recordText(r.text).split('\n').length;
    const rowLike = rowLikeLines(r.text, plan.delimiter, width);
    if (lines > 1 && rowLike >= enough(width))
      throw unbalancedQuote(
        { zh: `第 ${r.line} 行起的一条无法解析的记录`, en: `An unreadable record from line ${r.line}` },
        lines,
        rowLike,
      );
  }
  const counted = await countLines(plan.file, plan.skipLines);
  const rejectedLines = scan.rejected.reduce((n, r) => n + recordText(r.text).split('\n').length, 0);
  if (counted.lines - counted.empty - rejectedLines <= scan.n) return;
  // Some staged records span lines: look for cells that hold whole rows.
  const rowLike = (v: string) =>
    `len(list_filter(string_split(${v}, chr(10))[2:], l -> len(string_split(l, ${literal(plan.delimiter)})) >= ${width}))`;
  const stageFile = `read_parquet(${literal(plan.stageFile)}, file_row_number = true)`;
  for (let start = 0; start < width; start += 100) {
    const slice = plan.columns.slice(start, start + 100);
    const where = slice
      .map(
        (col) =>
          `(contains(${ident(col.stage)}, chr(10)) AND ${rowLike(ident(col.stage))} >= ${enough(width)})`,
      )
      .join(' OR ');
    const [found] = await rows<Record<string, unknown>>(
      c,
      `SELECT file_row_number, ${slice.map((col, k) => `${ident(col.stage)} AS v${k}`).join(', ')} FROM ${stageFile} WHERE ${where} LIMIT 1`,
    );
    if (!found) continue;
    const k = Math.max(
      0,
      slice.findIndex((_, k) => {
        const v = found[`v${k}`];
        return typeof v === 'string' && rowLikeLines(v, plan.delimiter, width) >= enough(width);
      }),
    );
    const value = String(found[`v${k}`]);
    const record = Number(found.file_row_number) + 1;
    throw unbalancedQuote(
      {
        zh: `第 ${record} 条记录的“${slice[k].name}”单元格（以“${value.slice(0, 20)}”开头）`,
        en: `The "${slice[k].name}" cell of record ${record} (starting "${value.slice(0, 20)}")`,
      },
      recordText(value).split('\n').length,
      rowLikeLines(value, plan.delimiter, width),
    );
  }
}

/**
 * JSON arrays and NDJSON, typed by DuckDB, with three exceptions that would change values:
 * numbers DuckDB would read as doubles are read as their text and become numbers only when a
 * double holds every one exactly (a 19-digit card number is text); identifier columns (by
 * header) are text; a key whose values mix types (1 and "abc") is plain text, not JSON-quoted.
 * Nested values are kept as JSON text.
 */
export async function stageJson(
  c: DuckDBConnection,
  file: string,
  format: 'json' | 'ndjson',
  maxColumns: number,
): Promise<{ types: Map<string, FieldType>; names: string[]; identifiers: Set<string>; mixed: string[] }> {
  const read = (columns?: string) =>
    `read_json(${literal(file)}, format = ${literal(format === 'ndjson' ? 'newline_delimited' : 'auto')},
      sample_size = -1, maximum_object_size = 67108864${columns ? `, columns = {${columns}}` : ''})`;
  let described: { column_name: string; column_type: string }[];
  try {
    described = await rows(c, `DESCRIBE SELECT * FROM ${read()}`);
  } catch (err) {
    throw new IngestError('invalid_json', {
      zh: 'JSON 文件无法解析',
      en: `The JSON could not be read: ${(err as Error).message.split('\n')[0].slice(0, 300)}`,
    });
  }
  if (described.length > maxColumns)
    throw new IngestError('too_many_columns', {
      zh: `文件有 ${described.length} 个字段，超过上限 ${maxColumns}`,
      en: `The file has ${described.length} fields, more than the limit of ${maxColumns}`,
    });
  if (described.length === 1 && described[0].column_type === 'JSON')
    throw new IngestError('not_a_table', {
      zh: 'JSON 须为对象数组或每行一个对象（NDJSON）',
      en: 'JSON must be an array of objects, or one object per line (NDJSON)',
    });
  const identifiers = new Set<string>();
  const mixed: string[] = [];
  const plan = described.map((d) => {
    const t = fieldTypeOf(d.column_type);
    if (t !== 'nested' && t !== 'string' && isIdentifierHeader(d.column_name)) {
      identifiers.add(d.column_name);
      return { ...d, read: 'VARCHAR', kind: 'text' as const };
    }
    if (t === 'number') return { ...d, read: 'VARCHAR', kind: 'number' as const };
    if (t === 'nested') {
      if (d.column_type === 'JSON') mixed.push(d.column_name);
      return { ...d, read: 'JSON', kind: 'json' as const };
    }
    return { ...d, read: d.column_type, kind: t };
  });
  await c.run(
    `CREATE TABLE raw AS SELECT * FROM ${read(plan.map((p) => `${literal(p.column_name)}: ${literal(p.read)}`).join(', '))}`,
  );
  // Numbers as written: a double only when it holds every value exactly.
  const numeric = plan.filter((p) => p.kind === 'number');
  const exact = new Set<string>();
  if (numeric.length) {
    const [r] = await rows<Record<string, bigint>>(
      c,
      `SELECT ${numeric.map((p, k) => `count(*) FILTER (WHERE ${ident(p.column_name)} IS NOT NULL AND ${fails('number', ident(p.column_name))}) AS f${k}`).join(', ')} FROM raw`,
    );
    numeric.forEach((p, k) => Number(r[`f${k}`]) === 0 && exact.add(p.column_name));
  }
  const types = new Map<string, FieldType>();
  const select = plan.map((p, i) => {
    const stage = `c${i + 1}`;
    const source = ident(p.column_name);
    let type: FieldType;
    let expr: string;
    if (p.kind === 'json') [type, expr] = ['string', `json_extract_string(${source}, '$')`];
    else if (p.kind === 'text') [type, expr] = ['string', source];
    else if (p.kind === 'number')
      [type, expr] = exact.has(p.column_name) ? ['number', `CAST(${source} AS DOUBLE)`] : ['string', source];
    else [type, expr] = [p.kind, p.kind === 'string' ? source : `CAST(${source} AS ${SQL_TYPE[p.kind]})`];
    types.set(stage, type);
    return `${expr} AS ${stage}`;
  });
  await c.run(`CREATE TABLE stage AS SELECT ${select.join(', ')} FROM raw; DROP TABLE raw`);
  return { types, names: described.map((d) => d.column_name), identifiers, mixed };
}

export interface TypedColumn extends StagedColumn {
  type: FieldType;
  placeholders: number;
  present: number;
  /** Kept as text because the header names an identifier, though the values alone look like numbers. */
  identifier?: boolean;
  /** Formula errors (#DIV/0!) a spreadsheet wrote into the CSV, read as empty. */
  formulaErrors?: number;
}

/**
 * Cells the stored value differs from, counted per column for the report: spaces around a text,
 * which it is stored without (a filter on 海曙区 must find " 海曙区 "); in a CSV, the `'` written
 * before a formula for spreadsheets; dates written 20230501 or 2023年5月 (stored 2023-05-01).
 */
export async function textChanges(
  c: DuckDBConnection,
  columns: TypedColumn[],
  from: string,
  quoted: boolean,
): Promise<Record<'trimmed' | 'quoted' | 'dates', { name: string; count: number }[]>> {
  const text = columns.filter((col) => col.type === 'string' || col.type === 'date');
  const out: Record<'trimmed' | 'quoted' | 'dates', { name: string; count: number }[]> = {
    trimmed: [],
    quoted: [],
    dates: [],
  };
  for (let start = 0; start < text.length; start += 100) {
    const slice = text.slice(start, start + 100);
    const [r] = await rows<Record<string, bigint>>(
      c,
      `SELECT ${slice
        .flatMap((col, k) => {
          const x = ident(col.stage);
          if (col.type === 'date')
            return [
              `count(*) FILTER (WHERE ${DATE_FORMS.compact(`trim(${x})`)} OR ${DATE_FORMS.month(`trim(${x})`)}) AS d${k}`,
            ];
          return [
            `count(*) FILTER (WHERE starts_with(${x}, ' ') OR ends_with(${x}, ' ')) AS t${k}`,
            ...(quoted ? [`count(*) FILTER (WHERE ${formulaQuoted(`trim(${x})`)}) AS q${k}`] : []),
          ];
        })
        .join(', ')} FROM ${from}`,
    );
    slice.forEach((col, k) => {
      if (Number(r[`t${k}`] ?? 0)) out.trimmed.push({ name: col.name, count: Number(r[`t${k}`]) });
      if (Number(r[`d${k}`] ?? 0)) out.dates.push({ name: col.name, count: Number(r[`d${k}`]) });
      if (Number(r[`q${k}`] ?? 0)) out.quoted.push({ name: col.name, count: Number(r[`q${k}`]) });
    });
  }
  return out;
}

export interface Proposal {
  type: FieldType;
  present: number;
  identifier?: boolean;
}

const ORDER: FieldType[] = ['boolean', 'integer', 'number', 'date', 'datetime', 'string'];

// Integers beyond 15 digits are identifiers (身份证号, 统一社会信用代码), and a leading zero
// (邮编 010000, 区号 0574) is part of a code: both stay text.
const INTEGER = literal('-?(0|[1-9][0-9]{0,14})');
const DECIMAL = literal('-?((0|[1-9][0-9]*)(\\.[0-9]+)?|\\.[0-9]+)([eE][-+]?[0-9]+)?');
// 2023年5月 is a month: read as its first day, and reported (see DATE_FORMS).
const CN_DATE = fmtList(['%Y年%m月%d日', '%Y年%m月']);
const CN_TIMES = fmtList([
  '%Y年%m月%d日 %H:%M:%S',
  '%Y年%m月%d日 %H:%M',
  '%Y年%m月%d日%H时%M分%S秒',
  '%Y年%m月%d日%H时%M分',
  '%Y年%m月%d日',
]);
// A cheap shape test (four digits and a separator) keeps the costly casts away from text; DuckDB's
// DATE cast would drop a time of day, so a date is also short. CASE evaluates its branches
// lazily, so the slower parsers see only what the fast cast refused.
const YEAR_FIRST = `'[0-9][0-9][0-9][0-9][-/.]*'`;
// 20230501: eight digits are a date only where the column is a date already (an integer column
// comes first in ORDER, and becomes a date only when its header says so, see proposeTypes).
const COMPACT_DATE = `'[12][0-9][0-9][0-9][01][0-9][0-3][0-9]'`;
const asDate = (v: string) =>
  `CASE WHEN strlen(${v}) BETWEEN 8 AND 10 AND ${v} GLOB ${YEAR_FIRST} THEN coalesce(TRY_CAST(${v} AS DATE), TRY_CAST(replace(${v}, '.', '-') AS DATE))
     WHEN strlen(${v}) = 8 AND ${v} GLOB ${COMPACT_DATE} THEN CAST(try_strptime(${v}, '%Y%m%d') AS DATE) END`;

/** Date forms that are read as dates but written differently: counted per column for the report. */
export const DATE_FORMS = {
  compact: (v: string) => `(strlen(${v}) = 8 AND ${v} GLOB ${COMPACT_DATE})`,
  month: (v: string) =>
    `(CASE WHEN contains(${v}, '年') THEN regexp_full_match(${v}, '[0-9]{4}年[0-9]{1,2}月') ELSE false END)`,
};
const asTimestamp = (v: string) =>
  `CASE WHEN strlen(${v}) BETWEEN 8 AND 32 AND ${v} GLOB ${YEAR_FIRST} THEN TRY_CAST(replace(${v}, '/', '-') AS TIMESTAMP) END`;

/** SQL that is true when a present value `v` is not of `type`. */
export function fails(type: FieldType, v: string): string {
  switch (type) {
    case 'boolean':
      return `${v} NOT IN ('true', 'false', 'TRUE', 'FALSE', 'True', 'False')`;
    case 'integer':
      return `NOT regexp_full_match(${v}, ${INTEGER})`;
    // A double holds 15 significant digits exactly: more (a 16-digit card number, 0.1 written
    // out to 17 places) would come back changed, so such a column stays text.
    case 'number':
      return `CASE WHEN regexp_full_match(${v}, ${DECIMAL}) THEN (strlen(${v}) > 15 AND strlen(ltrim(replace(regexp_extract(${v}, '^-?([0-9.]*)', 1), '.', ''), '0')) > 15) OR NOT isfinite(TRY_CAST(${v} AS DOUBLE)) ELSE true END`;
    case 'date':
      return `CASE WHEN ${asDate(v)} IS NOT NULL THEN false WHEN contains(${v}, '年') THEN try_strptime(${v}, ${CN_DATE}) IS NULL ELSE true END`;
    case 'datetime':
      return `CASE WHEN ${asTimestamp(v)} IS NOT NULL THEN false WHEN contains(${v}, '年') THEN try_strptime(${v}, ${CN_TIMES}) IS NULL ELSE true END`;
    case 'string':
      return 'false';
  }
}

const markers = [...PLACEHOLDERS, ...FORMULA_ERRORS].map(literal).join(', ');
const formulaErrors = FORMULA_ERRORS.map(literal).join(', ');

/**
 * SQL that is true for a total or subtotal row (合计, 小计, 全市 …): the first non-empty of the
 * first three cells, whitespace removed, is a total's label. `cells` are text expressions.
 */
export const totalRow = (cells: string[]) => {
  const first = `coalesce(${cells.slice(0, 3).join(', ')})`;
  // Labels are short and hold one of a few characters: the regular expressions see only those cells.
  return `(CASE WHEN strlen(${first}) BETWEEN 2 AND 40 AND (contains(${first}, '计') OR contains(${first}, '全') OR contains(${first}, '总') OR ${first} ILIKE '%total%' OR ${first} ILIKE '%sum%') THEN coalesce(regexp_full_match(regexp_replace(${first}, '\\s+', '', 'g'), ${literal(`(?i)${TOTAL_PATTERN}`)}), false) ELSE false END)`;
};

export interface SkippedRows {
  blank: string;
  header: string | null;
  total: string;
}

/** Rows that are not data even in the middle of the table: all empty, the header again, or a total. */
export function skippedRows(columns: StagedColumn[], repeatedHeader: boolean): SkippedRows {
  // DuckDB reads an empty cell as NULL, so a blank row is all NULLs.
  const blank = columns.map((col) => `${ident(col.stage)} IS NULL`).join(' AND ');
  const named = columns.filter((col) => !col.invented);
  const header =
    repeatedHeader && named.length >= 2
      ? named.map((col) => `trim(${ident(col.stage)}) = ${literal(col.name)}`).join(' AND ')
      : null;
  return { blank, header, total: totalRow(columns.map((col) => ident(col.stage))) };
}

/**
 * Each query covers at most 100 columns, to keep plans small for wide files. Values are trimmed
 * once, in an inner projection, and only for the columns the query looks at; `__h` marks rows
 * that repeat the header, which no column's type is judged by.
 */
async function sliced(
  c: DuckDBConnection,
  cols: StagedColumn[],
  select: (v: string, col: StagedColumn, k: number) => string[],
  from: string,
  header: string | null,
  extra: string[] = [],
) {
  const out: Record<string, bigint>[] = [];
  let first: Record<string, bigint> = {};
  for (let start = 0; start === 0 || start < cols.length; start += 100) {
    const slice = cols.slice(start, start + 100);
    const list = [...slice.flatMap((col, k) => select(`v${k}`, col, k)), ...(start === 0 ? extra : [])];
    if (!list.length) break;
    const inner = [
      ...slice.map((col, k) => `trim(${ident(col.stage)}) AS v${k}`),
      `${header ? `coalesce(${header}, false)` : 'false'} AS __h`,
      ...(start === 0 && extra.length ? ['*'] : []),
    ];
    const [r] = await rows<Record<string, bigint>>(
      c,
      `SELECT ${list.join(', ')} FROM (SELECT ${inner.join(', ')} FROM ${from})`,
    );
    if (start === 0) first = r;
    slice.forEach((_, k) =>
      out.push(
        Object.fromEntries(
          Object.entries(r)
            .filter(([key]) => key.endsWith(`_${k}`))
            .map(([key, v]) => [key.replace(/_\d+$/, ''), v]),
        ),
      ),
    );
  }
  return { perColumn: out, first };
}

/** A placeholder such as "-", "无" or "#N/A": short, and never starting with a digit, which most values do. */
const isMarker = (v: string) =>
  `CASE WHEN strlen(${v}) > 7 OR (${v} >= '0' AND ${v} < ':') THEN false ELSE ${v} IN (${markers}) END`;
const present = (v: string) => `(NOT __h AND ${v} <> '' AND NOT (${isMarker(v)}))`;
/** Present and not of `type`: the type test comes first, so values that pass it cost nothing more. */
const failing = (type: FieldType, v: string) =>
  `(NOT __h AND ${fails(type, v)} AND ${v} <> '' AND NOT (${isMarker(v)}))`;

/** Rows of the file that propose each column's type, before the whole column confirms it. */
const SAMPLE_ROWS = 100_000;
/** The first of those rows, where every type is tried; the rest only confirm the choice. */
const FIRST_ROWS = 10_000;

/**
 * The type the first SAMPLE_ROWS rows of `from` suggest for each column (the first in ORDER that
 * every present value passes), with how many values it holds there. A column empty in the sample
 * stays text: text holds whatever comes later. Every type is tried on the first FIRST_ROWS rows
 * only; a type that fails there fails on the whole sample too, so the sample needs testing only
 * against the type chosen, and again against all of them only for the columns where it fails.
 */
export async function proposeTypes(
  c: DuckDBConnection,
  columns: StagedColumn[],
  from: string,
  header: string | null,
): Promise<Map<string, Proposal>> {
  const first = await tryTypes(c, columns, `(SELECT * FROM ${from} LIMIT ${FIRST_ROWS})`, header);
  const sample = `(SELECT * FROM ${from} LIMIT ${SAMPLE_ROWS})`;
  const confirmed = await sliced(
    c,
    columns,
    (v, col, k) => [
      `count(*) FILTER (WHERE ${present(v)}) AS p_${k}`,
      `count(*) FILTER (WHERE ${present(v)} AND ${fails(first.get(col.stage)!.type, v)}) AS f_${k}`,
    ],
    sample,
    header,
  );
  const out = new Map<string, Proposal>();
  const open: StagedColumn[] = [];
  columns.forEach((col, k) => {
    const { p, f } = confirmed.perColumn[k];
    const { type, present } = first.get(col.stage)!;
    // Text chosen for a column empty in the first rows is no choice: the sample decides.
    if (Number(f) === 0 && !(present === 0 && Number(p) > 0))
      out.set(col.stage, { type, present: Number(p) });
    else open.push(col);
  });
  if (open.length)
    for (const [stage, proposal] of await tryTypes(c, open, sample, header)) out.set(stage, proposal);
  // An identifier is text whatever its values look like: 身份证号, 邮编, 手机.
  for (const col of columns) {
    const proposal = out.get(col.stage)!;
    if (proposal.type !== 'string' && isIdentifierHeader(col.name))
      out.set(col.stage, { type: 'string', present: proposal.present, identifier: true });
  }
  // A column of integers under a date header (登记日期: 20230501) is a date when every value is one.
  const dated = columns.filter((col) => out.get(col.stage)!.type === 'integer' && isDateHeader(col.name));
  if (dated.length) {
    const checked = await sliced(
      c,
      dated,
      (v, _col, k) => [`count(*) FILTER (WHERE ${present(v)} AND ${fails('date', v)}) AS f_${k}`],
      sample,
      header,
    );
    dated.forEach((col, k) => {
      if (Number(checked.perColumn[k].f) === 0) out.set(col.stage, { ...out.get(col.stage)!, type: 'date' });
    });
  }
  return out;
}

/** Every type on every row of `rows`: the first in ORDER that each column's present values pass. */
async function tryTypes(
  c: DuckDBConnection,
  columns: StagedColumn[],
  rows: string,
  header: string | null,
): Promise<Map<string, { type: FieldType; present: number }>> {
  const proposals = await sliced(
    c,
    columns,
    (v, _col, k) => [
      `count(*) FILTER (WHERE ${present(v)}) AS p_${k}`,
      ...ORDER.slice(0, -1).map(
        (t, j) => `count(*) FILTER (WHERE ${present(v)} AND ${fails(t, v)}) AS s${j}_${k}`,
      ),
    ],
    rows,
    header,
  );
  return new Map(
    columns.map((col, k) => {
      const counts = proposals.perColumn[k];
      const j =
        Number(counts.p) === 0 ? -1 : ORDER.slice(0, -1).findIndex((_, j) => Number(counts[`s${j}`]) === 0);
      return [col.stage, { type: j === -1 ? 'string' : ORDER[j], present: Number(counts.p) }];
    }),
  );
}

/**
 * Decides each text column's type from every value it holds. The first rows propose a type; the
 * whole column must then confirm it, or the next type is tried. Columns the sample shows to be
 * text cost nothing more, which keeps wide text files fast. The same pass counts the rows that
 * will be left out (blank, repeated headers).
 */
export async function inferTypes(
  c: DuckDBConnection,
  columns: StagedColumn[],
  from: string,
  skip: SkippedRows,
): Promise<{ columns: TypedColumn[]; blank: number; repeatedHeaders: number; totals: number }> {
  const candidate = new Map<string, FieldType>();
  const found = new Map<
    string,
    { present: number; placeholders: number; formulaErrors?: number; identifier?: boolean }
  >();
  // Blank rows and repeated headers start with an empty first cell or the first name: counting
  // those reads one column, and only when there are any are all the columns looked at.
  const lead = columns[0];
  const named = columns.find((col) => !col.invented);
  // Totals are counted here, exactly: they are few, and they must not decide a column's type.
  const [hint] = await rows<{ blank: bigint; header: bigint; total: bigint }>(
    c,
    `SELECT count(*) FILTER (WHERE ${ident(lead.stage)} IS NULL) AS blank,
       count(*) FILTER (WHERE ${named && skip.header ? `trim(${ident(named.stage)}) = ${literal(named.name)}` : 'false'}) AS header,
       count(*) FILTER (WHERE ${skip.total}) AS total
     FROM ${from}`,
  );
  const totals = Number(hint.total);
  const repeated = Number(hint.header) ? skip.header : null;
  // Rows no column's type is judged by: repeated headers and totals.
  const header = [repeated, totals ? skip.total : null].filter(Boolean).join(' OR ') || null;
  const blankRows = Number(hint.blank) ? skip.blank : null;
  for (const [stage, proposal] of await proposeTypes(c, columns, from, header)) {
    candidate.set(stage, proposal.type);
    found.set(stage, { present: proposal.present, placeholders: 0, identifier: proposal.identifier });
  }
  let blank = 0;
  let repeatedHeaders = 0;
  for (let first = true; ; first = false) {
    // Text needs no confirmation; a nameless text column is only counted, to drop it if empty.
    const open = columns.filter((col) => candidate.get(col.stage) !== 'string' || (first && col.invented));
    if (!open.length && !first) break;
    const checked = await sliced(
      c,
      open,
      (v, col, k) =>
        candidate.get(col.stage) === 'string'
          ? [`count(*) FILTER (WHERE ${present(v)}) AS p_${k}`]
          : [
              `count(*) FILTER (WHERE ${failing(candidate.get(col.stage)!, v)}) AS f_${k}`,
              ...(first
                ? [
                    `count(*) FILTER (WHERE NOT __h AND ${isMarker(v)}) AS m_${k}`,
                    `count(*) FILTER (WHERE NOT __h AND ${v} IN (${formulaErrors})) AS e_${k}`,
                  ]
                : []),
            ],
      from,
      header,
      first
        ? [
            ...(blankRows ? [`count(*) FILTER (WHERE ${blankRows}) AS blank`] : []),
            ...(repeated ? [`count(*) FILTER (WHERE coalesce(${repeated}, false)) AS header`] : []),
          ]
        : [],
    );
    if (first) {
      blank = Number(checked.first.blank ?? 0);
      repeatedHeaders = Number(checked.first.header ?? 0);
    }
    let settled = true;
    open.forEach((col, k) => {
      const r = checked.perColumn[k];
      if (first && r.p !== undefined) found.get(col.stage)!.present = Number(r.p);
      if (first && r.m !== undefined) found.get(col.stage)!.placeholders = Number(r.m) - Number(r.e);
      if (first && r.e !== undefined) found.get(col.stage)!.formulaErrors = Number(r.e);
      if (candidate.get(col.stage) === 'string' || Number(r.f) === 0) return;
      candidate.set(col.stage, ORDER[ORDER.indexOf(candidate.get(col.stage)!) + 1]);
      settled = false;
    });
    if (settled) break;
  }
  return {
    columns: columns.map((col) => {
      const { present: p, placeholders, formulaErrors, identifier } = found.get(col.stage)!;
      const type =
        p === 0 && (col.invented || candidate.get(col.stage) !== 'string')
          ? 'string'
          : candidate.get(col.stage)!;
      return {
        ...col,
        type,
        present: p,
        placeholders: type === 'string' ? 0 : placeholders,
        ...(type !== 'string' && formulaErrors && { formulaErrors }),
        ...(identifier && { identifier }),
      };
    }),
    blank,
    repeatedHeaders,
    totals,
  };
}

/** The first total rows of `from` as the file wrote them (their non-empty cells), for the report. */
export async function totalRowTexts(
  c: DuckDBConnection,
  columns: StagedColumn[],
  from: string,
  total: string,
): Promise<string[]> {
  const found = await rows<{ t: string }>(
    c,
    `SELECT concat_ws(' ', ${columns
      .slice(0, 20)
      .map((col) => ident(col.stage))
      .join(', ')}) AS t FROM ${from} WHERE ${total} LIMIT 20`,
  );
  return found.map((r) => r.t.slice(0, 200));
}

/**
 * SQL true for a CSV cell that `defuse` quoted: `'` before what a spreadsheet runs as a formula.
 * Such a file came from a download (or was written the same way for Excel); the `'` is removed,
 * and counted for the report.
 */
export const formulaQuoted = (v: string) => {
  const rest = `ltrim(${v}, '''')`;
  // CASE keeps the regular expressions away from the values without a leading ' (nearly all).
  return `(CASE WHEN starts_with(${v}, '''') THEN regexp_matches(${rest}, ${literal(FORMULA_PATTERN.start)}) OR (regexp_matches(${rest}, ${literal(FORMULA_PATTERN.sign)}) AND NOT regexp_matches(${rest}, ${literal(FORMULA_PATTERN.plain)})) ELSE false END)`;
};

/**
 * The typed value of a text column. Every present value was confirmed to be of the type, so a
 * failed cast can only be an empty cell or a placeholder, which is what NULL means.
 */
export function convert(col: { stage: string; type: FieldType }, quoted = false): string {
  const x = ident(col.stage);
  // trim() removes spaces only, and copies every value: most values have none to remove.
  const v = `CASE WHEN starts_with(${x}, ' ') OR ends_with(${x}, ' ') THEN trim(${x}) ELSE ${x} END`;
  switch (col.type) {
    case 'string':
      return `NULLIF(${quoted ? `CASE WHEN ${formulaQuoted(v)} THEN substr(${v}, 2) ELSE ${v} END` : v}, '')`;
    case 'integer':
      return `TRY_CAST(${x} AS BIGINT)`;
    case 'number':
      return `TRY_CAST(${x} AS DOUBLE)`;
    case 'boolean':
      return `CASE lower(${v}) WHEN 'true' THEN true WHEN 'false' THEN false END`;
    case 'date':
      return `coalesce(${asDate(v)}, CAST(try_strptime(${v}, ${CN_DATE}) AS DATE))`;
    case 'datetime':
      return `coalesce(${asTimestamp(v)}, try_strptime(${v}, ${CN_TIMES}))`;
  }
}

/** What the Parquet writer counted of each column while writing (its footer statistics). */
export interface WrittenColumn {
  nulls: number;
  /** As text; absent when every value is empty. */
  min?: string;
  max?: string;
}

export interface Written {
  rows: number;
  columns: Map<string, WrittenColumn>;
}

/** The column name in RETURN_STATS, which quotes it as an identifier. */
const unquote = (key: string) =>
  key.length > 1 && key.startsWith('"') && key.endsWith('"') ? key.slice(1, -1).replace(/""/g, '"') : key;

/**
 * Writes the final table in file order, leaving out the rows `exclude` matches, and returns the
 * writer's own statistics: the rows, and each column's empty values, minimum and maximum — what
 * a profile would otherwise read the whole file again for.
 */
export async function writeParquet(
  c: DuckDBConnection,
  target: string,
  from: string,
  columns: { name: string; expr: string }[],
  exclude: string[],
): Promise<Written> {
  const select = columns.map((col) => `${col.expr} AS ${ident(col.name)}`);
  const where = exclude.length ? `WHERE NOT (${exclude.map((e) => `(${e})`).join(' OR ')})` : '';
  const [written] = await rows<{
    count: bigint;
    column_statistics: { key: string; value: { key: string; value: string }[] }[];
  }>(
    c,
    `COPY (SELECT ${select.join(', ')} FROM ${from} ${where}) TO ${literal(target)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880, RETURN_STATS)`,
  );
  const stats = new Map<string, WrittenColumn>();
  for (const column of written.column_statistics ?? []) {
    const stat = new Map(column.value.map((kv) => [kv.key, kv.value]));
    stats.set(unquote(column.key), {
      nulls: Number(stat.get('null_count') ?? 0),
      ...(stat.has('min') && { min: stat.get('min') }),
      ...(stat.has('max') && { max: stat.get('max') }),
    });
  }
  return { rows: Number(written.count), columns: stats };
}

/** A minimum or maximum as the writer printed it, as the profile reports it. */
function writtenScalar(text: string | undefined, type: FieldType): ColumnProfile['min'] {
  if (text === undefined) return null;
  switch (type) {
    case 'integer':
      return cell(BigInt(text), type);
    case 'number':
      return cell(Number(text), type);
    case 'boolean':
      return text === '1' || text === 'true';
    case 'datetime':
      return text.slice(0, 19);
    default:
      return text.slice(0, 100);
  }
}

/**
 * Nulls, distinct values, minimum and maximum of every column of a table expression. With the
 * writer's statistics of the same table (`written`), only the distinct values are counted.
 */
export async function profile(
  c: DuckDBConnection,
  from: string,
  params: unknown[],
  columns: { name: string; type: FieldType }[],
  written?: Written,
): Promise<{ rows: number; columns: ColumnProfile[] }> {
  const total = written
    ? written.rows
    : Number((await rows<{ n: bigint }>(c, `SELECT count(*) AS n FROM ${from}`, params))[0].n);
  const known = (name: string) => (written?.columns.has(name) ? written.columns.get(name) : undefined);
  const approximate = total > 1_000_000;
  const out: ColumnProfile[] = [];
  for (let start = 0; start < columns.length; start += 100) {
    const slice = columns.slice(start, start + 100);
    const aggregates = slice.flatMap((col, k) => {
      const x = ident(col.name);
      return [
        approximate ? `approx_count_distinct(${x}) AS d${k}` : `count(DISTINCT ${x}) AS d${k}`,
        ...(known(col.name) ? [] : [`count(${x}) AS c${k}`, `min(${x}) AS lo${k}`, `max(${x}) AS hi${k}`]),
      ];
    });
    const [s] = await rows<Record<string, unknown>>(
      c,
      `SELECT ${aggregates.join(', ')} FROM ${from}`,
      params,
    );
    slice.forEach((col, k) => {
      const scalar = (v: unknown) => {
        const p = cell(v, col.type);
        return typeof p === 'string' ? p.slice(0, 100) : p;
      };
      const stats = known(col.name);
      out.push({
        name: col.name,
        type: col.type,
        sqlType: SQL_TYPE[col.type],
        nulls: stats ? stats.nulls : total - Number(s[`c${k}`]),
        distinct: Number(s[`d${k}`]),
        ...(approximate && { distinctApproximate: true }),
        min: stats ? writtenScalar(stats.min, col.type) : scalar(s[`lo${k}`]),
        max: stats ? writtenScalar(stats.max, col.type) : scalar(s[`hi${k}`]),
      });
    });
  }
  return { rows: total, columns: out };
}
