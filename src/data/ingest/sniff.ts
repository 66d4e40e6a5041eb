import { parse } from 'csv-parse/sync';
import { IngestError, problem, type Problem } from '../report.ts';

/**
 * Reading the top of a delimited file the way a person would: which delimiter, which rows are
 * a title above the table (a spanning "2023年明州市医疗机构名录"), which rows are the header (one
 * row, or two when a group heading spans sub-headings), and what the columns are called.
 * Pure functions over text, so every rule is tested without files.
 */

export interface SampleRow {
  cells: string[];
  /** Physical line on which the record ends (1-based). */
  line: number;
}

export interface Layout {
  delimiter: string;
  /** Physical lines above the first data record. */
  skipLines: number;
  headerRows: number;
  columns: string[];
  /** Names were invented (`column_3`) where the file had none. */
  invented: boolean[];
  problems: Problem[];
}

const CANDIDATES = [',', '\t', ';', '|'];

export function parseSample(text: string, delimiter: string, maxRecords = 200): SampleRow[] {
  try {
    const records = parse(text, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      info: true,
      to: maxRecords,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map((r) => ({ cells: r.record.map((c) => c.trim()), line: r.info.lines }));
  } catch {
    // An unterminated quote in the sample: fall back to plain splitting so detection still sees rows.
    return text
      .split(/\r?\n/)
      .slice(0, maxRecords)
      .map((l, i) => ({ cells: l.split(delimiter).map((c) => c.trim()), line: i + 1 }));
  }
}

const isBlank = (cells: string[]) => cells.every((c) => c === '');

function mode(values: number[]): { value: number; share: number } {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = { value: 1, count: 0 };
  for (const [value, count] of counts)
    if (count > best.count || (count === best.count && value > best.value)) best = { value, count };
  return { value: best.value, share: values.length ? best.count / values.length : 0 };
}

/** The delimiter that gives the most rows the same number (more than one) of fields. */
export function chooseDelimiter(text: string, preferred?: string): string {
  let best = { delimiter: preferred ?? ',', score: -1 };
  for (const d of preferred ? [preferred, ...CANDIDATES.filter((c) => c !== preferred)] : CANDIDATES) {
    const rows = parseSample(text, d, 100).filter((r) => !isBlank(r.cells));
    const m = mode(rows.map((r) => r.cells.length));
    const score = m.value > 1 ? m.share + Math.min(m.value, 50) / 1000 : 0;
    if (score > best.score) best = { delimiter: d, score };
  }
  return best.delimiter;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?%?$/;
const DATE = /^\d{4}([-/.年])\d{1,2}([-/.月])\d{1,2}日?([ T]\d{1,2}:\d{2}(:\d{2})?)?$/;
const dataLike = (v: string) => NUMBER.test(v) || DATE.test(v);

/** Columns whose values below the header are mostly numbers or dates. */
function typedColumns(rows: SampleRow[], width: number): boolean[] {
  return Array.from({ length: width }, (_, j) => {
    const values = rows.map((r) => r.cells[j] ?? '').filter((v) => v !== '');
    return values.length > 0 && values.filter(dataLike).length / values.length >= 0.8;
  });
}

/** A row that holds data rather than names: a number or date where the data has numbers or dates. */
const looksLikeData = (cells: string[], typed: boolean[]) =>
  cells.some((c, j) => typed[j] && c !== '' && dataLike(c));

/** One distinct value (or none) across a row the table is wider than: a title, or a spanning note. */
export function isSpanningRow(cells: (string | null)[], width: number): boolean {
  if (width < 2) return false;
  const values = new Set(cells.map((c) => (c ?? '').trim()).filter((c) => c !== ''));
  return values.size <= 1;
}

/** Whitespace inside a header (line breaks in merged Excel cells) is noise; names must also be unique. */
export function cleanNames(
  raw: string[],
  reserved: string[] = [],
): { names: string[]; invented: boolean[]; renamed: { from: string; to: string }[] } {
  const seen = new Set(reserved.map((r) => r.toLowerCase()));
  const invented: boolean[] = [];
  const renamed: { from: string; to: string }[] = [];
  const names = raw.map((r, i) => {
    let name = (r ?? '')
      .replace(/\s*[\r\n]+\s*/g, '')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 100);
    invented.push(!name);
    if (!name) name = `column_${i + 1}`;
    // DuckDB compares column names without case.
    let unique = name;
    for (let n = 2; seen.has(unique.toLowerCase()); n++) unique = `${name.slice(0, 95)}_${n}`;
    seen.add(unique.toLowerCase());
    if (unique !== name && !invented[i]) renamed.push({ from: name, to: unique });
    return unique;
  });
  return { names, invented, renamed };
}

/** The notice for header names that had to change to be unique (a second 名称 becomes 名称_2). */
export function renamedProblem(renamed: { from: string; to: string }[]): Problem[] {
  if (!renamed.length) return [];
  const list = renamed.map((r) => `${r.from} → ${r.to}`);
  return [
    problem(
      'renamed_columns',
      'info',
      `有 ${renamed.length} 个列名重复或与保留名相同，已改名：${list.slice(0, 10).join('，')}`,
      `${renamed.length} column names were repeated or reserved and were renamed: ${list.slice(0, 10).join(', ')}`,
      {
        count: renamed.length,
        columns: renamed.map((r) => r.to),
        changes: renamed.slice(0, 20).map((r) => ({ before: r.from, after: r.to })),
      },
    ),
  ];
}

const forwardFill = (cells: string[]) => {
  let last = '';
  return cells.map((c) => (c !== '' ? (last = c) : last));
};

const joinHeader = (upper: string, lower: string) =>
  !lower ? upper : !upper || upper === lower ? lower : `${upper}_${lower}`;

export interface LayoutOptions {
  maxColumns: number;
  /** The delimiter to try first (`\t` for .tsv files). */
  preferredDelimiter?: string;
  /** Lines holding a horizontally merged cell (spreadsheets): a header row with one has sub-headings below. */
  mergedLines?: Set<number>;
  /** Names the table must not take (the engine's own columns). */
  reservedNames?: string[];
}

/** Works out the table's layout from the first part of a UTF-8 file. */
export function detectLayout(sample: string, opts: LayoutOptions): Layout {
  const problems: Problem[] = [];
  const delimiter = chooseDelimiter(sample, opts.preferredDelimiter);
  const all = parseSample(sample, delimiter);
  const rows = all.filter((r) => !isBlank(r.cells));
  if (!rows.length)
    throw new IngestError('empty_file', { zh: '文件中没有数据', en: 'The file holds no data' });
  const width = mode(rows.map((r) => r.cells.length)).value;
  const widest = Math.max(...rows.map((r) => r.cells.length));
  if (widest > opts.maxColumns) throw tooManyColumns(widest, opts.maxColumns);

  let i = 0;
  while (i < rows.length - 1 && i < 10 && isSpanningRow(rows[i].cells, width)) {
    problems.push(
      problem(
        'title_row',
        'info',
        `第 ${rows[i].line} 行是标题，不是数据，已跳过`,
        `Line ${rows[i].line} is a title above the table and was skipped`,
        {
          lines: [rows[i].line],
          text: rows[i].cells.find((c) => c !== '')?.slice(0, 200),
        },
      ),
    );
    i++;
  }
  const head = rows[i];
  const below = rows.slice(i + 1, i + 60);
  const typed = typedColumns(below.slice(1), width);
  const pad = (cells: string[]) => Array.from({ length: width }, (_, j) => cells[j] ?? '');

  let raw: string[];
  let headerRows = 1;
  let lastHeaderLine = head.line;
  if (looksLikeData(head.cells, typedColumns(below, width))) {
    headerRows = 0;
    raw = Array.from({ length: width }, () => '');
    lastHeaderLine = rows[i - 1]?.line ?? 0;
    problems.push(
      problem(
        'no_header',
        'info',
        '文件没有表头，列名已自动生成',
        'The file has no header row; column names were generated',
      ),
    );
  } else {
    const upper = pad(head.cells);
    const next = below[0];
    const merged = opts.mergedLines?.has(head.line) ?? false;
    const gapped = upper.some((c, j) => c === '' && j > 0 && upper.slice(0, j).some((u) => u !== ''));
    const twoRow =
      next !== undefined &&
      below.length > 1 &&
      !looksLikeData(next.cells, typed) &&
      (merged ||
        (gapped && typed.some(Boolean) && pad(next.cells).some((c, j) => c !== '' && upper[j] === '')));
    if (twoRow) {
      const lower = pad(next.cells);
      const filled = merged ? upper : forwardFill(upper);
      raw = filled.map((u, j) => joinHeader(u, lower[j]));
      headerRows = 2;
      lastHeaderLine = next.line;
      problems.push(
        problem(
          'merged_header',
          'info',
          `第 ${head.line}–${next.line} 行是两级表头，已合并为列名`,
          `Lines ${head.line}–${next.line} are a two-level header; they were joined into column names`,
          {
            lines: [head.line, next.line],
          },
        ),
      );
    } else raw = upper;
  }
  const { names, invented, renamed } = cleanNames(raw, opts.reservedNames);
  problems.push(...renamedProblem(renamed));
  return { delimiter, skipLines: lastHeaderLine, headerRows, columns: names, invented, problems };
}

export const tooManyColumns = (found: number, max: number) =>
  new IngestError('too_many_columns', {
    zh: `文件有 ${found} 列，超过上限 ${max} 列`,
    en: `The file has ${found} columns, more than the limit of ${max}`,
  });

/**
 * Labels of a total or subtotal row, wherever it sits (合计 at the foot, 全市 at the top, 小计 in
 * the middle): such a row repeats the data it sums, so every sum over the table would count twice.
 * Matched against the first non-empty of the first three cells, spaces removed. Each holds 计, 全,
 * 总, total or sum, which `totalRow` (load.ts) tests first to keep the pattern off ordinary cells.
 */
export const TOTAL_WORDS = [
  '合计',
  '总计',
  '小计',
  '总合计',
  '共计',
  '累计',
  '总数',
  '全市',
  '全省',
  '全区',
  '全县',
  '全国',
  '全市合计',
  '全省合计',
  '全区合计',
  '全县合计',
  '全市总计',
  '全省总计',
  '本市合计',
  'total',
  'grandtotal',
  'subtotal',
  'sum',
];
/** The pattern for a total row's label, in the syntax both JavaScript and DuckDB (RE2) accept. */
export const TOTAL_PATTERN = `(${TOTAL_WORDS.join('|')})[:：]?`;
const TOTAL = new RegExp(`^${TOTAL_PATTERN}$`, 'i');
const NOTE =
  /^(注|备注|说明|附注|数据来源|资料来源|来源|填报(人|单位|日期)?|填表(人|日期)?|制表(人|单位|日期)?|审核(人)?|负责人|单位负责人|统计负责人|note|notes|source)\s*[:：\d（(]/i;

/**
 * What a row at the foot of a table is, if not data: a total (合计) or a note (注：…, 制表人：…).
 * `cells` are the row's values as text, NULL where empty.
 */
export function footerKind(
  cells: (string | null)[],
  width: number,
): 'total_row' | 'footer_note' | 'blank' | null {
  const values = cells.map((c) => (c ?? '').trim());
  if (values.every((v) => v === '')) return 'blank';
  const first = values.slice(0, 3).find((v) => v !== '') ?? '';
  if (TOTAL.test(first.replace(/\s+/g, ''))) return 'total_row';
  if (NOTE.test(first) && values.filter((v) => v !== '').length <= 2) return 'footer_note';
  if (width >= 3 && isSpanningRow(values, width) && first.length > 15) return 'footer_note';
  return null;
}

export interface FooterRow {
  cells: string[];
  /** The record as written, to recognise it among the rows DuckDB set aside. */
  raw: string;
  kind: 'total_row' | 'footer_note' | 'blank';
}

/** The rows at the very end of a file that are not data, in file order; `tail` is the file's last part. */
export function footerRows(tail: string, delimiter: string, width: number, max = 12): FooterRow[] {
  let records: { record: string[]; raw: string }[];
  try {
    records = parse(tail, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      raw: true,
    }) as unknown as {
      record: string[];
      raw: string;
    }[];
  } catch {
    return [];
  }
  const out: FooterRow[] = [];
  for (let i = records.length - 1; i >= 0 && out.length < max; i--) {
    const cells = records[i].record.map((c) => c.trim());
    const kind = footerKind(cells, width);
    if (!kind) break;
    out.unshift({ cells, raw: records[i].raw, kind });
  }
  return out;
}
