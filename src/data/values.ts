import type { FieldType } from './report.ts';

/** A column as the data plane describes it to callers. */
export interface Column {
  name: string;
  type: FieldType;
  sqlType: string;
}

export type Cell = string | number | boolean | null;

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * One cell as JSON: integers as numbers while exact (text beyond 2^53), dates `YYYY-MM-DD`,
 * timestamps `YYYY-MM-DD HH:MM:SS` — the same text in every API and download format.
 */
export function cell(value: unknown, type: FieldType): Cell {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    const day = `${value.getUTCFullYear()}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
    return type === 'date'
      ? day
      : `${day} ${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}`;
  }
  if (typeof value === 'bigint')
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

/** The field type of a DuckDB result column (user SQL may produce any type). */
export function typeOfResult(duckType: string): FieldType {
  const t = duckType.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|HUGEINT|UHUGEINT)$/.test(t))
    return 'integer';
  if (/^(FLOAT|DOUBLE|REAL|DECIMAL)/.test(t)) return 'number';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'datetime';
  return 'string';
}

/**
 * Formula neutralisation for CSV opened in a spreadsheet (OWASP "CSV injection"), kept exact.
 * A spreadsheet evaluates a cell that starts with `=` or `@`, or with `+`/`-` followed by more
 * than a plain number or phone number (`-5`, `+86 574 8708 5588`, `-12.5%` are values, and a
 * formula needs letters); tabs and carriage returns before these count too. Such a cell is
 * written with a leading `'`, and so is a cell that already starts with `'` before one, so that
 * removing one `'` on the way back in (`undefuse`, applied by the ingest) restores every value.
 * The patterns are shared with DuckDB, whose RE2 reads the same syntax.
 */
export const FORMULA_PATTERN = {
  /** Starts a formula whatever follows. */
  start: '^[\\t\\r]*[=@]',
  sign: '^[\\t\\r]*[+-]',
  /** A sign that starts a plain number or phone number, which a spreadsheet keeps as a value. */
  plain: '^[\\t\\r]*[+-]([0-9 ().+-]*%?|[0-9]*\\.?[0-9]+[eE][+-]?[0-9]+)$',
};
const START = new RegExp(FORMULA_PATTERN.start);
const SIGN = new RegExp(FORMULA_PATTERN.sign);
const PLAIN = new RegExp(FORMULA_PATTERN.plain);

/** True when a spreadsheet would evaluate the text as a formula. */
export const evaluatesAsFormula = (text: string) =>
  START.test(text) || (SIGN.test(text) && !PLAIN.test(text));

/** Needs a leading `'`: a formula, or a formula behind apostrophes (which must survive the way back). */
const needsQuote = (text: string) => evaluatesAsFormula(text.replace(/^'+/, ''));

/** The text as written to a CSV for spreadsheets: a leading `'` before what would be run as a formula. */
export const defuse = (text: string) => (needsQuote(text) ? `'${text}` : text);

/** The inverse of `defuse`: a CSV download read back in gives the values it was written from. */
export const undefuse = (text: string) => (text.startsWith("'") && needsQuote(text) ? text.slice(1) : text);
