import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { IngestError, problem, type Problem } from '../report.ts';
import { tooManyColumns } from './sniff.ts';
import { cellRef, inReadableOrder, inspectXlsx, type ZipLimits } from './zip.ts';

/**
 * A worksheet becomes a UTF-8 CSV whose line numbers are the sheet's row numbers, so the
 * report can say "row 7" the way the department sees it in Excel. Merged cells are filled
 * with their value across the whole range: a district merged over ten rows is that
 * district on each of them, and a heading merged over three columns heads all three.
 */

export interface SheetCsv {
  file: string;
  sheet: string;
  sheets: string[];
  /** Rows that hold a horizontally merged cell: a header there has sub-headings below. */
  mergedLines: Set<number>;
  problems: Problem[];
}

interface Merge {
  r1: number;
  c1: number;
  r2: number;
  c2: number;
  value: string;
}

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

const pad2 = (n: number) => String(n).padStart(2, '0');
function dateText(d: Date): string {
  // exceljs turns a cell's serial number into a Date in UTC; the sheet's clock is whatever the author's was.
  const day = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const time =
    d.getUTCHours() || d.getUTCMinutes() || d.getUTCSeconds()
      ? ` ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
      : '';
  return day + time;
}

function cellText(v: unknown, errors: { n: number }): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : dateText(v);
  if (typeof v === 'object') {
    const o = v as {
      richText?: { text: string }[];
      result?: unknown;
      text?: unknown;
      error?: string;
      formula?: string;
      sharedFormula?: string;
    };
    if (o.richText) return o.richText.map((t) => t.text).join('');
    if (o.error) {
      errors.n++;
      return '';
    }
    if ('result' in o || o.formula || o.sharedFormula) return cellText(o.result, errors);
    if (o.text !== undefined) return cellText(o.text, errors);
  }
  return String(v);
}

export async function xlsxToCsv(
  file: string,
  tmpDir: string,
  opts: ZipLimits & { sheet?: string; maxColumns: number; signal?: AbortSignal },
): Promise<SheetCsv> {
  const parts = await inspectXlsx(file, opts);
  if (!parts.sheets.length)
    throw new IngestError('no_sheet', { zh: '工作簿中没有工作表', en: 'The workbook has no worksheets' });
  const wanted = opts.sheet?.trim();
  const chosen = wanted
    ? (parts.sheets.find((s) => s.name === wanted) ??
      (/^\d+$/.test(wanted) ? parts.sheets[Number(wanted) - 1] : undefined))
    : parts.sheets[0];
  if (!chosen)
    throw new IngestError('unknown_sheet', {
      zh: `没有名为“${wanted}”的工作表（有：${parts.sheets.map((s) => s.name).join('、')}）`,
      en: `No sheet named "${wanted}" (sheets: ${parts.sheets.map((s) => s.name).join(', ')})`,
    });
  const sheetNo = /sheet(\d+)\.xml$/.exec(chosen.part)?.[1];
  if (!sheetNo)
    throw new IngestError('unsupported_workbook', {
      zh: '无法读取该工作表的结构',
      en: `Worksheet part ${chosen.part} cannot be read`,
    });

  const merges: Merge[] = (parts.merges.get(chosen.part) ?? []).map((ref) => {
    const [a, b] = ref.split(':').map(cellRef);
    return {
      r1: Math.min(a.row, b.row),
      c1: Math.min(a.col, b.col),
      r2: Math.max(a.row, b.row),
      c2: Math.max(a.col, b.col),
      value: '',
    };
  });
  const mergedLines = new Set(merges.filter((m) => m.c2 > m.c1).map((m) => m.r1));
  const byStart = new Map<number, Merge[]>();
  for (const m of merges) byStart.set(m.r1, [...(byStart.get(m.r1) ?? []), m]);
  let active: Merge[] = [];

  fs.mkdirSync(tmpDir, { recursive: true });
  const out = path.join(tmpDir, `${Date.now()}-${randomBytes(6).toString('hex')}.csv`);
  const stream = fs.createWriteStream(out);
  const errors = { n: 0 };
  let written = 0;
  const write = async (line: string) => {
    if (!stream.write(line)) await once(stream, 'drain');
  };
  const emit = async (rowNumber: number, cells: string[]) => {
    for (const m of byStart.get(rowNumber) ?? []) {
      m.value = cells[m.c1] ?? '';
      active.push(m);
    }
    for (const m of active) for (let c = m.c1; c <= m.c2; c++) if (!cells[c]) cells[c] = m.value;
    active = active.filter((m) => m.r2 > rowNumber);
    if (cells.length - 1 > opts.maxColumns) throw tooManyColumns(cells.length - 1, opts.maxColumns);
    await write(
      cells
        .slice(1)
        .map((c) => quote(c ?? ''))
        .join(',') + '\n',
    );
    written = rowNumber;
  };

  const readable = await inReadableOrder(file, parts.entries, tmpDir);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(readable, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    entries: 'ignore',
  });
  try {
    for await (const ws of reader) {
      if (String((ws as unknown as { id: string | number }).id) !== sheetNo) continue;
      for await (const row of ws as AsyncIterable<ExcelJS.Row>) {
        opts.signal?.throwIfAborted();
        // Rows absent from the sheet are blank lines, so line numbers stay the sheet's.
        for (let r = written + 1; r < row.number; r++) await emit(r, []);
        const cells: string[] = [];
        row.eachCell({ includeEmpty: false }, (cell, col) => {
          if (col > opts.maxColumns + 1) return;
          cells[col] = cellText(cell.value, errors).trim();
        });
        await emit(
          row.number,
          Array.from(cells, (c) => c ?? ''),
        );
      }
      break;
    }
  } catch (err) {
    stream.destroy();
    await fs.promises.rm(out, { force: true });
    if (err instanceof IngestError || opts.signal?.aborted) throw err;
    throw new IngestError('corrupt_file', {
      zh: '无法读取该 XLSX 文件',
      en: `The XLSX file cannot be read: ${(err as Error).message}`,
    });
  } finally {
    if (readable !== file) await fs.promises.rm(readable, { force: true });
  }
  stream.end();
  await once(stream, 'finish');
  const problems: Problem[] = [];
  if (errors.n)
    problems.push(
      problem(
        'formula_errors',
        'warning',
        `有 ${errors.n} 个单元格是公式错误（如 #N/A），已作为空值`,
        `${errors.n} cells held formula errors (such as #N/A) and were read as empty`,
        { count: errors.n },
      ),
    );
  if (parts.sheets.length > 1 && !wanted)
    problems.push(
      problem(
        'other_sheets',
        'info',
        `工作簿有 ${parts.sheets.length} 个工作表，只导入了第一个“${chosen.name}”`,
        `The workbook has ${parts.sheets.length} sheets; only the first, "${chosen.name}", was imported`,
      ),
    );
  return { file: out, sheet: chosen.name, sheets: parts.sheets.map((s) => s.name), mergedLines, problems };
}
