import type { DuckDBConnection } from '@duckdb/node-api';
import type { FieldType } from '../report.ts';

/** Small helpers for writing DuckDB SQL safely: every name and path is quoted here. */

export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Storage type for each field type: one Parquet type per kind, so every version compares. */
export const SQL_TYPE: Record<FieldType, string> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  datetime: 'TIMESTAMP',
};

/** The field type DuckDB's own type falls under (JSON input is typed by DuckDB). */
export function fieldTypeOf(duckType: string): FieldType | 'nested' {
  const t = duckType.toUpperCase();
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER)$/.test(t)) return 'integer';
  if (/^(FLOAT|DOUBLE|REAL|DECIMAL.*|HUGEINT|UBIGINT|UHUGEINT)$/.test(t)) return 'number';
  if (t === 'BOOLEAN') return 'boolean';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIMESTAMP')) return 'datetime';
  if (t === 'VARCHAR') return 'string';
  return 'nested';
}

export async function rows<T = Record<string, unknown>>(
  c: DuckDBConnection,
  sqlText: string,
  values?: unknown[],
): Promise<T[]> {
  const r = await c.runAndReadAll(sqlText, values as never);
  return r.getRowObjectsJS() as T[];
}
