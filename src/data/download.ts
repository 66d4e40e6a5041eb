import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { DomainError, seesWholeTable, validationFailed } from '../core/index.ts';
import { openBlobStore, type Context } from '../platform/index.ts';
import { openData, type DataView, type DataReader } from './access.ts';
import { readEngine } from './engine.ts';
import { ident } from './ingest/duck.ts';
import { countUse } from './usage.ts';
import { cell, defuse, type Cell, type Column } from './values.ts';

/**
 * Downloads of the current or any earlier version, streamed from DuckDB chunk by chunk so a
 * file of any size leaves in constant memory. CSV is written for Excel: a BOM so Chinese text
 * opens correctly, and text cells that Excel would run as formulas are defused.
 */

export const DOWNLOAD_FORMATS = ['csv', 'csv-gb18030', 'xlsx', 'json', 'xml', 'csvw', 'original'] as const;
export type DownloadFormat = (typeof DOWNLOAD_FORMATS)[number];

export interface Download {
  filename: string;
  contentType: string;
  body: Readable;
}

const XLSX_MAX_ROWS = 1_048_575;

const SAFE_TYPES = new Set([
  'text/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/json',
  'application/x-ndjson',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
]);

async function* rowsOf(ctx: Context, view: DataView): AsyncGenerator<unknown[][]> {
  const c = await (await readEngine(ctx)).connect();
  try {
    // Parquet is written in file order and DuckDB scans it in order: no sort, whatever the size.
    const result = await c.stream(
      `SELECT ${view.columns.map((col) => ident(col.name)).join(', ')} FROM ${view.from}`,
      view.params as never,
    );
    for await (const batch of result.yieldRowsJs()) yield batch as unknown[][];
  } finally {
    c.closeSync();
  }
}

function csvField(v: Cell, col: Column): string {
  if (v === null) return '';
  const text = col.type === 'string' ? defuse(String(v)) : String(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function* csv(ctx: Context, view: DataView): AsyncGenerator<string> {
  const header = { name: '', type: 'string', sqlType: 'VARCHAR' } as Column;
  yield '\uFEFF' + view.columns.map((c) => csvField(c.name, header)).join(',') + '\r\n';
  for await (const batch of rowsOf(ctx, view)) {
    yield batch
      .map((r) => view.columns.map((col, i) => csvField(cell(r[i], col.type), col)).join(',') + '\r\n')
      .join('');
  }
}

/**
 * The same CSV in GB18030 for Excel on Chinese Windows, which opens a double-clicked CSV in the
 * GBK code page and ignores the BOM's promise of UTF-8 in older versions. GB18030 holds every
 * Unicode character (those outside GBK as four-byte sequences), so no value is lost; no BOM.
 */
async function* csvGb18030(ctx: Context, view: DataView): AsyncGenerator<Buffer> {
  let first = true;
  for await (const text of csv(ctx, view)) {
    yield iconv.encode(first ? text.replace(/^\uFEFF/, '') : text, 'gb18030');
    first = false;
  }
}

async function* json(ctx: Context, view: DataView): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const batch of rowsOf(ctx, view)) {
    const parts = batch.map((r) =>
      JSON.stringify(Object.fromEntries(view.columns.map((col, i) => [col.name, cell(r[i], col.type)]))),
    );
    if (!parts.length) continue;
    yield (first ? '\n' : ',\n') + parts.join(',\n');
    first = false;
  }
  yield '\n]\n';
}

// Characters XML 1.0 cannot carry at all are dropped rather than producing a broken document.
// A carriage return is written as a reference, which XML parsers keep (a raw one becomes a line feed).
const xmlText = (s: string) =>
  s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;');

async function* xml(ctx: Context, view: DataView): AsyncGenerator<string> {
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<dataset title="${xmlText(view.dataset.title)}" distribution="${view.distribution.id}" version="${view.version.number}">\n`;
  for await (const batch of rowsOf(ctx, view)) {
    yield batch
      .map(
        (r) =>
          '  <record>' +
          view.columns
            .map((col, i) => {
              const v = cell(r[i], col.type);
              return v === null
                ? `<field name="${xmlText(col.name)}" null="true"/>`
                : `<field name="${xmlText(col.name)}">${xmlText(String(v))}</field>`;
            })
            .join('') +
          '</record>\n',
      )
      .join('');
  }
  yield '</dataset>\n';
}

/** The formats written as streamed text, by the serialiser that writes each. */
const TEXT_FORMATS = {
  csv: { contentType: 'text/csv; charset=utf-8', serialise: csv },
  json: { contentType: 'application/json; charset=utf-8', serialise: json },
  xml: { contentType: 'application/xml; charset=utf-8', serialise: xml },
};

/** The most characters an Excel cell holds. */
export const XLSX_MAX_CELL = 32_767;
/** Excel's numbers hold 15 significant digits: a longer integer is written as text, exactly. */
const EXCEL_DIGITS = 1e15;

const XLSX_FORMATS: Partial<Record<Column['type'], string>> = {
  date: 'yyyy-mm-dd',
  datetime: 'yyyy-mm-dd hh:mm:ss',
};

/**
 * Text as a spreadsheet's XML carries it (OOXML ST_Xstring): characters XML cannot hold or would
 * change on reading (a carriage return becomes a line feed) are written `_xHHHH_`, as Excel
 * writes them, and a literal `_xHHHH_` is protected by escaping its underscore.
 */
export const xlsxText = (text: string) =>
  text
    .replace(/_(x[0-9A-Fa-f]{4}_)/g, '_x005F_$1')
    .replace(
      /[\u0000-\u0008\u000B-\u001F]/g,
      (ch) => `_x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`,
    );

/** A cell for Excel: dates as date cells, long integers and identifiers as text, the rest as typed. */
function xlsxCell(value: unknown, col: Column): ExcelJS.CellValue {
  if ((col.type === 'date' || col.type === 'datetime') && value instanceof Date) return value;
  const v = cell(value, col.type);
  if (col.type === 'integer' && typeof v === 'number' && Math.abs(v) >= EXCEL_DIGITS) return String(v);
  return typeof v === 'string' ? xlsxText(v) : v;
}

/**
 * An Excel cell holds at most 32,767 characters, and a longer text would be cut by Excel without
 * a word: such a table is refused before anything is sent, pointing to the formats that hold it.
 */
async function refuseLongText(ctx: Context, view: DataView): Promise<void> {
  const text = view.columns.filter((col) => col.type === 'string');
  if (!text.length) return;
  const c = await (await readEngine(ctx)).connect();
  try {
    const r = await c.runAndReadAll(
      `SELECT ${text.map((col, i) => `max(length(${ident(col.name)})) AS m${i}`).join(', ')} FROM ${view.from}`,
      view.params as never,
    );
    const [longest] = r.getRowObjectsJS() as Record<string, bigint | null>[];
    const i = text.findIndex((_, i) => Number(longest[`m${i}`] ?? 0) > XLSX_MAX_CELL);
    if (i !== -1)
      throw new DomainError('invalid', 'text_too_long_for_xlsx', {
        zh: `列“${text[i].name}”中有 ${Number(longest[`m${i}`])} 个字符的单元格，超过 Excel 单元格上限 ${XLSX_MAX_CELL} 个字符；为免截断，请下载 CSV 或 JSON`,
        en: `Column "${text[i].name}" has a cell of ${Number(longest[`m${i}`])} characters, more than the ${XLSX_MAX_CELL} an Excel cell holds; to keep it whole, download CSV or JSON`,
      });
  } finally {
    c.closeSync();
  }
}

async function xlsx(ctx: Context, view: DataView): Promise<Readable> {
  if ((view.version.rowCount ?? 0) > XLSX_MAX_ROWS)
    throw new DomainError('invalid', 'too_many_rows_for_xlsx', {
      zh: `数据有 ${view.version.rowCount} 行，超过 Excel 单表上限，请下载 CSV`,
      en: `The data has ${view.version.rowCount} rows, more than an Excel sheet holds; download CSV instead`,
    });
  await refuseLongText(ctx, view);
  const out = new PassThrough();
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    // Styles carry the date formats: a date cell is a number to Excel until formatted.
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = book.addWorksheet(
    view.distribution.title.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31) || 'data',
  );
  sheet.columns = view.columns.map((col) => ({
    key: col.name,
    ...(XLSX_FORMATS[col.type] && { style: { numFmt: XLSX_FORMATS[col.type] } }),
  }));
  void (async () => {
    try {
      sheet.addRow(view.columns.map((c) => c.name)).commit();
      for await (const batch of rowsOf(ctx, view)) {
        for (const r of batch) {
          // Typed cells: numbers stay numbers; text is written as text, which Excel never evaluates.
          sheet.addRow(view.columns.map((col, i) => xlsxCell(r[i], col))).commit();
        }
        if (out.writableNeedDrain) await new Promise((resolve) => out.once('drain', resolve));
      }
      sheet.commit();
      await book.commit();
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  return out;
}

const XSD: Record<Column['type'], string> = {
  string: 'string',
  integer: 'integer',
  number: 'double',
  boolean: 'boolean',
  date: 'date',
  datetime: 'dateTime',
};

/** CSV on the Web (W3C) metadata: the CSV download described as JSON-LD, with the dataset's own metadata. */
export function csvwMetadata(view: DataView, csvUrl: string): Record<string, unknown> {
  const fields = new Map(view.dataset.fields.map((f) => [f.name, f]));
  return {
    '@context': ['http://www.w3.org/ns/csvw', { '@language': view.dataset.language || 'zh' }],
    url: csvUrl,
    'dc:title': view.dataset.title,
    'dc:description': view.dataset.description,
    'dc:publisher': {
      'schema:name': view.dataset.publisher.name,
      'schema:identifier': view.dataset.publisher.orgCode,
    },
    'dc:identifier': view.dataset.code,
    'dc:license': view.dataset.license ? { '@id': view.dataset.license } : undefined,
    'dc:modified': view.version.finishedAt ?? view.version.createdAt,
    'dcat:version': String(view.version.number),
    'dc:accessRights': view.dataset.openTier,
    dialect: {
      encoding: 'utf-8',
      header: true,
      delimiter: ',',
      doubleQuote: true,
      lineTerminators: ['\r\n'],
    },
    tableSchema: {
      columns: view.columns.map((c) => {
        const f = fields.get(c.name);
        return {
          name: c.name,
          titles: f?.title ?? c.name,
          datatype: XSD[c.type],
          ...(f?.description && { 'dc:description': f.description }),
          ...(f?.unit && { 'schema:unitText': f.unit }),
        };
      }),
    },
  };
}

/** A file name for the Content-Disposition header: the titles, the version, no path characters. */
export function downloadName(view: DataView, ext: string): string {
  const base = `${view.dataset.title}-${view.distribution.title}-v${view.version.number}`
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_')
    .slice(0, 150);
  return `${base}.${ext}`;
}

export async function downloadDistribution(
  ctx: Context,
  reader: DataReader,
  distributionId: string,
  opts: { format: DownloadFormat; version?: number; baseUrl?: string },
): Promise<Download> {
  if (!(DOWNLOAD_FORMATS as readonly string[]).includes(opts.format))
    throw validationFailed([
      {
        field: 'format',
        code: 'invalid',
        message: {
          zh: `格式须为 ${DOWNLOAD_FORMATS.join('/')}`,
          en: `format must be one of ${DOWNLOAD_FORMATS.join(', ')}`,
        },
      },
    ]);
  const view = await openData(ctx, reader, distributionId, {
    action: 'download',
    version: opts.version,
    detail: { format: opts.format },
  });
  let result: Download;
  switch (opts.format) {
    case 'csv':
    case 'json':
    case 'xml': {
      const text = TEXT_FORMATS[opts.format];
      result = {
        filename: downloadName(view, opts.format),
        contentType: text.contentType,
        body: Readable.from(text.serialise(ctx, view)),
      };
      break;
    }
    case 'csv-gb18030':
      result = {
        filename: downloadName(view, 'gb18030.csv'),
        contentType: 'text/csv; charset=gb18030',
        body: Readable.from(csvGb18030(ctx, view)),
      };
      break;
    case 'xlsx':
      result = {
        filename: downloadName(view, 'xlsx'),
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        body: await xlsx(ctx, view),
      };
      break;
    case 'csvw': {
      const base = (opts.baseUrl ?? ctx.config.baseUrl).replace(/\/+$/, '');
      const csvUrl = `${base}/api/v1/distributions/${view.distribution.id}/download?format=csv&version=${view.version.number}`;
      result = {
        filename: downloadName(view, 'csv-metadata.json'),
        contentType: 'application/csvm+json; charset=utf-8',
        body: Readable.from([JSON.stringify(csvwMetadata(view, csvUrl), null, 2)]),
      };
      break;
    }
    case 'original': {
      // The file as uploaded has every column and row: only for callers who may see the whole table.
      if (!seesWholeTable(view.access) || !view.row.raw_key)
        throw new DomainError('forbidden', 'access_denied', {
          zh: '只能下载获准范围内的数据',
          en: 'Only the data within your grant can be downloaded',
        });
      const source = view.version.source;
      const ext = source.filename.includes('.') ? source.filename.split('.').pop()! : 'bin';
      result = {
        filename: downloadName(view, ext),
        // The uploader's stated type is not trusted: only plain data types are echoed back.
        contentType: SAFE_TYPES.has(source.mediaType ?? '') ? source.mediaType! : 'application/octet-stream',
        body: await openBlobStore(ctx.config).read(view.row.raw_key),
      };
      break;
    }
  }
  await countUse(ctx, [view.distribution.id], 'downloads');
  return result;
}
