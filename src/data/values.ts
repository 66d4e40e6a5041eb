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
