/** What an ingest found and decided; stored with the version and returned by the job. */

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime';

export interface Label {
  zh: string;
  en: string;
}

export interface Problem {
  code: string;
  /** `info` problems were repaired (title rows removed, encoding converted); `warning` lost or changed data. */
  severity: 'info' | 'warning' | 'error';
  message: Label;
  /** Line numbers in the file (sheet row numbers for spreadsheets), at most a few. */
  lines?: number[];
  count?: number;
  /** The text of a removed row, for title and total rows. */
  text?: string;
  /** The columns the problem is about. */
  columns?: string[];
  /**
   * A few of the changed cells or rows, as the file had them and as they are stored (`after`
   * null: left out or empty). `line` is the line in the file (the sheet's row for spreadsheets).
   */
  changes?: CellChange[];
}

export interface CellChange {
  line?: number;
  column?: string;
  before: string;
  after: string | null;
}

export interface ColumnProfile {
  name: string;
  type: FieldType;
  /** DuckDB storage type. */
  sqlType: string;
  nulls: number;
  distinct: number;
  /** True when `distinct` is a HyperLogLog estimate (large files). */
  distinctApproximate?: boolean;
  min: string | number | boolean | null;
  max: string | number | boolean | null;
}

export interface IngestReport {
  format: 'csv' | 'tsv' | 'xlsx' | 'json' | 'ndjson';
  encoding?: string;
  delimiter?: string;
  sheet?: string;
  /** Rows above the data that were read as its header. */
  headerRows?: number;
  rows: number;
  columns: ColumnProfile[];
  problems: Problem[];
  /** The file had nothing to repair and was read once, straight into the typed file (ingest/direct.ts). */
  onePass?: boolean;
  durationMs?: number;
}

export interface VersionChanges {
  previousVersion: number;
  rowsBefore: number;
  rowsAfter: number;
  /** Rows present now and not before, and the reverse, compared on the columns both versions share. */
  rowsAdded: number | null;
  rowsRemoved: number | null;
  columnsAdded: string[];
  columnsRemoved: string[];
  typesChanged: { name: string; before: string; after: string }[];
}

export const problem = (
  code: string,
  severity: Problem['severity'],
  zh: string,
  en: string,
  extra: Partial<Problem> = {},
): Problem => ({
  code,
  severity,
  message: { zh, en },
  ...extra,
});

/** A file the ingest cannot turn into a table: the job fails with this and the report so far. */
export class IngestError extends Error {
  constructor(
    readonly code: string,
    readonly label: Label,
    readonly problems: Problem[] = [],
  ) {
    super(label.en);
    this.name = 'IngestError';
  }
}
