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

/** A number format that shows only a time of day (`hh:mm`, `[h]:mm:ss`, `h:mm AM/PM`). */
const timeOnly = (fmt: string) => {
  const f = fmt.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '').toLowerCase();
  return /[hs]/.test(f) && !/[yd]/.test(f);
};

function dateText(raw: Date, fmt: string): string {
  // The serial number's float noise (08:29:59.9998) rounds to the second the sheet shows.
  const d = new Date(Math.round(raw.getTime() / 1000) * 1000);
  // exceljs turns a cell's serial number into a Date in UTC; the sheet's clock is whatever the author's was.
  const day = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  const clock = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  // A time of day alone is serial 0.x, which exceljs dates on Excel's day zero (1899-12-30).
  if (timeOnly(fmt) || (day === '1899-12-30' && clock !== '00:00:00')) return clock;
  // A format with a clock shows it at midnight too: a column of timestamps stays one.
  const showsTime = /[hs]/.test(fmt.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '').toLowerCase());
  return showsTime || d.getUTCHours() || d.getUTCMinutes() || d.getUTCSeconds() ? `${day} ${clock}` : day;
}

/**
 * A number as the sheet shows it. Excel keeps 15 significant digits, so binary noise past them
 * (1.1000000000000001 from a formula) is not part of the value; a format of zeros (`000000`)
 * is a code's fixed width, so 1 shown as 000001 is the text 000001.
 */
function numberText(v: number, fmt: string): string {
  if (!Number.isFinite(v)) return '';
  const text = String(Number(v.toPrecision(15)));
  const zeros = /^0+$/.exec(fmt.trim());
  return zeros && Number.isInteger(v) && v >= 0 ? text.padStart(zeros[0].length, '0') : text;
}

const isDateFormat = (fmt: string) => {
  const f = fmt.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '').toLowerCase();
  return /[ymdhs]/.test(f) && !/^general$/.test(f);
};

interface FormulaErrors {
  n: number;
  /** The cell being read (sheet row), to name it. */
  line: number;
  examples: { line: number; before: string; after: null }[];
}

/** Text as the sheet means it: `_x000D_` is how a spreadsheet's XML writes a carriage return (OOXML ST_Xstring). */
const xstring = (text: string) =>
  text.includes('_x')
    ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)))
    : text;

function cellText(v: unknown, fmt: string, errors: FormulaErrors): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return xstring(v);
  if (typeof v === 'number') return numberText(v, fmt);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : dateText(v, fmt);
  if (typeof v === 'object') {
    const o = v as {
      richText?: { text: string }[];
      result?: unknown;
      text?: unknown;
      error?: string;
      formula?: string;
      sharedFormula?: string;
    };
    if (o.richText) return xstring(o.richText.map((t) => t.text).join(''));
    if (o.error) {
      errors.n++;
      if (errors.examples.length < 20)
        errors.examples.push({ line: errors.line, before: o.error, after: null });
      return '';
    }
    if ('result' in o || o.formula || o.sharedFormula) {
      // The streaming reader drops an error result (#DIV/0!, read as NaN), leaving a formula
      // without a value; it gives a date result as its serial number.
      if (o.result === undefined || (typeof o.result === 'number' && Number.isNaN(o.result)))
        return cellText({ error: `=${o.formula ?? o.sharedFormula ?? ''}` }, fmt, errors);
      if (typeof o.result === 'number' && isDateFormat(fmt)) {
        const ms = Math.round((o.result - 25569) * 86400000);
        return cellText(new Date(ms), fmt, errors);
      }
      return cellText(o.result, fmt, errors);
    }
    if (o.text !== undefined) return cellText(o.text, fmt, errors);
  }
  return String(v);
}

/** Sheets that explain a workbook rather than hold its table (说明 first is common): passed over when no sheet is named. */
const NOTES_SHEET =
  /^(填表|编制|数据|指标)?(说明|注释|备注|附注|封面|目录|使用说明|readme|notes?|instructions?|about|cover|contents)$/i;

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
    : (parts.sheets.find((s) => !NOTES_SHEET.test(s.name.trim())) ?? parts.sheets[0]);
  const skipped = wanted ? [] : parts.sheets.slice(0, parts.sheets.indexOf(chosen!)).map((s) => s.name);
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
  const errors: FormulaErrors = { n: 0, line: 0, examples: [] };
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
        errors.line = row.number;
        row.eachCell({ includeEmpty: false }, (cell, col) => {
          if (col > opts.maxColumns + 1) return;
          cells[col] = cellText(cell.value, cell.numFmt ?? '', errors);
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
        `有 ${errors.n} 个单元格是公式错误（如 #DIV/0!、#N/A）或没有计算结果，已作为空值`,
        `${errors.n} cells held formula errors (such as #DIV/0! or #N/A) or formulas without a computed value, and were read as empty`,
        { count: errors.n, lines: errors.examples.map((e) => e.line), changes: errors.examples },
      ),
    );
  if (parts.sheets.length > 1 && !wanted)
    problems.push(
      skipped.length
        ? problem(
            'other_sheets',
            'info',
            `工作簿有 ${parts.sheets.length} 个工作表；“${skipped.join('、')}”是说明，不是数据表，导入了“${chosen.name}”`,
            `The workbook has ${parts.sheets.length} sheets; "${skipped.join('", "')}" holds notes, not a table, and "${chosen.name}" was imported`,
          )
        : problem(
            'other_sheets',
            'info',
            `工作簿有 ${parts.sheets.length} 个工作表，只导入了第一个“${chosen.name}”`,
            `The workbook has ${parts.sheets.length} sheets; only the first, "${chosen.name}", was imported`,
          ),
    );
  return { file: out, sheet: chosen.name, sheets: parts.sheets.map((s) => s.name), mergedLines, problems };
}
